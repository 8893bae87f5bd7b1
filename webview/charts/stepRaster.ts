// The heatmap's cells, placed at their steps: each row's statistics samples are min/max-aggregated into pixel
// columns of the plot, a sample covering the steps from its own up to the next sample's (statistics arrive every
// step at first, then every N steps: see engine/train/cadence.ts). So column x sits over the axis position of the
// steps it shows, however unevenly the samples are spaced; an equal width per sample made the first 20 steps of a
// 200-step run fill two thirds of the axis. Keeping both extremes per pixel means a one-step spike survives any
// amount of squeezing. Appending samples re-aggregates only from the last old sample's pixel on.

/** Step -> x in raster pixels (fractional; the caller scales the plot's step axis to the raster's width). */
export type StepToPixel = (step: number) => number;

export class StepRaster {
  /** Pixel columns. */
  width = 0;
  min: Float32Array[] = [];
  max: Float32Array[] = [];
  /** Per pixel column: the first and last sample drawn in it; -1 where no sample reaches. */
  first = new Int32Array(0);
  last = new Int32Array(0);
  /** Samples aggregated so far. */
  filled = 0;
  private x: StepToPixel = (s) => s;

  get rows(): number {
    return this.min.length;
  }

  reset(rows: number, width: number, x: StepToPixel): void {
    this.width = Math.max(1, Math.floor(width));
    this.x = x;
    this.filled = 0;
    this.min = Array.from({ length: rows }, () => new Float32Array(this.width).fill(NaN));
    this.max = Array.from({ length: rows }, () => new Float32Array(this.width).fill(NaN));
    this.first = new Int32Array(this.width).fill(-1);
    this.last = new Int32Array(this.width).fill(-1);
  }

  /** First pixel of sample i (may lie outside [0, width)): the pixel its step's left edge is nearest to. */
  private startPx(steps: ArrayLike<number>, i: number): number {
    return Math.round(this.x(steps[i]));
  }

  /** End (exclusive) of sample i's pixels when `n` samples exist: up to the next sample, or one step for the last. */
  private endPx(steps: ArrayLike<number>, i: number, n: number): number {
    const start = this.startPx(steps, i);
    const end = Math.round(this.x(i + 1 < n ? steps[i + 1] : steps[i] + 1));
    return Math.max(start + 1, end);
  }

  /**
   * Aggregates samples [filled, n) of each row's series (`steps` ascending). Returns the first pixel column whose
   * content may have changed (`width` when none did).
   */
  update(series: readonly ArrayLike<number>[], steps: ArrayLike<number>, n: number): number {
    if (n <= this.filled || n === 0) return this.width;
    const from = this.filled;
    // The last old sample now reaches up to the first new one: redo the pixels from its start, with every sample
    // that shares one of them.
    const redo = from > 0 ? from - 1 : 0;
    const p = Math.max(0, this.startPx(steps, redo));
    if (p >= this.width) {
      this.filled = n;
      return this.width;
    }
    let j = redo;
    while (j > 0 && this.endPx(steps, j - 1, n) > p) j--;
    for (let r = 0; r < this.rows; r++) {
      this.min[r].fill(NaN, p);
      this.max[r].fill(NaN, p);
    }
    this.first.fill(-1, p);
    this.last.fill(-1, p);
    const rows = Math.min(this.rows, series.length);
    for (let i = j; i < n; i++) {
      const a = Math.max(p, this.startPx(steps, i));
      const b = Math.min(this.width, this.endPx(steps, i, n));
      if (a >= b) continue;
      for (let px = a; px < b; px++) {
        if (this.first[px] < 0) this.first[px] = i;
        this.last[px] = i;
      }
      for (let r = 0; r < rows; r++) {
        const v = series[r][i];
        if (v !== v) continue; // NaN: no value at this sample
        const mn = this.min[r];
        const mx = this.max[r];
        for (let px = a; px < b; px++) {
          const lo = mn[px];
          if (lo !== lo || v < lo) mn[px] = v;
          const hi = mx[px];
          if (hi !== hi || v > hi) mx[px] = v;
        }
      }
    }
    this.filled = n;
    return p;
  }

  /**
   * The cell around pixel column `px`: the run of neighbouring columns that show exactly the same samples, as
   * [start, end) pixels, or undefined where no sample reaches.
   */
  cellAt(px: number): [number, number] | undefined {
    const c = Math.floor(px);
    if (c < 0 || c >= this.width || this.first[c] < 0) return undefined;
    const f = this.first[c];
    const l = this.last[c];
    let a = c;
    while (a > 0 && this.first[a - 1] === f && this.last[a - 1] === l) a--;
    let b = c + 1;
    while (b < this.width && this.first[b] === f && this.last[b] === l) b++;
    return [a, b];
  }

  /** The cell after (+1) or before (-1) the one at `px`, skipping columns no sample reaches. */
  nextCell(px: number, dir: 1 | -1): [number, number] | undefined {
    const here = this.cellAt(px);
    let c = here ? (dir > 0 ? here[1] : here[0] - 1) : Math.floor(px) + dir;
    while (c >= 0 && c < this.width && this.first[c] < 0) c += dir;
    return this.cellAt(c);
  }

  /** The first (dir 1) or last (dir -1) cell with data. */
  edgeCell(dir: 1 | -1): [number, number] | undefined {
    let c = dir > 0 ? 0 : this.width - 1;
    while (c >= 0 && c < this.width && this.first[c] < 0) c += dir;
    return this.cellAt(c);
  }
}
