// On which steps the per-layer statistics are computed. The loss, the learning rate, NaN/Inf tracing and the
// loss detectors run on every step regardless. Layer statistics read every parameter, gradient and activation,
// which costs about the same whatever the step costs: on a large model it is a rounding error, on a tiny fast
// one it would be a third of the step. So, unless the user fixes the cadence, it adapts: statistics as often as
// possible while their measured cost stays under a budget of the step time (5% is the product's promise; the
// default budget leaves headroom for what is not measured here, such as capturing activations).

export const DEFAULT_TELEMETRY_BUDGET = 0.02;
/** Never fewer statistics than one every this many steps (a heatmap column every 20 steps at worst). */
export const MAX_STATS_INTERVAL = 20;
/**
 * Statistics on every one of the first steps: that is where a broken network shows itself (vanishing gradients
 * from step 0) and where the detectors' patience needs consecutive observations.
 */
export const STATS_WARMUP_STEPS = 20;

export class StatsCadence {
  private costMs = 0;
  private stepMs = 0;
  private next = 0;

  constructor(
    /** A fixed interval (the user's choice); undefined for adaptive. */
    private readonly fixed: number | undefined,
    private readonly budget = DEFAULT_TELEMETRY_BUDGET,
  ) {}

  /** Whether this step computes layer statistics. */
  due(step: number): boolean {
    return step >= this.next || (this.fixed === undefined && step < STATS_WARMUP_STEPS);
  }

  /** The interval between statistics steps now. */
  interval(): number {
    if (this.fixed !== undefined) return Math.max(1, this.fixed);
    if (this.stepMs <= 0 || this.costMs <= 0) return 1;
    return Math.min(MAX_STATS_INTERVAL, Math.max(1, Math.ceil(this.costMs / (this.budget * this.stepMs))));
  }

  /**
   * Records one step: `stepMs` its compute time without statistics, `statsMs` the time its statistics took (0 on
   * steps without). Exponential averages keep one slow step (a GC pause) from swinging the cadence.
   */
  record(step: number, stepMs: number, statsMs: number, withStats: boolean): void {
    this.stepMs = this.stepMs === 0 ? stepMs : 0.9 * this.stepMs + 0.1 * stepMs;
    if (withStats) {
      this.costMs = this.costMs === 0 ? statsMs : 0.7 * this.costMs + 0.3 * statsMs;
      this.next = step + this.interval();
    }
  }
}
