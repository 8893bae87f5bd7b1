// How far the loss has come down: the level it started at (the mean of the first warmupSteps losses) against its
// recent level (the median of the last RECENT_WINDOW losses: a converged classifier meets a confidently wrong
// batch now and then, one loss of 3 among losses of 1e-7, and a mean would call the run unconverged for 100 steps). A run whose recent loss is below CONVERGED_FRACTION of
// its start has learned what it came to learn: its loss stops improving, its gradients and updates shrink with the
// loss, and its batch-to-batch wiggles are noise around a small value. The plateau, oscillation, low update-ratio
// and mean-|grad| vanishing rules are about a run that is NOT learning, so they hold their fire on such a run.
// Both numbers are Gradlens choices (docs/detectors.md, "Converged runs").
import type { DetectorThresholds } from '../../protocol/messages';
import type { StepSample } from './detector';

/** Recent loss at or below this fraction of the starting loss: the run has converged. */
export const CONVERGED_FRACTION = 0.1;
/** Losses averaged for the recent level. */
export const RECENT_WINDOW = 100;

export class LossProgress {
  private startSum = 0;
  private startCount = 0;
  private readonly recent: number[] = [];

  observe(sample: StepSample, th: DetectorThresholds): void {
    const loss = sample.loss;
    if (!Number.isFinite(loss)) return;
    if (this.startCount < Math.max(1, Math.round(th.warmupSteps))) {
      this.startSum += loss;
      this.startCount++;
    }
    this.recent.push(loss);
    if (this.recent.length > RECENT_WINDOW) this.recent.shift();
  }

  /** The mean of the first losses (undefined before any finite loss). */
  get start(): number | undefined {
    return this.startCount > 0 ? this.startSum / this.startCount : undefined;
  }

  /** The median of the last RECENT_WINDOW losses (undefined before any finite loss). Sorted on demand: the rules
   * ask only on statistics steps or when they are about to fire. */
  get current(): number | undefined {
    const n = this.recent.length;
    if (n === 0) return undefined;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * The recent loss is at most CONVERGED_FRACTION of the starting loss. Losses that start at or below zero (a
   * negative log-likelihood, say) have no such fraction: they never count as converged.
   */
  get converged(): boolean {
    const start = this.start;
    const current = this.current;
    if (start === undefined || current === undefined || !(start > 0)) return false;
    return this.recent.length >= Math.min(RECENT_WINDOW, 10) && current <= CONVERGED_FRACTION * start;
  }
}
