// Min/max downsampling of many per-layer series into at most `maxBuckets` columns. Bucket width is a power of two
// samples, so when a growing run outgrows the canvas, pairs of buckets merge exactly (min of mins, max of maxes)
// instead of re-reading the raw history; appending samples touches only the last bucket(s). Keeping both extremes
// means a one-step spike survives any amount of downsampling.

export class BucketGrid {
  /** Samples per bucket (a power of two). */
  size = 1;
  /** Buckets in use. */
  count = 0;
  /** Samples aggregated so far. */
  filled = 0;
  min: Float32Array[] = [];
  max: Float32Array[] = [];

  constructor(
    rows = 0,
    public maxBuckets = 512,
  ) {
    this.reset(rows, maxBuckets);
  }

  reset(rows: number, maxBuckets: number): void {
    this.maxBuckets = Math.max(2, Math.floor(maxBuckets));
    this.size = 1;
    this.count = 0;
    this.filled = 0;
    this.min = Array.from({ length: rows }, () => new Float32Array(this.maxBuckets).fill(NaN));
    this.max = Array.from({ length: rows }, () => new Float32Array(this.maxBuckets).fill(NaN));
  }

  get rows(): number {
    return this.min.length;
  }

  /**
   * Aggregates samples [filled, n) of each row's series. Returns the first bucket whose value may have changed
   * (0 when buckets were merged, i.e. everything moved).
   */
  update(series: readonly ArrayLike<number>[], n: number): number {
    if (n <= this.filled) return this.count;
    let firstDirty = Math.floor(this.filled / this.size);
    let size = this.size;
    while (Math.ceil(n / size) > this.maxBuckets) size *= 2;
    if (size !== this.size) {
      this.merge(size);
      firstDirty = 0;
    }
    const from = this.filled;
    const rows = Math.min(this.rows, series.length);
    const shift = Math.log2(this.size);
    for (let r = 0; r < rows; r++) {
      const s = series[r];
      const mn = this.min[r];
      const mx = this.max[r];
      for (let i = from; i < n; i++) {
        const v = s[i];
        if (v !== v) continue; // NaN: no value at this sample
        const b = i >>> shift;
        const a = mn[b];
        if (a !== a || v < a) mn[b] = v;
        const z = mx[b];
        if (z !== z || v > z) mx[b] = v;
      }
    }
    this.filled = n;
    this.count = Math.ceil(n / this.size);
    return firstDirty;
  }

  /** Widens buckets to `size` samples by combining runs of old buckets in place. */
  private merge(size: number): void {
    const factor = size / this.size;
    const count = Math.ceil(this.count / factor);
    for (let r = 0; r < this.rows; r++) {
      const mn = this.min[r];
      const mx = this.max[r];
      for (let b = 0; b < count; b++) {
        let lo = NaN;
        let hi = NaN;
        for (let k = b * factor; k < Math.min((b + 1) * factor, this.count); k++) {
          const a = mn[k];
          const z = mx[k];
          if (a === a && !(a >= lo)) lo = a;
          if (z === z && !(z <= hi)) hi = z;
        }
        mn[b] = lo;
        mx[b] = hi;
      }
      mn.fill(NaN, count);
      mx.fill(NaN, count);
    }
    this.size = size;
    this.count = count;
  }

  /** Sample range [start, end) covered by bucket b. */
  span(b: number): [number, number] {
    return [b * this.size, Math.min((b + 1) * this.size, this.filled)];
  }
}
