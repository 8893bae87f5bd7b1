// Colour scales for the heatmap: a domain chosen from the data's extent (whole decades for log metrics, so the
// legend stays readable and does not move on every step) and a 256-entry RGBA lookup table, so colouring a cell
// is one multiply and one array read instead of a d3 interpolation.
import { interpolateRdBu, interpolateViridis, interpolateYlOrRd, rgb } from 'd3';
import type { Extent } from './store';
import type { MetricDef } from './metrics';

export const LUT_SIZE = 256;

export interface ColourScale {
  /** In display units: log10 of the value for log metrics. */
  domain: [number, number];
  log: boolean;
  interpolate(t: number): string;
  /** RGBA bytes, LUT_SIZE entries. */
  lut: Uint8ClampedArray;
}

export function interpolatorFor(def: MetricDef): (t: number) => string {
  switch (def.ramp) {
    case 'diverging':
      // Blue for negative, red for positive; the middle is near white/grey in both themes.
      return (t) => interpolateRdBu(1 - t);
    case 'fraction':
      return interpolateYlOrRd;
    case 'sequential':
      return interpolateViridis;
  }
}

export function domainFor(def: MetricDef, ext: Extent): [number, number] {
  if (def.ramp === 'fraction') return [0, 1];
  if (def.log) {
    if (!Number.isFinite(ext.minPositive) || !(ext.max > 0)) return [-1, 0];
    const lo = Math.floor(Math.log10(ext.minPositive));
    let hi = Math.ceil(Math.log10(ext.max));
    if (!Number.isFinite(hi)) hi = lo + 1;
    return hi > lo ? [lo, hi] : [lo, lo + 1];
  }
  const m = Math.max(Math.abs(ext.min), Math.abs(ext.max));
  if (!Number.isFinite(m) || m === 0) return def.ramp === 'diverging' ? [-1, 1] : [0, 1];
  const nice = niceCeil(m);
  return def.ramp === 'diverging' ? [-nice, nice] : [Math.min(0, ext.min), nice];
}

/** Rounds up to 1, 2 or 5 times a power of ten, so the domain only changes when the data grows a lot. */
export function niceCeil(x: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const f of [1, 2, 5, 10]) if (x <= f * p * (1 + 1e-9)) return f * p;
  return 10 * p;
}

export function makeScale(def: MetricDef, ext: Extent): ColourScale {
  const interpolate = interpolatorFor(def);
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = rgb(interpolate(i / (LUT_SIZE - 1)));
    lut[i * 4] = c.r;
    lut[i * 4 + 1] = c.g;
    lut[i * 4 + 2] = c.b;
    lut[i * 4 + 3] = 255;
  }
  return { domain: domainFor(def, ext), log: def.log, interpolate, lut };
}

/** Position of a raw value in [0, 1] along the scale (NaN for no value); non-positive values sit at a log scale's floor. */
export function scaleT(scale: ColourScale, v: number): number {
  if (v !== v) return NaN;
  let x = v;
  if (scale.log) x = v > 0 ? Math.log10(v) : -Infinity;
  const [lo, hi] = scale.domain;
  const t = (x - lo) / (hi - lo);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** LUT index of a raw value, -1 for no value. */
export function lutIndex(scale: ColourScale, v: number): number {
  const t = scaleT(scale, v);
  return t !== t ? -1 : Math.round(t * (LUT_SIZE - 1));
}
