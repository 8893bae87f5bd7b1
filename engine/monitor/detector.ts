// What every detector sees and returns. A detector is a small stateful object over a stream of StepSamples
// (one per training step); it returns the anomalies that start on that step. It never touches tensors, so the
// unit tests feed it numbers directly.
import type {
  Anomaly,
  AnomalyKind,
  DetectorRule,
  DetectorThresholds,
  LayerRef,
  LayerStats,
  SourceLocation,
} from '../../protocol/messages';

export interface LayerMeta {
  id: string;
  /** e.g. "Linear(784, 256)". */
  name: string;
  /** Module class name, e.g. "ReLU". */
  type: string;
  source?: SourceLocation;
}

export interface NonFiniteEvent {
  op: string;
  phase: NonNullable<Anomaly['phase']>;
  layerId?: string;
  /** The layer's display name and source, for layers that are not tracked (e.g. a custom root module). */
  layerName?: string;
  source?: SourceLocation;
  nanCount: number;
  infCount: number;
}

export interface StepSample {
  step: number;
  epoch: number;
  loss: number;
  /** The learning rate the step was taken with (the first parameter group's), where known. */
  lr?: number;
  /** Layers in forward-call order (the order gradients are compared in: first = nearest the input). */
  layers: readonly LayerMeta[];
  /** Per-layer statistics, present on the steps they were computed. */
  stats?: readonly LayerStats[];
  /** Per ReLU layer: the fraction of this batch for which each unit was active (> 0). */
  unitActivity?: ReadonlyMap<string, Float32Array>;
  /** The first NaN/Inf produced on this step, if any. */
  nonFinite?: NonFiniteEvent;
}

export interface Detector {
  readonly kind: AnomalyKind;
  observe(sample: StepSample, th: DetectorThresholds): Anomaly[];
}

export function layerRef(meta: LayerMeta | undefined, id?: string): LayerRef | undefined {
  if (meta) return meta.source ? { id: meta.id, name: meta.name, source: meta.source } : { id: meta.id, name: meta.name };
  return id !== undefined ? { id, name: id } : undefined;
}

export function anomaly(
  kind: AnomalyKind,
  sample: StepSample,
  rule: DetectorRule,
  fields: Pick<Anomaly, 'evidence' | 'message' | 'hint'> & Partial<Pick<Anomaly, 'layer' | 'op' | 'phase'>>,
): Anomaly {
  return { kind, step: sample.step, epoch: sample.epoch, rule, ...fields };
}

/** Short human formatting of a number for messages (3 significant digits, exponent when tiny or huge). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/**
 * Turns a per-key condition into one report per episode: fires when the condition has held on `patience`
 * consecutive observations, stays quiet while it keeps holding, and re-arms only once it has been clear for
 * `patience` consecutive observations too. One noisy batch is not a diagnosis (nor a recovery), and a problem
 * that persists or flickers must not flood the panel.
 */
export class Latch {
  private readonly runs = new Map<string, number>();
  private readonly clear = new Map<string, number>();
  private readonly fired = new Set<string>();

  update(key: string, condition: boolean, patience: number): boolean {
    const need = Math.max(1, patience);
    if (!condition) {
      this.runs.delete(key);
      if (this.fired.has(key)) {
        const c = (this.clear.get(key) ?? 0) + 1;
        if (c >= need) {
          this.fired.delete(key);
          this.clear.delete(key);
        } else this.clear.set(key, c);
      }
      return false;
    }
    this.clear.delete(key);
    const n = (this.runs.get(key) ?? 0) + 1;
    this.runs.set(key, n);
    if (n >= need && !this.fired.has(key)) {
      this.fired.add(key);
      return true;
    }
    return false;
  }
}

export function statsById(stats: readonly LayerStats[]): Map<string, LayerStats> {
  const m = new Map<string, LayerStats>();
  for (const s of stats) m.set(s.id, s);
  return m;
}
