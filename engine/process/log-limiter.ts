// The model's console output, bounded. Print-debugging is the first thing users do, and a console.log in a
// forward pass runs on every batch: thousands of lines a second that no one can read, which once filled the
// engine's memory. Up to `linesPerWindow` lines per window go through whole (so the output stays visible and in
// order with the steps); beyond that lines are counted, and one line says how many were left out. Very long lines
// (a whole tensor printed) are cut.
import type { EngineMessageOf } from '../../protocol/messages';

type LogMessage = EngineMessageOf<'log'>;

export interface LogLimits {
  linesPerWindow: number;
  windowMs: number;
  maxChars: number;
}

/** 100 lines a second: more than a terminal shows legibly, few enough to cost nothing next to training. */
export const LOG_LIMITS: Readonly<LogLimits> = Object.freeze({ linesPerWindow: 100, windowMs: 1000, maxChars: 4000 });

export class LogLimiter {
  private windowStart: number;
  private shown = 0;
  private dropped = 0;
  /** Lines left out over the whole run. */
  totalDropped = 0;

  constructor(
    private readonly emit: (msg: LogMessage) => void,
    private readonly limits: LogLimits = LOG_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowStart = now();
  }

  log(level: LogMessage['level'], message: string): void {
    this.tick();
    if (this.shown >= this.limits.linesPerWindow) {
      this.dropped++;
      this.totalDropped++;
      return;
    }
    this.shown++;
    const text = message.length > this.limits.maxChars ? `${message.slice(0, this.limits.maxChars)}... (${(message.length - this.limits.maxChars).toLocaleString('en-US')} more characters)` : message;
    this.emit({ type: 'log', level, message: text });
  }

  /** Starts a new window once the current one is over (call on every step, so the count is said in time). */
  tick(): void {
    if (this.now() - this.windowStart < this.limits.windowMs) return;
    this.flush();
    this.windowStart = this.now();
    this.shown = 0;
  }

  /** Says how many lines were left out since the last notice (call before the run ends). */
  flush(): void {
    if (this.dropped === 0) return;
    const seconds = Math.max(this.limits.windowMs, this.now() - this.windowStart) / 1000;
    this.emit({
      type: 'log',
      level: 'warn',
      message: `gradlens: ${this.dropped.toLocaleString('en-US')} more lines of output in the last ${seconds.toFixed(1)} s were left out (at most ${this.limits.linesPerWindow} lines every ${this.limits.windowMs / 1000} s are shown and recorded)`,
    });
    this.dropped = 0;
  }
}
