// Loss spikes, judged against the run's own noise. A step is an outlier when its loss is above both
// - mean + lossSpikeSigma x std of the last lossSpikeWindow losses (OLMo-core's spike rule: 6 sigma over 128 steps),
// - lossSpikeRatio x that mean (llm-foundry KillLossSpike's outlier_multiplier: a near-constant loss has a tiny std,
//   and a rise from 1.0000 to 1.0001 is no spike),
// and a spike is `patience` consecutive outliers (llm-foundry: one high batch is noise, a run of them is not).
// Every loss enters the window, outliers too, once the run of outliers they belong to has ended: keeping them out
// for good (as this detector once did) let the baseline only fall on a converging run, until ordinary batches read
// as 10^7x spikes. Only the run being judged is held out, so a spike cannot raise its own baseline while it lasts.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, type Detector, type StepSample } from '../detector';

const HINT =
  'Lower the learning rate (or the scheduler/warm-up peak), clip gradients (nn.utils.clip_grad_norm_), or look for a bad batch.';

export class LossSpikeDetector implements Detector {
  readonly kind = 'lossSpike' as const;
  private window: number[] = [];
  /** The current run of outliers, held out of the window until it ends. */
  private held: number[] = [];
  private inSpike = false;

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    const loss = sample.loss;
    if (!Number.isFinite(loss)) return [];
    const size = Math.max(2, Math.round(th.lossSpikeWindow));
    const minHistory = Math.min(size, Math.max(10, th.warmupSteps));
    const ready = this.window.length >= minHistory && sample.step >= th.warmupSteps;
    const { mean, std } = meanStd(this.window);
    const limit = Math.max(mean + th.lossSpikeSigma * std, th.lossSpikeRatio * mean);
    const outlier = ready && loss > limit;
    if (!outlier) {
      this.admit(this.held, size);
      this.held = [];
      this.admit([loss], size);
      this.inSpike = false;
      return [];
    }
    this.held.push(loss);
    // A "spike" as long as the window is a new level, not a spike: it becomes the baseline.
    if (this.held.length >= size) {
      this.admit(this.held, size);
      this.held = [];
    }
    const patience = Math.max(1, Math.round(th.patience));
    if (this.inSpike || this.held.length < patience) return [];
    this.inSpike = true;
    const rule: DetectorRule = {
      id: 'gradlens.lossSpike',
      description:
        'The loss is above both mean + lossSpikeSigma x std and lossSpikeRatio x mean of the last lossSpikeWindow losses, on patience consecutive steps.',
      thresholds: { lossSpikeSigma: th.lossSpikeSigma, lossSpikeRatio: th.lossSpikeRatio, lossSpikeWindow: size, patience },
      source: 'OLMo-core (mean + 6 std over 128 steps) and llm-foundry KillLossSpike (ratio on consecutive steps)',
    };
    // A window of equal losses (std 0, or all 0) has no ratio or sigma to show; the evidence then leaves them out.
    const evidence: Record<string, number> = { loss, windowMean: mean, windowStd: std, consecutive: this.held.length };
    const how: string[] = [];
    if (mean > 0) {
      evidence.ratio = loss / mean;
      how.push(`${fmt(evidence.ratio)}x`);
    }
    if (std > 0) {
      evidence.sigmas = (loss - mean) / std;
      how.push(`${fmt(evidence.sigmas)} standard deviations above`);
    }
    return [
      anomaly(this.kind, sample, rule, {
        evidence,
        message: `Loss spike at step ${sample.step}: ${fmt(loss)} is ${how.join(' and ') || 'above'} the mean of the last ${this.window.length} steps (${fmt(mean)}), for ${this.held.length} steps in a row`,
        hint: HINT,
      }),
    ];
  }

  private admit(losses: readonly number[], size: number): void {
    for (const l of losses) this.window.push(l);
    if (this.window.length > size) this.window.splice(0, this.window.length - size);
  }
}

function meanStd(xs: readonly number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: 0, std: 0 };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let sq = 0;
  for (const x of xs) sq += (x - mean) * (x - mean);
  return { mean, std: Math.sqrt(sq / xs.length) };
}
