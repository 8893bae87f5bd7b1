// What happens to a training step once it is taken: its layer statistics and histograms on their cadence, the
// detectors over its sample, and the messages for them. The session (session.ts) decides when a step ends; this
// decides what is measured and said about it. Kept apart so the session is about the hooks, and this about telemetry.
import type { Anomaly, EngineMessage } from '../../protocol/messages';
import type { NonFiniteReport } from '../autograd';
import type { OptimizerLike } from '../definition';
import type { Monitor } from '../monitor/monitor';
import type { StepSample } from '../monitor/detector';
import type { Parameter } from '../nn/parameter';
import type { AnyModule, LayerProbe } from './probe';
import { Telemetry } from './telemetry';

/** What the observer needs of an optimizer: its update norms, when it keeps them. */
export type NormKeeper = Partial<Pick<OptimizerLike, 'lastUpdateNorm'>>;

/** One step, as the observer is told it. */
export interface StepFacts {
  step: number;
  epoch: number;
  loss: number;
  lr: number | undefined;
  nonFinite: StepSample['nonFinite'];
  /** Whether this step computes layer statistics (the cadence's choice at its start). */
  stats: boolean;
}

export class StepObserver {
  private telemetry: Telemetry | null = null;
  private nextHistogramStep = 0;

  constructor(
    private readonly monitor: Monitor,
    private readonly probe: LayerProbe,
    private readonly emit: (msg: EngineMessage) => void,
    private readonly histogramEvery: number,
  ) {}

  /** The layers or optimizers changed (a model or an optimizer was adopted): statistics are rebuilt for them. */
  invalidate(): void {
    this.telemetry = null;
  }

  /** The telemetry of these layers, with update norms from the optimizers when every one of them keeps them. */
  telemetryOf(tracked: readonly AnyModule[], optimizers: readonly NormKeeper[]): Telemetry {
    if (this.telemetry) return this.telemetry;
    const withNorms = optimizers.filter((o) => typeof o.lastUpdateNorm === 'function');
    // Every optimizer of the run keeps its own parameters' norms; one that keeps none falls back to weight copies.
    const updateNorm =
      withNorms.length === optimizers.length && withNorms.length > 0
        ? (p: Parameter): number | undefined => {
            for (const o of withNorms) {
              const v = o.lastUpdateNorm?.(p);
              if (v !== undefined) return v;
            }
            return undefined;
          }
        : undefined;
    this.telemetry = new Telemetry(this.probe, tracked, updateNorm);
    return this.telemetry;
  }

  /** Statistics, histograms and detectors of the step just taken; returns the anomalies it found. */
  observe(t: Telemetry, f: StepFacts): Anomaly[] {
    const sample: StepSample = { step: f.step, epoch: f.epoch, loss: f.loss, layers: t.layerMetas(), nonFinite: f.nonFinite };
    sample.lr = f.lr;
    if (f.stats) {
      const layerStats = t.layerStats(this.monitor.current);
      sample.stats = layerStats;
      sample.unitActivity = t.unitActivity();
      this.emit({ type: 'layerStats', step: f.step, layers: layerStats });
      if (f.step >= this.nextHistogramStep) {
        this.emit({ type: 'histograms', step: f.step, layers: t.histograms() });
        this.nextHistogramStep = f.step + this.histogramEvery;
      }
    }
    const anomalies = this.monitor.observe(sample);
    for (const a of anomalies) this.emit({ type: 'anomaly', anomaly: a });
    return anomalies;
  }
}

/** The first NaN/Inf of the step, as the detectors take it (a layer without a path is the model itself). */
export function nonFiniteSample(report: NonFiniteReport | null, modelName: string | undefined): StepSample['nonFinite'] {
  if (!report) return undefined;
  return {
    op: report.op,
    phase: report.phase,
    layerId: report.layer ? report.layer.id || modelName : undefined,
    layerName: report.layer?.name,
    source: report.layer?.source,
    nanCount: report.nanCount,
    infCount: report.infCount,
  };
}
