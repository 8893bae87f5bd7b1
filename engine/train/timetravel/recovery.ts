// Unattended recovery (gradlens train --recover lossSpike,nonFinite): on such an anomaly, roll back to the last
// snapshot before the steps that caused it, leave their batches out and go on, as PaLM did by hand for its loss
// spikes. How it decides and where it stops: docs/time-travel.md.
import type { Anomaly, AnomalyKind } from '../../../protocol/messages';

/** Rollbacks one run may make before anomalies are only reported again. */
export const DEFAULT_MAX_RECOVERIES = 5;

/** What recovery does about one step's anomalies. */
export type RecoveryDecision =
  | { act: 'rollback'; anomaly: Anomaly; first: number; last: number }
  | { act: 'capped'; anomaly: Anomaly; max: number }
  | { act: 'none' };

export class Recovery {
  private readonly kinds: ReadonlySet<AnomalyKind>;
  private done = 0;
  private cappedSaid = false;

  constructor(
    kinds: readonly AnomalyKind[],
    readonly max = DEFAULT_MAX_RECOVERIES,
  ) {
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxRecoveries must be an integer >= 0 (got ${max})`);
    this.kinds = new Set(kinds);
  }

  get count(): number {
    return this.done;
  }

  /**
   * The first anomaly of a recovered kind decides. A non-finite value comes from the step that made it; a rule
   * that waits `patience` consecutive steps (a loss spike) fires on the last of them, so all of them are left out.
   */
  decide(anomalies: readonly Anomaly[], patience: number): RecoveryDecision {
    const a = anomalies.find((x) => this.kinds.has(x.kind));
    if (!a) return { act: 'none' };
    if (this.done >= this.max) {
      if (this.cappedSaid) return { act: 'none' };
      this.cappedSaid = true;
      return { act: 'capped', anomaly: a, max: this.max };
    }
    this.done += 1;
    const back = a.kind === 'nonFinite' ? 0 : Math.max(0, Math.round(patience) - 1);
    return { act: 'rollback', anomaly: a, first: Math.max(0, a.step - back), last: a.step };
  }

  /** A rollback that could not be made (no snapshot) does not count against the cap. */
  undo(): void {
    this.done = Math.max(0, this.done - 1);
  }
}
