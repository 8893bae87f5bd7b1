// Loss plateau (a Gradlens rule after PyTorch's ReduceLROnPlateau, threshold_mode 'rel'): the mean loss of
// consecutive blocks of steps has not improved on its best by plateauRelTol for plateauWindow steps. Block
// means (not single batches) are compared so mini-batch noise alone cannot look like progress or like a plateau.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, type Detector, type StepSample } from '../detector';

export function plateauBlockSize(th: DetectorThresholds): number {
  return Math.max(5, Math.round(th.plateauWindow / 6));
}

export class LossPlateauDetector implements Detector {
  readonly kind = 'lossPlateau' as const;
  private blockSum = 0;
  private blockCount = 0;
  private best = Infinity;
  private bestStep = -1;
  private fired = false;

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    if (!Number.isFinite(sample.loss) || sample.step < th.warmupSteps) return [];
    this.blockSum += sample.loss;
    this.blockCount++;
    const block = plateauBlockSize(th);
    if (this.blockCount < block) return [];
    const mean = this.blockSum / this.blockCount;
    this.blockSum = 0;
    this.blockCount = 0;
    if (this.bestStep < 0 || mean < this.best * (1 - th.plateauRelTol)) {
      this.best = Math.min(this.best, mean);
      this.bestStep = sample.step;
      this.fired = false;
      return [];
    }
    this.best = Math.min(this.best, mean);
    const since = sample.step - this.bestStep;
    if (this.fired || since < th.plateauWindow) return [];
    this.fired = true;
    const rule: DetectorRule = {
      id: 'gradlens.plateau',
      description: 'The mean loss over blocks of steps has not improved by plateauRelTol (relative) for plateauWindow steps.',
      thresholds: { plateauWindow: th.plateauWindow, plateauRelTol: th.plateauRelTol, blockSize: block },
      source: 'Gradlens, after PyTorch ReduceLROnPlateau (threshold_mode="rel")',
    };
    return [
      anomaly(this.kind, sample, rule, {
        evidence: { bestMean: this.best, currentMean: mean, stepsWithoutImprovement: since },
        message: `Loss plateau: no ${fmt(th.plateauRelTol * 100)}% improvement for ${since} steps (best block mean ${fmt(this.best)}, now ${fmt(mean)})`,
        hint: 'If the loss is still high, the model is not learning: raise or lower the learning rate, check the gradients for vanishing, or check the labels. If it is low, training has converged.',
      }),
    ];
  }
}
