// Per-layer statistics of one step, computed from what the training loop observed: parameter values and
// gradients, the weights before the optimizer step, the layer's output (activation) and, for saturating
// nonlinearities, their input. Pure: typed arrays in, a protocol LayerStats out.
import type { DetectorThresholds, LayerHistograms, LayerStats } from '../../protocol/messages';
import {
  accumulateGrad,
  activationStats,
  histogram,
  normAndDiff,
  sumSquares,
  type GradSummary,
  type SaturationRange,
} from './tensor-stats';

export interface ParamObservation {
  data: Float32Array;
  grad: Float32Array | null;
  /** The values before the optimizer step (for the update-to-weight ratio); absent when not snapshotted. */
  before?: Float32Array;
  /** ||Δp|| of the last optimizer step, when the optimizer reports it (then no snapshot is needed). */
  updateNorm?: number;
}

export interface LayerObservation {
  id: string;
  /** Module class name: decides the saturation range (Tanh, Sigmoid). */
  type: string;
  params: ParamObservation[];
  /** The layer's output on this step's forward pass. */
  act?: Float32Array;
  /** The layer's input (used for Tanh/Sigmoid saturation, whose rule is stated on inputs). */
  input?: Float32Array;
  /** Gradient flowing into the layer's output. */
  outGrad?: Float32Array;
}

/** The input range outside which a nonlinearity is saturated (SageMaker Debugger saturated_activation). */
export function saturationRange(type: string, th: DetectorThresholds): SaturationRange | undefined {
  if (type === 'Tanh') return { low: -th.tanhSaturation, high: th.tanhSaturation };
  if (type === 'Sigmoid') return { low: th.sigmoidLow, high: th.sigmoidHigh };
  return undefined;
}

export function computeLayerStats(obs: LayerObservation, th: DetectorThresholds): LayerStats {
  const stats: LayerStats = { id: obs.id };
  const withGrad = obs.params.filter((p) => p.grad !== null);
  // Weight norm and update ratio: from the optimizer's own record of each update (every step, no copy), or, for
  // an optimizer that keeps none, from a snapshot of the weights taken on a cadence (the copy is the most
  // expensive part of the telemetry, so those values are present on the snapshot steps only).
  if (obs.params.length > 0 && obs.params.every((p) => p.before)) {
    let wSq = 0;
    let dSq = 0;
    for (const p of obs.params) {
      const r = normAndDiff(p.data, p.before as Float32Array);
      wSq += r.sumSq;
      dSq += r.diffSq;
    }
    stats.weightNorm = Math.sqrt(wSq);
    if (wSq > 0) stats.updateRatio = Math.sqrt(dSq) / Math.sqrt(wSq);
  } else if (obs.params.length > 0 && obs.params.every((p) => p.updateNorm !== undefined)) {
    let wSq = 0;
    let uSq = 0;
    for (const p of obs.params) {
      wSq += sumSquares(p.data);
      uSq += (p.updateNorm as number) ** 2;
    }
    stats.weightNorm = Math.sqrt(wSq);
    if (wSq > 0) stats.updateRatio = Math.sqrt(uSq) / Math.sqrt(wSq);
  }
  if (withGrad.length > 0) {
    const acc: GradSummary = { sumSq: 0, sumAbs: 0, zeros: 0, count: 0 };
    for (const p of withGrad) accumulateGrad(acc, p.grad as Float32Array);
    stats.gradNorm = Math.sqrt(acc.sumSq);
    stats.gradMeanAbs = acc.count > 0 ? acc.sumAbs / acc.count : 0;
    stats.gradZeroFrac = acc.count > 0 ? acc.zeros / acc.count : 0;
  }
  if (obs.act) {
    const sat = saturationRange(obs.type, th);
    stats.act = activationStats(obs.act, sat ? obs.input : undefined, sat);
  }
  if (obs.outGrad) stats.outGradNorm = Math.sqrt(sumSquares(obs.outGrad));
  return stats;
}

/** Histograms of the layer's activation and of its parameter gradients (all parameters pooled). */
export function computeLayerHistograms(obs: LayerObservation, bins: number): LayerHistograms {
  const h: LayerHistograms = { id: obs.id };
  if (obs.act) h.activation = histogram(obs.act, bins);
  const grads = obs.params.map((p) => p.grad).filter((g): g is Float32Array => g !== null);
  if (grads.length === 1) h.gradient = histogram(grads[0], bins);
  else if (grads.length > 1) {
    const total = grads.reduce((n, g) => n + g.length, 0);
    const pooled = new Float32Array(total);
    let off = 0;
    for (const g of grads) {
      pooled.set(g, off);
      off += g.length;
    }
    h.gradient = histogram(pooled, bins);
  } else if (obs.outGrad) h.gradient = histogram(obs.outGrad, bins);
  return h;
}
