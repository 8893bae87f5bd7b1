// Loss plateau (a Gradlens rule after PyTorch's ReduceLROnPlateau, threshold_mode 'rel'): the mean loss of
// consecutive blocks of steps has not improved on its best by plateauRelTol for plateauWindow steps. Block
// means (not single batches) are compared so mini-batch noise alone cannot look like progress or like a plateau.
// ReduceLROnPlateau compares epoch validation losses, means over a whole validation set that are nearly free of noise;
// a block of small batches is not: its best block is then a lucky one that nothing beats for a while. So a plateau
// is reported only when the blocks are precise enough to see a plateauRelTol change: twice the standard error of
// the difference of two block means (2 x sqrt(2) x std / sqrt(blockSize)) within plateauRelTol of the mean.
// A run whose loss has converged (LossProgress: below a tenth of its start) is not on a plateau, it is done: the
// rule holds its fire there, or every long run would be told it stopped learning once it had learned.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, type Detector, type StepSample } from '../detector';
import { CONVERGED_FRACTION, LossProgress } from '../loss-progress';

export function plateauBlockSize(th: DetectorThresholds): number {
  return Math.max(5, Math.round(th.plateauWindow / 6));
}

export class LossPlateauDetector implements Detector {
  readonly kind = 'lossPlateau' as const;
  private blockSum = 0;
  private blockCount = 0;
  private blockSq = 0;
  private best = Infinity;
  private bestStep = -1;
  private fired = false;
  private readonly progress = new LossProgress();

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    this.progress.observe(sample, th);
    if (!Number.isFinite(sample.loss) || sample.step < th.warmupSteps) return [];
    this.blockSum += sample.loss;
    this.blockSq += sample.loss * sample.loss;
    this.blockCount++;
    const block = plateauBlockSize(th);
    if (this.blockCount < block) return [];
    const mean = this.blockSum / this.blockCount;
    const std = Math.sqrt(Math.max(0, this.blockSq / this.blockCount - mean * mean));
    // Relative half-width (about 95%) of the difference of two block means with this block's noise.
    const resolution = (2 * Math.SQRT2 * std) / Math.sqrt(this.blockCount) / Math.abs(mean);
    this.blockSum = 0;
    this.blockSq = 0;
    this.blockCount = 0;
    if (this.bestStep < 0 || mean < this.best * (1 - th.plateauRelTol)) {
      this.best = Math.min(this.best, mean);
      this.bestStep = sample.step;
      this.fired = false;
      return [];
    }
    this.best = Math.min(this.best, mean);
    const since = sample.step - this.bestStep;
    if (this.fired || since < th.plateauWindow || this.progress.converged) return [];
    if (!(resolution <= th.plateauRelTol)) return [];
    this.fired = true;
    const rule: DetectorRule = {
      id: 'gradlens.plateau',
      description:
        'The mean loss over blocks of steps has not improved by plateauRelTol (relative) for plateauWindow steps, the block means are precise enough to tell, and the loss is still above convergedFraction of its start.',
      thresholds: { plateauWindow: th.plateauWindow, plateauRelTol: th.plateauRelTol, blockSize: block, convergedFraction: CONVERGED_FRACTION },
      source: 'Gradlens, after PyTorch ReduceLROnPlateau (threshold_mode="rel")',
    };
    return [
      anomaly(this.kind, sample, rule, {
        evidence: { bestMean: this.best, currentMean: mean, stepsWithoutImprovement: since, startMean: this.progress.start ?? NaN, resolution },
        message: `Loss plateau: no ${fmt(th.plateauRelTol * 100)}% improvement for ${since} steps (best block mean ${fmt(this.best)}, now ${fmt(mean)})`,
        hint: 'The loss is still high and not improving, so the model is not learning: raise or lower the learning rate, check the gradients for vanishing, or check the labels.',
      }),
    ];
  }
}
