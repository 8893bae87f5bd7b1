// A growable typed array: the columnar store keeps one per metric per layer so that 50 layers x 20,000 steps stay
// a few megabytes of contiguous floats instead of a million little objects.

type Typed = Float32Array | Float64Array;

export class Column<T extends Typed = Float64Array> {
  private buf: T;
  private n = 0;

  constructor(
    private readonly make: (capacity: number) => T,
    capacity = 256,
  ) {
    this.buf = make(capacity);
  }

  static f32(capacity = 256): Column<Float32Array> {
    return new Column((c) => new Float32Array(c), capacity);
  }

  static f64(capacity = 256): Column<Float64Array> {
    return new Column((c) => new Float64Array(c), capacity);
  }

  get length(): number {
    return this.n;
  }

  push(value: number): void {
    if (this.n === this.buf.length) {
      const next = this.make(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = value;
  }

  get(i: number): number {
    return this.buf[i];
  }

  set(i: number, value: number): void {
    this.buf[i] = value;
  }

  /** Live view of the filled part; valid until the next push. */
  view(): T {
    return this.buf.subarray(0, this.n) as T;
  }

  clear(): void {
    this.n = 0;
  }
}

/** Index of the first element >= value in a sorted column (binary search). */
export function lowerBound(col: ArrayLike<number>, value: number, n = col.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (col[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
