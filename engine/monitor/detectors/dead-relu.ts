// Dead ReLUs: units whose input is negative for (almost) every sample output 0 and get no gradient, so they
// never recover. SageMaker Debugger's dead_relu / TheDeepChecker judge each unit's activity over recent batches;
// AUTOTRAINER judges the fraction of exactly-zero gradients of the layer feeding a ReLU. docs/detectors.md.
// A gradient is also exactly zero when no gradient reaches the ReLU at all: on a converged classifier most samples
// are classified so confidently that their float32 loss gradient is 0. So the zero-gradient rule holds its fire on
// a converged run (LossProgress); the activity rule, which looks at the activations, still judges it.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, layerRef, Latch, statsById, type Detector, type StepSample } from '../detector';
import { CONVERGED_FRACTION, LossProgress } from '../loss-progress';

/** Batches a unit's activity is averaged over before it can be called dead. */
export const DEAD_RELU_WINDOW = 20;

const HINT =
  'Lower the learning rate, use LeakyReLU/ELU/GELU, a He (kaiming) initialisation, or check for a large negative bias.';

export class DeadReluDetector implements Detector {
  readonly kind = 'deadRelu' as const;
  private readonly latch = new Latch();
  /** Per ReLU layer: a ring of the last DEAD_RELU_WINDOW per-unit activity vectors. */
  private readonly history = new Map<string, Float32Array[]>();
  private readonly progress = new LossProgress();

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    this.progress.observe(sample, th);
    const out: Anomaly[] = [];
    const metas = new Map(sample.layers.map((l) => [l.id, l]));
    if (sample.unitActivity) {
      const rule: DetectorRule = {
        id: 'sagemaker.deadRelu',
        description: `More than deadLayerFrac of the layer's units were active in less than deadUnitActiveFrac of the samples over the last ${DEAD_RELU_WINDOW} batches.`,
        thresholds: { deadUnitActiveFrac: th.deadUnitActiveFrac, deadLayerFrac: th.deadLayerFrac, window: DEAD_RELU_WINDOW },
        source: 'SageMaker Debugger dead_relu; TheDeepChecker (Ben Braiek & Khomh, TOSEM 2022)',
      };
      for (const [id, activity] of sample.unitActivity) {
        let ring = this.history.get(id);
        if (!ring) this.history.set(id, (ring = []));
        ring.push(activity);
        if (ring.length > DEAD_RELU_WINDOW) ring.shift();
        if (ring.length < DEAD_RELU_WINDOW) continue;
        let dead = 0;
        const units = activity.length;
        for (let u = 0; u < units; u++) {
          let s = 0;
          for (const a of ring) s += a[u] ?? 0;
          if (s / ring.length < th.deadUnitActiveFrac) dead++;
        }
        const deadFrac = units > 0 ? dead / units : 0;
        if (this.latch.update(`units:${id}`, deadFrac > th.deadLayerFrac, 1)) {
          const meta = metas.get(id);
          out.push(
            anomaly(this.kind, sample, rule, {
              layer: layerRef(meta, id),
              evidence: { deadUnits: dead, units, deadFrac },
              message: `Dead ReLU in ${meta?.name ?? id}: ${dead} of ${units} units (${fmt(deadFrac * 100)}%) were active in < ${fmt(th.deadUnitActiveFrac * 100)}% of samples`,
              hint: HINT,
            }),
          );
        }
      }
    }
    if (sample.stats) {
      const rule: DetectorRule = {
        id: 'autotrainer.dyingRelu',
        description:
          'At least deadZeroGradFrac of the gradients of a layer followed by a ReLU are exactly zero, while the loss is still above convergedFraction of its start.',
        thresholds: { deadZeroGradFrac: th.deadZeroGradFrac, convergedFraction: CONVERGED_FRACTION },
        source: 'AUTOTRAINER (Zhang et al., ICSE 2021)',
      };
      const byId = statsById(sample.stats);
      const converged = this.progress.converged;
      for (let i = 0; i + 1 < sample.layers.length; i++) {
        const meta = sample.layers[i];
        if (sample.layers[i + 1].type !== 'ReLU') continue;
        const s = byId.get(meta.id);
        if (!s || s.gradZeroFrac === undefined) continue;
        if (this.latch.update(`zeros:${meta.id}`, s.gradZeroFrac >= th.deadZeroGradFrac && !converged, th.patience)) {
          out.push(
            anomaly(this.kind, sample, rule, {
              layer: layerRef(meta),
              evidence: { gradZeroFrac: s.gradZeroFrac, relu: sample.layers[i + 1].id },
              message: `Dying ReLU after ${meta.name}: ${fmt(s.gradZeroFrac * 100)}% of its gradients are exactly zero`,
              hint: HINT,
            }),
          );
        }
      }
    }
    return out;
  }
}
