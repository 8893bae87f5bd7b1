// Vanishing gradients: the layers nearest the input get almost no gradient, so they stop learning.
// Two published rules: AUTOTRAINER's ratio of first to last gradient norm, and SageMaker Debugger's /
// TheDeepChecker's mean |grad| of a layer. See docs/detectors.md. The mean |grad| threshold is absolute, and every
// gradient of a network scales with the loss: once the loss has converged (LossProgress) the whole network's
// gradients are tiny, the last layer's too, which is convergence, not vanishing. That rule holds its fire on a
// converged run; AUTOTRAINER's, a ratio of the first layers to the last one, still judges it.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, layerRef, Latch, type Detector, type StepSample } from '../detector';
import { CONVERGED_FRACTION, LossProgress } from '../loss-progress';
import { gradientLayers } from './gradient-flow';

const HINT =
  'Use ReLU/GELU instead of sigmoid/tanh in deep stacks, a He/Xavier initialisation instead of small weights, ' +
  'add BatchNorm/LayerNorm or residual connections, or use fewer layers.';

export class VanishingGradientDetector implements Detector {
  readonly kind = 'vanishingGradient' as const;
  private readonly latch = new Latch();
  private readonly progress = new LossProgress();

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    this.progress.observe(sample, th);
    const layers = gradientLayers(sample);
    if (layers.length === 0) return [];
    const out: Anomaly[] = [];
    const last = layers[layers.length - 1];
    const converged = this.progress.converged;
    const autotrainer: DetectorRule = {
      id: 'autotrainer.vanishing',
      description:
        'The gradient norm of a layer is below vanishingRatio times that of the last layer and below vanishingFirstNorm.',
      thresholds: { vanishingRatio: th.vanishingRatio, vanishingFirstNorm: th.vanishingFirstNorm },
      source: 'AUTOTRAINER (Zhang et al., ICSE 2021)',
    };
    const meanAbsRule: DetectorRule = {
      id: 'sagemaker.vanishing',
      description:
        "The mean absolute gradient of a layer's parameters is below vanishingMeanAbs while the loss is still above convergedFraction of its start.",
      thresholds: { vanishingMeanAbs: th.vanishingMeanAbs, convergedFraction: CONVERGED_FRACTION },
      source: 'SageMaker Debugger vanishing_gradient; TheDeepChecker (Ben Braiek & Khomh, TOSEM 2022)',
    };
    // Every layer before the last is judged against the last one: the early layers of a vanishing stack are
    // flagged one by one, so the heatmap and the editor point at each of them.
    for (let i = 0; i < layers.length - 1; i++) {
      const l = layers[i];
      const ratio = last.norm > 0 ? l.norm / last.norm : Infinity;
      const ratioHit = ratio < th.vanishingRatio && l.norm < th.vanishingFirstNorm;
      const meanAbs = l.stats.gradMeanAbs ?? Infinity;
      const meanHit = !ratioHit && meanAbs < th.vanishingMeanAbs && !converged;
      if (this.latch.update(`ratio:${l.meta.id}`, ratioHit, th.patience)) {
        out.push(
          anomaly(this.kind, sample, autotrainer, {
            layer: layerRef(l.meta),
            evidence: { gradNorm: l.norm, lastLayerGradNorm: last.norm, ratio, lastLayer: last.meta.id, layerIndex: i },
            message: `Vanishing gradient in ${l.meta.name}: gradient norm ${fmt(l.norm)} is ${fmt(ratio)}x that of the last layer (${fmt(last.norm)})`,
            hint: HINT,
          }),
        );
      }
      if (this.latch.update(`mean:${l.meta.id}`, meanHit, th.patience)) {
        out.push(
          anomaly(this.kind, sample, meanAbsRule, {
            layer: layerRef(l.meta),
            evidence: { gradMeanAbs: meanAbs, gradNorm: l.norm, layerIndex: i },
            message: `Vanishing gradient in ${l.meta.name}: mean |grad| ${fmt(meanAbs)} < ${fmt(th.vanishingMeanAbs)}`,
            hint: HINT,
          }),
        );
      }
    }
    return out;
  }
}
