// Cheap statistics over raw Float32Arrays: one pass each, no allocation besides the result. They run on every
// step for every layer, so they stay simple loops the JIT can keep tight (telemetry budget: 5% of a step).
import type { ActivationStats, Histogram } from '../../protocol/messages';

/**
 * Faster passes with the same results, from a backend (the wasm one registers v128 loops, see initBackends), or null
 * for the JavaScript loops here, which stay the reference. Their float64 sums may differ from the loops' in the last
 * bits (another order); counts, min and max are exact.
 */
export interface FastStats {
  moments(data: Float32Array): Moments;
  /** Sum of squares, sum of |x| and exact zeros of `data`. */
  gradSums(data: Float32Array): { sumSq: number; sumAbs: number; zeros: number };
  normAndDiff(a: Float32Array, b: Float32Array): { sumSq: number; diffSq: number };
}

let fast: FastStats | null = null;
/** Below this many values the JavaScript loop is done before a copy into a backend's memory would be. */
const FAST_MIN = 1024;

export function setFastStats(stats: FastStats | null): void {
  fast = stats;
}

export interface GradSummary {
  sumSq: number;
  sumAbs: number;
  zeros: number;
  count: number;
}

/** Accumulates sum of squares, sum of |x| and exact zeros of `data` into `acc` (several tensors, one layer). */
export function accumulateGrad(acc: GradSummary, data: Float32Array): void {
  if (fast && data.length >= FAST_MIN) {
    const g = fast.gradSums(data);
    acc.sumSq += g.sumSq;
    acc.sumAbs += g.sumAbs;
    acc.zeros += g.zeros;
    acc.count += data.length;
    return;
  }
  // Branch-free body: gradient signs and zeros are unpredictable, and a mispredicted branch per element would
  // cost more than the arithmetic. Two lanes of independent accumulators: one dependent chain of adds per sum
  // would leave the CPU waiting on each add (this loop runs over every parameter gradient on statistics steps).
  let sq0 = 0;
  let sq1 = 0;
  let abs0 = 0;
  let abs1 = 0;
  let nz0 = 0;
  let nz1 = 0;
  const n = data.length;
  const n2 = n - (n % 2);
  for (let i = 0; i < n2; i += 2) {
    const a = data[i];
    const b = data[i + 1];
    sq0 += a * a;
    sq1 += b * b;
    abs0 += Math.abs(a);
    abs1 += Math.abs(b);
    nz0 += +(a !== 0);
    nz1 += +(b !== 0);
  }
  if (n2 < n) {
    const a = data[n2];
    sq0 += a * a;
    abs0 += Math.abs(a);
    nz0 += +(a !== 0);
  }
  acc.sumSq += sq0 + sq1;
  acc.sumAbs += abs0 + abs1;
  acc.zeros += n - nz0 - nz1;
  acc.count += n;
}

export function sumSquares(data: Float32Array): number {
  if (fast && data.length >= FAST_MIN) return fast.gradSums(data).sumSq;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = data.length;
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    s0 += data[i] * data[i];
    s1 += data[i + 1] * data[i + 1];
    s2 += data[i + 2] * data[i + 2];
    s3 += data[i + 3] * data[i + 3];
  }
  for (let i = n4; i < n; i++) s0 += data[i] * data[i];
  return s0 + s1 + s2 + s3;
}

/** ||a - b||^2 in float64 (the size of an update: a after, b before). */
export function sumSquaredDiff(a: Float32Array, b: Float32Array): number {
  if (fast && a.length >= FAST_MIN && a.length === b.length) return fast.normAndDiff(a, b).diffSq;
  // Two independent accumulators: a single chain of dependent adds is latency-bound.
  let s0 = 0;
  let s1 = 0;
  const n = Math.min(a.length, b.length);
  const n2 = n - (n % 2);
  for (let i = 0; i < n2; i += 2) {
    const d0 = a[i] - b[i];
    const d1 = a[i + 1] - b[i + 1];
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  if (n2 < n) {
    const d = a[n2] - b[n2];
    s0 += d * d;
  }
  return s0 + s1;
}

/** ||a||^2 and ||a - b||^2 in one pass (the weight norm and the update of the update-to-weight ratio). */
export function normAndDiff(a: Float32Array, b: Float32Array): { sumSq: number; diffSq: number } {
  return fast && a.length >= FAST_MIN && a.length === b.length ? fast.normAndDiff(a, b) : normAndDiffReference(a, b);
}

/** normAndDiff's loop in plain JavaScript: the reference a faster pass is tested against. */
export function normAndDiffReference(a: Float32Array, b: Float32Array): { sumSq: number; diffSq: number } {
  let s = 0;
  let d2 = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    const d = v - b[i];
    s += v * v;
    d2 += d * d;
  }
  return { sumSq: s, diffSq: d2 };
}

/** Where a nonlinearity saturates: inputs outside (low, high) count as saturated. */
export interface SaturationRange {
  low: number;
  high: number;
}

/** One pass over a tensor's values: the sums and counts every summary (telemetry, debugger) is made from. */
export interface Moments {
  /** Finite values only. */
  sum: number;
  sumSq: number;
  min: number;
  max: number;
  finite: number;
  zeros: number;
  nan: number;
  inf: number;
}

export function moments(data: Float32Array): Moments {
  return fast && data.length >= FAST_MIN ? fast.moments(data) : momentsReference(data);
}

/** The one pass in plain JavaScript: the reference every faster pass is tested against. */
export function momentsReference(data: Float32Array): Moments {
  return addMoments({ sum: 0, sumSq: 0, min: Infinity, max: -Infinity, finite: 0, zeros: 0, nan: 0, inf: 0 }, data);
}

/** Adds the values data[from, to) to `m` and returns it (also the tail a vector pass leaves, see backends/wasm/stats.ts). */
export function addMoments(m: Moments, data: Float32Array, from = 0, to = data.length): Moments {
  let { sum, sumSq, min, max, zeros, nan, inf, finite } = m;
  for (let i = from; i < to; i++) {
    const v = data[i];
    // v - v is 0 for finite values and NaN for NaN and ±Inf: one comparison on the common path.
    if (v - v !== 0) {
      if (v !== v) nan++;
      else inf++;
      continue;
    }
    finite++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  Object.assign(m, { sum, sumSq, min, max, finite, zeros, nan, inf });
  return m;
}

/** Mean and (population) standard deviation of the finite values. */
export function meanStd(m: Moments): { mean: number; std: number } {
  if (m.finite === 0) return { mean: 0, std: 0 };
  const mean = m.sum / m.finite;
  return { mean, std: Math.sqrt(Math.max(0, m.sumSq / m.finite - mean * mean)) };
}

/**
 * Mean, std, min, max, exact-zero fraction and non-finite count of `data`. `satFrac` is the fraction of
 * `satInput` outside `sat` (the nonlinearity's input, whose size may differ from data's for pooling etc.).
 */
export function activationStats(data: Float32Array, satInput?: Float32Array, sat?: SaturationRange): ActivationStats {
  const m = moments(data);
  const { mean, std } = meanStd(m);
  let satFrac = 0;
  if (satInput && sat && satInput.length > 0) {
    let saturated = 0;
    for (let i = 0; i < satInput.length; i++) {
      const v = satInput[i];
      if (v <= sat.low || v >= sat.high) saturated++;
    }
    satFrac = saturated / satInput.length;
  }
  return {
    mean,
    std,
    min: m.finite > 0 ? m.min : 0,
    max: m.finite > 0 ? m.max : 0,
    zeroFrac: data.length > 0 ? m.zeros / data.length : 0,
    satFrac,
    nonFinite: m.nan + m.inf,
  };
}

/** Equal-width histogram of the finite values of `data` (all in one bin when they are all equal). */
export function histogram(data: Float32Array, bins: number): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min === Infinity) return { min: 0, max: 0, counts };
  const width = max - min;
  const scale = width > 0 ? bins / width : 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) continue;
    let b = Math.floor((v - min) * scale);
    if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  return { min, max, counts };
}

/**
 * Per-unit activity of one batch: for each unit (dim 1 of [batch, units, ...spatial]) the fraction of its
 * outputs that are > 0. A ReLU unit that stays below 1% over many batches is dead (TheDeepChecker, SageMaker).
 */
export function unitActivity(data: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length < 2) {
    const out = new Float32Array(1);
    let active = 0;
    for (let i = 0; i < data.length; i++) if (data[i] > 0) active++;
    out[0] = data.length > 0 ? active / data.length : 0;
    return out;
  }
  const batch = shape[0];
  const units = shape[1];
  let inner = 1;
  for (let d = 2; d < shape.length; d++) inner *= shape[d];
  const active = new Float32Array(units);
  for (let b = 0; b < batch; b++) {
    const base = b * units * inner;
    for (let u = 0; u < units; u++) {
      const off = base + u * inner;
      let c = 0;
      for (let k = 0; k < inner; k++) if (data[off + k] > 0) c++;
      active[u] += c;
    }
  }
  const denom = batch * inner;
  for (let u = 0; u < units; u++) active[u] = denom > 0 ? active[u] / denom : 0;
  return active;
}
