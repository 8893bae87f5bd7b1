// The state of a run every side shows, folded from the engine's messages in order: where it is (starting, running,
// paused, finished and how), the last step, the epoch, the errors, and its throughput. One reducer for the
// extension's RunState (status bar, progress, context keys), the debug runtime, the webview's store and the CLI,
// so they cannot disagree (they did: the status bar was one step behind the panel at the end of a run, and samples/s
// counted the time a run sat paused). VS Code-free and DOM-free; its memory is bounded whatever the run's length
// (it keeps the last of each message kind and ThroughputMeter's window, never the stream).
import type { EngineMessage, EngineMessageOf, ErrorInfo, RunConfig } from './messages';
import { ThroughputMeter } from './throughput';

export type RunPhase = 'starting' | 'running' | 'paused' | 'finished';

/** How many errors are kept (the first ones: later ones are usually consequences). */
export const MAX_KEPT_ERRORS = 20;

export class RunProgress {
  phase: RunPhase = 'starting';
  runStarted?: EngineMessageOf<'runStarted'>;
  lastStep?: EngineMessageOf<'step'>;
  lastEpoch?: EngineMessageOf<'epoch'>;
  paused?: EngineMessageOf<'paused'>;
  finished?: EngineMessageOf<'finished'>;
  readonly errors: ErrorInfo[] = [];
  private readonly throughput = new ThroughputMeter();
  /** A pause happened since the last step: that step's duration includes the pause, so it is not a rate. */
  private pausedSinceStep = false;

  get config(): RunConfig | undefined {
    return this.runStarted?.config;
  }

  /**
   * The step to show: the last step's number while the run goes on, and at the end the engine's count in
   * `finished` when that is larger (the panel and the status bar used to show one each: 375 against 374).
   */
  get step(): number | undefined {
    const last = this.lastStep?.step;
    const end = this.finished && this.finished.step >= 0 ? this.finished.step : undefined;
    if (end === undefined) return last;
    return last === undefined ? end : Math.max(last, end);
  }

  /** Folds one message in; returns true when anything shown may have changed. */
  apply(msg: EngineMessage): boolean {
    switch (msg.type) {
      case 'runStarted':
        this.runStarted = msg;
        if (this.phase === 'starting') this.phase = 'running';
        return true;
      case 'step':
        this.lastStep = msg;
        if (this.phase === 'starting') this.phase = 'running';
        if (this.pausedSinceStep) this.pausedSinceStep = false;
        else this.throughput.add(msg);
        return true;
      case 'epoch':
        this.lastEpoch = msg;
        return true;
      case 'paused':
        if (this.phase === 'finished') return false;
        this.phase = 'paused';
        this.paused = msg;
        this.pausedSinceStep = true;
        return true;
      case 'resumed':
        if (this.phase === 'finished') return false;
        this.phase = 'running';
        this.paused = undefined;
        return true;
      case 'error':
        if (this.errors.length < MAX_KEPT_ERRORS) this.errors.push(msg.error);
        return true;
      case 'finished':
        if (this.finished) return false;
        this.phase = 'finished';
        this.paused = undefined;
        this.finished = msg;
        return true;
      default:
        return false;
    }
  }

  /** The engine went away without a `finished` (and without the client's synthetic one): the run is over. */
  markEnded(): void {
    this.phase = 'finished';
    this.paused = undefined;
  }

  /**
   * Samples per second of training time: over the recent steps while the run goes on, over all of them once it
   * has finished. A step a pause fell into is left out (its duration is mostly the pause).
   */
  samplesPerSec(): number {
    return this.phase === 'finished' ? this.throughput.overall() : this.throughput.recent();
  }
}
