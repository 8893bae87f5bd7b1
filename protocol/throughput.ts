// Training throughput as the host and the panel show it, from the engine's `step` messages. One step's own rate
// swings with garbage collection and the machine's other work (a run whose median was 61k samples/s ended on a
// 1k step, and the status bar showed that), so the running figure averages the recent steps and the final one the
// whole run. Training time only: evaluation and pauses between steps are not counted. Steps the engine's outbox
// dropped under load are left out, so both are averages over the steps that arrived.
import type { EngineMessageOf } from './messages';

/** How many recent steps the running throughput averages over. */
export const THROUGHPUT_WINDOW = 20;

export class ThroughputMeter {
  /** [samples, ms] of the most recent steps, oldest first. */
  private readonly recentSteps: Array<[number, number]> = [];
  private allSamples = 0;
  private allMs = 0;
  /** The last step's own rate: the answer while no step has a duration (NaN before any step). */
  private lastRate = NaN;

  add(step: EngineMessageOf<'step'>): void {
    this.lastRate = step.samplesPerSec;
    const samples = (step.samplesPerSec * step.stepMs) / 1000;
    if (!(step.stepMs > 0) || !Number.isFinite(samples)) return;
    this.recentSteps.push([samples, step.stepMs]);
    if (this.recentSteps.length > THROUGHPUT_WINDOW) this.recentSteps.shift();
    this.allSamples += samples;
    this.allMs += step.stepMs;
  }

  /** Samples per second over the last THROUGHPUT_WINDOW steps. */
  recent(): number {
    let samples = 0;
    let ms = 0;
    for (const [s, t] of this.recentSteps) {
      samples += s;
      ms += t;
    }
    return ms > 0 ? (samples * 1000) / ms : this.lastRate;
  }

  /** Samples per second over every step. */
  overall(): number {
    return this.allMs > 0 ? (this.allSamples * 1000) / this.allMs : this.lastRate;
  }

  clear(): void {
    this.recentSteps.length = 0;
    this.allSamples = this.allMs = 0;
    this.lastRate = NaN;
  }
}
