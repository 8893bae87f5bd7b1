// Exploding gradients: the layers nearest the input get far more gradient than the last one, or any layer's
// gradient norm is huge. AUTOTRAINER's first/last ratio rule, plus an absolute norm ceiling. docs/detectors.md.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, layerRef, Latch, type Detector, type StepSample } from '../detector';
import { gradientLayers } from './gradient-flow';

const HINT =
  'Lower the learning rate, clip gradients (nn.utils.clip_grad_norm_(params, 1.0)), use a smaller initialisation, ' +
  'or add normalisation layers.';

export class ExplodingGradientDetector implements Detector {
  readonly kind = 'explodingGradient' as const;
  private readonly latch = new Latch();

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    const layers = gradientLayers(sample);
    if (layers.length === 0) return [];
    const out: Anomaly[] = [];
    const first = layers[0];
    const last = layers[layers.length - 1];
    const ratio = layers.length > 1 && last.norm > 0 ? first.norm / last.norm : 0;
    const ratioRule: DetectorRule = {
      id: 'autotrainer.exploding',
      description: 'The gradient norm of the first layer is more than explodingRatio times that of the last layer.',
      thresholds: { explodingRatio: th.explodingRatio },
      source: 'AUTOTRAINER (Zhang et al., ICSE 2021)',
    };
    if (this.latch.update('ratio', ratio > th.explodingRatio, th.patience)) {
      out.push(
        anomaly(this.kind, sample, ratioRule, {
          layer: layerRef(first.meta),
          evidence: { gradNorm: first.norm, lastLayerGradNorm: last.norm, ratio, lastLayer: last.meta.id },
          message: `Exploding gradient in ${first.meta.name}: gradient norm ${fmt(first.norm)} is ${fmt(ratio)}x that of the last layer`,
          hint: HINT,
        }),
      );
    }
    const normRule: DetectorRule = {
      id: 'gradlens.explodingNorm',
      description: "A layer's gradient L2 norm is above explodingNorm.",
      thresholds: { explodingNorm: th.explodingNorm },
      source: 'Gradlens (absolute ceiling; see docs/detectors.md)',
    };
    for (const l of layers) {
      if (this.latch.update(`norm:${l.meta.id}`, l.norm > th.explodingNorm, th.patience)) {
        out.push(
          anomaly(this.kind, sample, normRule, {
            layer: layerRef(l.meta),
            evidence: { gradNorm: l.norm },
            message: `Exploding gradient in ${l.meta.name}: gradient norm ${fmt(l.norm)} > ${fmt(th.explodingNorm)}`,
            hint: HINT,
          }),
        );
      }
    }
    return out;
  }
}
