// The loss chart's curves: the steps reduced to one column per pixel (raw min/max, the smoothed value and the
// learning rate), those columns as SVG path data (lifting the pen over gaps), and the EMA that smooths the raw loss.
import type { RunStore } from '../store';
import type { TimeLayout } from './layout';

/** Per-pixel columns of the curves (struct of arrays, reused between frames). */
export interface Columns {
  n: number;
  x: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  ema: Float64Array;
  lr: Float64Array;
}

export const emptyColumns = (): Columns => ({
  n: 0,
  x: new Float64Array(0),
  lo: new Float64Array(0),
  hi: new Float64Array(0),
  ema: new Float64Array(0),
  lr: new Float64Array(0),
});

/** One column per pixel: raw min/max, the last smoothed value and learning rate in it. */
export function downsampleLoss(prev: Columns, store: RunStore, smoothed: ArrayLike<number>, layout: TimeLayout, n: number): Columns {
  let cols = prev;
  const cap = Math.ceil(layout.plotWidth) + 2;
  if (cols.x.length < cap) {
    cols = { n: 0, x: new Float64Array(cap), lo: new Float64Array(cap), hi: new Float64Array(cap), ema: new Float64Array(cap), lr: new Float64Array(cap) };
  }
  const { x, lo, hi, ema: em, lr } = cols;
  const steps = store.stepNo.view();
  const loss = store.loss.view();
  const lrs = store.lr.view();
  const [d0, d1] = layout.x.domain();
  const k = layout.plotWidth / (d1 - d0);
  let c = -1;
  let col = NaN;
  for (let i = 0; i < n; i++) {
    const st = steps[i];
    const cc = Math.floor((st - d0) * k);
    if (cc !== col) {
      if (c + 1 >= cap) break;
      c++;
      col = cc;
      x[c] = (st + 0.5 - d0) * k;
      lo[c] = NaN;
      hi[c] = NaN;
    }
    const v = loss[i];
    if (Number.isFinite(v)) {
      if (!(v >= lo[c])) lo[c] = v;
      if (!(v <= hi[c])) hi[c] = v;
    }
    em[c] = smoothed[i];
    lr[c] = lrs[i];
  }
  cols.n = c + 1;
  return cols;
}


/** SVG path through (x[i], y(v[i])), lifting the pen over non-finite values. */
export function linePath(x: Float64Array, v: Float64Array, n: number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < n; i++) {
    const yy = y(v[i]);
    if (!Number.isFinite(yy) || !Number.isFinite(v[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x[i].toFixed(1)},${yy.toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Closed band between lo and hi for each run of defined columns. */
export function bandPath(x: Float64Array, lo: Float64Array, hi: Float64Array, n: number, y: (v: number) => number): string {
  let d = '';
  let i = 0;
  while (i < n) {
    while (i < n && !(Number.isFinite(lo[i]) && Number.isFinite(hi[i]))) i++;
    const start = i;
    while (i < n && Number.isFinite(lo[i]) && Number.isFinite(hi[i])) i++;
    if (i === start) break;
    for (let k = start; k < i; k++) d += `${k === start ? 'M' : 'L'}${x[k].toFixed(1)},${y(hi[k]).toFixed(1)}`;
    for (let k = i - 1; k >= start; k--) d += `L${x[k].toFixed(1)},${y(lo[k]).toFixed(1)}`;
    d += 'Z';
  }
  return d;
}

/** Debiased exponential moving average (as TensorBoard smooths), NaN where the input is not finite. */
export function ema(values: ArrayLike<number>, n: number, alpha: number, out = new Float64Array(n)): Float64Array {
  let acc = 0;
  let weight = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = NaN;
      continue;
    }
    acc = acc * alpha + (1 - alpha) * v;
    weight = weight * alpha + (1 - alpha);
    out[i] = acc / weight;
  }
  return out;
}
