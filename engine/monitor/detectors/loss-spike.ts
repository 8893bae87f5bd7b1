// Loss spikes. Two published rules, either one fires:
// - llm-foundry KillLossSpike: the loss is >= lossSpikeRatio x the mean of the last lossSpikeWindow losses for
//   `patience` consecutive steps (one high batch is noise; a run of them is a spike);
// - metaseq --ewm-ratio-to-skip-batch: loss / EWM(loss) >= lossSpikeEwmRatio on a single step.
// Outlier losses are kept out of the baseline, as both tools do, so a long spike does not hide itself.
import type { Anomaly, DetectorRule, DetectorThresholds } from '../../../protocol/messages';
import { anomaly, fmt, type Detector, type StepSample } from '../detector';

const HINT =
  'Lower the learning rate (or the scheduler/warm-up peak), clip gradients (nn.utils.clip_grad_norm_), or look for a bad batch.';

export class LossSpikeDetector implements Detector {
  readonly kind = 'lossSpike' as const;
  private window: number[] = [];
  private sum = 0;
  private ewm: number | null = null;
  private run = 0;
  private inSpike = false;

  observe(sample: StepSample, th: DetectorThresholds): Anomaly[] {
    const loss = sample.loss;
    if (!Number.isFinite(loss)) return [];
    const size = Math.max(2, Math.round(th.lossSpikeWindow));
    const minHistory = Math.min(size, Math.max(10, th.warmupSteps));
    const ready = this.window.length >= minHistory && sample.step >= th.warmupSteps && this.ewm !== null;
    const mean = this.window.length > 0 ? this.sum / this.window.length : loss;
    const windowHit = ready && mean > 0 && loss >= th.lossSpikeRatio * mean;
    const ewmRatio = this.ewm !== null && this.ewm > 0 ? loss / this.ewm : 0;
    const ewmHit = ready && ewmRatio >= th.lossSpikeEwmRatio;
    this.run = windowHit ? this.run + 1 : 0;
    const out: Anomaly[] = [];
    const fires = !this.inSpike && (this.run >= Math.max(1, th.patience) || ewmHit);
    if (fires) {
      this.inSpike = true;
      const rule: DetectorRule = ewmHit
        ? {
            id: 'metaseq.ewmRatio',
            description: 'The loss divided by its exponentially weighted mean (alpha lossSpikeEwmAlpha) is at least lossSpikeEwmRatio.',
            thresholds: { lossSpikeEwmRatio: th.lossSpikeEwmRatio, lossSpikeEwmAlpha: th.lossSpikeEwmAlpha },
            source: 'metaseq (--ewm-ratio-to-skip-batch)',
          }
        : {
            id: 'llmfoundry.lossSpike',
            description: 'The loss is at least lossSpikeRatio times the mean of the last lossSpikeWindow losses, for patience consecutive steps.',
            thresholds: { lossSpikeRatio: th.lossSpikeRatio, lossSpikeWindow: size, patience: th.patience },
            source: 'llm-foundry KillLossSpike callback',
          };
      const ratio = ewmHit ? ewmRatio : loss / mean;
      out.push(
        anomaly(this.kind, sample, rule, {
          evidence: { loss, windowMean: mean, ewm: this.ewm ?? loss, ratio, consecutive: this.run },
          message: `Loss spike at step ${sample.step}: ${fmt(loss)} is ${fmt(ratio)}x the running ${ewmHit ? 'EWM' : 'mean'} (${fmt(ewmHit ? (this.ewm ?? loss) : mean)})`,
          hint: HINT,
        }),
      );
    }
    if (windowHit || ewmHit) return out;
    this.inSpike = false;
    this.window.push(loss);
    this.sum += loss;
    if (this.window.length > size) this.sum -= this.window.shift() as number;
    this.ewm = this.ewm === null ? loss : this.ewm + th.lossSpikeEwmAlpha * (loss - this.ewm);
    return out;
  }
}
