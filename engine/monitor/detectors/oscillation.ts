// Loss oscillation (a Gradlens rule): over the last oscillationWindow steps, at least oscillationFrac of the
// consecutive loss differences flip sign and the loss is not trending down. Independent noise flips sign 2/3
// of the time on average, so a threshold of 0.85 over 100 steps is about 4 standard deviations above noise;
// a learning rate that makes the optimizer bounce across a valley flips on nearly every step. A converged run
// (LossProgress) is exempt: its batch-to-batch wiggles are noise around a small loss, and over a long run that noise
// crosses any flip-fraction threshold now and then.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, type Detector, type StepSample } from '../detector';
import { CONVERGED_FRACTION, LossProgress } from '../loss-progress';

export class OscillationDetector implements Detector {
  readonly kind = 'oscillation' as const;
  private losses: number[] = [];
  private fired = false;
  private readonly progress = new LossProgress();

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    this.progress.observe(sample, th);
    if (!Number.isFinite(sample.loss)) return [];
    const size = Math.max(8, Math.round(th.oscillationWindow));
    this.losses.push(sample.loss);
    if (this.losses.length > size) this.losses.shift();
    if (this.losses.length < size || sample.step < th.warmupSteps) return [];
    const l = this.losses;
    let flips = 0;
    let pairs = 0;
    let prev = 0;
    for (let i = 1; i < l.length; i++) {
      const d = l[i] - l[i - 1];
      if (d === 0) continue;
      if (prev !== 0) {
        pairs++;
        if ((d > 0) !== (prev > 0)) flips++;
      }
      prev = d;
    }
    const half = Math.floor(l.length / 2);
    let first = 0;
    let second = 0;
    for (let i = 0; i < half; i++) first += l[i];
    for (let i = half; i < l.length; i++) second += l[i];
    first /= half;
    second /= l.length - half;
    const frac = pairs > 0 ? flips / pairs : 0;
    // Re-arm only when the flipping stops, not when the trend wobbles, so one episode gives one report.
    if (frac < th.oscillationFrac) {
      this.fired = false;
      return [];
    }
    // "Not going down": less than 1% progress between the two halves of the window.
    if (this.fired || second < first * 0.99 || this.progress.converged) return [];
    this.fired = true;
    const rule: DetectorRule = {
      id: 'gradlens.oscillation',
      description:
        'Over oscillationWindow steps, at least oscillationFrac of consecutive loss changes flip sign, the loss does not go down, and it is still above convergedFraction of its start.',
      thresholds: { oscillationWindow: size, oscillationFrac: th.oscillationFrac, convergedFraction: CONVERGED_FRACTION },
      source: 'Gradlens (see docs/detectors.md)',
    };
    return [
      anomaly(this.kind, sample, rule, {
        evidence: { signFlipFrac: frac, firstHalfMean: first, secondHalfMean: second, window: size },
        message: `Loss oscillates: ${fmt(frac * 100)}% of the last ${size} steps flip direction and the loss is not decreasing (${fmt(first)} -> ${fmt(second)})`,
        hint: 'The learning rate is probably too high for this loss surface: lower it, add momentum damping, or use a scheduler.',
      }),
    ];
  }
}
