// Update-to-weight ratio ||w_after - w_before|| / ||w_before||: a healthy step moves weights by roughly 1e-3 of
// their size. Far below, the layer does not learn; far above, it is being rewritten each step.
// SageMaker Debugger weight_update_ratio and TheDeepChecker thresholds. The low side is a learning problem only on a
// run that still has something to learn: once the loss has converged (LossProgress) the gradients, and with them
// the updates, shrink towards zero as they should, and a long run's weights keep growing (a separable problem
// pushes its logits out), so the ratio sinks below 1e-8 on a perfectly healthy run. The high side always counts.
// An update is proportional to the learning rate, so the low bound is for the run's own peak learning rate: a
// scheduler that has lowered it k-fold lowers the bound k-fold too (at lr 0 the low side is not judged at all).
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, layerRef, Latch, statsById, type Detector, type StepSample } from '../detector';
import { CONVERGED_FRACTION, LossProgress } from '../loss-progress';

export class UpdateRatioDetector implements Detector {
  readonly kind = 'updateRatio' as const;
  private readonly latch = new Latch();
  private readonly progress = new LossProgress();
  private peakLr = 0;

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    this.progress.observe(sample, th);
    const lr = sample.lr;
    if (lr !== undefined && Number.isFinite(lr) && lr > this.peakLr) this.peakLr = lr;
    if (!sample.stats) return [];
    const converged = this.progress.converged;
    // How much the schedule has lowered the learning rate (1 without one, or when the engine does not say).
    const decay = lr !== undefined && Number.isFinite(lr) && this.peakLr > 0 ? Math.max(0, lr) / this.peakLr : 1;
    const low = th.updateRatioLow * decay;
    const out: Anomaly[] = [];
    const byId = statsById(sample.stats);
    const rule: DetectorRule = {
      id: 'sagemaker.updateRatio',
      description:
        'The update-to-weight ratio of a layer is above updateRatioHigh, or below updateRatioLow (scaled by how far a schedule has lowered the learning rate from its peak) while the loss is still above convergedFraction of its start.',
      thresholds: { updateRatioLow: th.updateRatioLow, updateRatioHigh: th.updateRatioHigh, convergedFraction: CONVERGED_FRACTION },
      source: 'SageMaker Debugger weight_update_ratio; TheDeepChecker (Ben Braiek & Khomh, TOSEM 2022)',
    };
    for (const meta of sample.layers) {
      const s = byId.get(meta.id);
      const r = s?.updateRatio;
      // A layer with no gradient at all is the vanishing/dead detectors' business, not a learning-rate problem.
      if (r === undefined || !Number.isFinite(r) || !(s?.gradNorm && s.gradNorm > 0)) continue;
      const tooLow = r < low && !converged;
      const high = r > th.updateRatioHigh;
      if (this.latch.update(meta.id, tooLow || high, th.patience)) {
        out.push(
          anomaly(this.kind, sample, rule, {
            layer: layerRef(meta),
            evidence: { updateRatio: r, weightNorm: s.weightNorm ?? 0, lowBound: low },
            message: `Update ratio of ${meta.name} is ${fmt(r)} (${tooLow ? 'below' : 'above'} ${fmt(tooLow ? low : th.updateRatioHigh)})`,
            hint: tooLow
              ? 'The layer barely changes: raise the learning rate, check that its parameters are in the optimizer, or look for vanishing gradients.'
              : 'The layer is rewritten every step: lower the learning rate or clip gradients.',
          }),
        );
      }
    }
    return out;
  }
}
