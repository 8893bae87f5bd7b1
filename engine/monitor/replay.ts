// Replays a recorded run through the detectors: the losses of each step, and the layer statistics of the statistics
// steps, rebuilt into the StepSamples the engine's Monitor saw live. The same detector code as live detection, so
// `gradlens rescore` ("what if" with other thresholds) and bench/detectors-replay.ts give what a run would have
// warned about. Not replayed: the deadRelu unit-activity rule (per-unit activity is not in the record) and
// nonFinite op tracing.
import type { Anomaly, DetectorThresholds, EngineMessage } from '../../protocol/messages';
import type { LayerMeta, StepSample } from './detector';
import { Monitor } from './monitor';

export class RecordReplay {
  private readonly monitor: Monitor;
  private layers: LayerMeta[] = [];
  private pending: StepSample | undefined;
  /** Step messages seen. */
  steps = 0;
  /** The anomalies the record itself holds, per kind (the detectors it was recorded with). */
  readonly recorded = new Map<string, number>();

  constructor(thresholds?: Partial<DetectorThresholds>) {
    this.monitor = new Monitor(thresholds);
  }

  /**
   * Feeds the next message of the record; returns the anomalies of the step before, once that step is complete
   * (its layer statistics follow its step message).
   */
  push(m: EngineMessage): Anomaly[] {
    switch (m.type) {
      case 'graph':
        this.layers = m.graph.layers.map((l) => ({ id: l.id, name: l.name, type: l.type }));
        return [];
      case 'step': {
        const out = this.flush();
        this.steps++;
        // The wire writes a NaN or infinite loss as null (JSON has neither; docs/protocol.md): replayed as NaN, the
        // number the live detectors saw (nonFinite says "The loss is NaN", not "null").
        const loss: unknown = m.loss;
        this.pending = { step: m.step, epoch: m.epoch, loss: typeof loss === 'number' ? loss : NaN, lr: m.lr, layers: this.layers };
        return out;
      }
      case 'layerStats':
        if (this.pending && m.step === this.pending.step) this.pending.stats = m.layers;
        return [];
      case 'anomaly':
        this.recorded.set(m.anomaly.kind, (this.recorded.get(m.anomaly.kind) ?? 0) + 1);
        return [];
      default:
        return [];
    }
  }

  /** The anomalies of the last step; call once at the end of the record. */
  finish(): Anomaly[] {
    return this.flush();
  }

  private flush(): Anomaly[] {
    if (!this.pending) return [];
    const sample = this.pending;
    this.pending = undefined;
    return this.monitor.observe(sample);
  }
}
