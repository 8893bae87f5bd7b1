// NaN/Inf: names the first op and layer that produced one (recorded by the engine's makeOp, forward or backward),
// or the loss/data/update when that is where it first shows. Fires at once: there is nothing to wait for.
import type { Anomaly, DetectorRule } from '../../../protocol/messages';
import { anomaly, layerRef, Latch, type Detector, type StepSample } from '../detector';

const RULE: DetectorRule = {
  id: 'gradlens.nonFinite',
  description: 'An op produced NaN or Inf (checked on every op output in the forward and backward pass).',
  thresholds: {},
  source: 'SageMaker Debugger exploding_tensor / TheDeepChecker numerical errors; op tracing after tfjs profiler',
};

function hintFor(op: string, phase: string): string {
  if (phase === 'data') return 'The input batch already contains NaN/Inf: clean the data (missing values in the CSV?).';
  if (/log|div|sqrt|pow/i.test(op))
    return `${op} got an out-of-domain input (log/div/sqrt of 0 or a negative): add an epsilon or clamp, or lower the learning rate.`;
  return 'Lower the learning rate, clip gradients (nn.utils.clip_grad_norm_), or check the data and the initialisation.';
}

export class NonFiniteDetector implements Detector {
  readonly kind = 'nonFinite' as const;
  private readonly latch = new Latch();

  observe(sample: StepSample): Anomaly[] {
    const ev = sample.nonFinite;
    const lossBad = !Number.isFinite(sample.loss);
    if (!this.latch.update('nonFinite', ev !== undefined || lossBad, 1)) return [];
    if (ev) {
      const found = ev.layerId !== undefined ? sample.layers.find((l) => l.id === ev.layerId) : undefined;
      const meta = found ?? (ev.layerName ? { id: ev.layerId ?? '', name: ev.layerName, type: '', source: ev.source } : undefined);
      const where = meta ? ` in ${meta.name}` : '';
      return [
        anomaly(this.kind, sample, RULE, {
          layer: layerRef(meta, ev.layerId),
          op: ev.op,
          phase: ev.phase,
          evidence: { op: ev.op, phase: ev.phase, nanCount: ev.nanCount, infCount: ev.infCount, loss: String(sample.loss) },
          message: `${ev.nanCount > 0 ? 'NaN' : 'Inf'} first produced by ${ev.op}${where} in the ${ev.phase} pass at step ${sample.step}`,
          hint: hintFor(ev.op, ev.phase),
        }),
      ];
    }
    return [
      anomaly(this.kind, sample, RULE, {
        phase: 'loss',
        evidence: { loss: String(sample.loss) },
        message: `The loss is ${sample.loss} at step ${sample.step}`,
        hint: hintFor('loss', 'loss'),
      }),
    ];
  }
}
