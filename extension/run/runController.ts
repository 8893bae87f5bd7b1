// The one current run (trained from a command, debugged, or replayed from a record) without VS Code: which run is
// current, folding its messages into its RunState, and telling listeners that a run started, received messages and
// ended. RunManager wraps it with VS Code events; tests drive it over an in-memory engine.
//
// Stopping keeps listening until the engine has ended: the engine's last word is a `finished` (reason "stopped"),
// and every consumer (panel, status bar, progress) must see it, or the panel stays "Running" while the record says
// stopped (issue 25 item 1: the listener used to be dropped before the stop was sent).
import type { EngineMessage } from '../../protocol/messages';
import type { EngineConnection, EngineLauncher } from './connection';
import { RunState } from './runState';

export interface ActiveRun {
  readonly state: RunState;
  /** Absent for a replayed record. */
  readonly connection?: EngineConnection;
  /** True while a debug session owns the run (its pause/step go through the debugger UI). */
  readonly debug: boolean;
}

export interface RunListeners {
  /** A new run began (views reset). */
  started(run: ActiveRun): void;
  /** Messages applied to the current run's state (already folded in). */
  received(run: ActiveRun, messages: EngineMessage[]): void;
  /** The current run finished or its engine exited. */
  ended(run: ActiveRun): void;
  /** Something the user should be told (a new run stopped the one that was going). */
  notice(text: string): void;
}

export class RunController {
  private current: ActiveRun | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly launcher: EngineLauncher,
    private readonly listeners: RunListeners,
  ) {}

  get run(): ActiveRun | undefined {
    return this.current;
  }

  /** Live run whose engine is still there. */
  get live(): ActiveRun | undefined {
    const r = this.current;
    return r?.connection && r.state.phase !== 'finished' ? r : undefined;
  }

  /** Starts an engine for `modelFile` and makes it the current run; the caller sends `start`. */
  async launch(modelFile: string, debug: boolean): Promise<ActiveRun> {
    const previous = this.live;
    await this.stopCurrent();
    if (previous) this.listeners.notice(`Stopped the run of ${baseName(previous.state.modelFile)} to start this one.`);
    const connection = await this.launcher(modelFile);
    const run: ActiveRun = { state: new RunState(modelFile), connection, debug };
    this.adopt(run);
    this.unsubscribe = connection.onMessage((msg) => this.receive(run, [msg]));
    void connection.exited.then(() => {
      if (this.current === run && run.state.phase !== 'finished') {
        // The client emits a synthetic `finished` on a crash; this covers an exit before any message at all.
        run.state.markEnded();
        this.listeners.ended(run);
      }
    });
    return run;
  }

  /** Shows a recorded run (a .jsonl run record). */
  async replay(modelFile: string, messages: EngineMessage[]): Promise<ActiveRun> {
    await this.stopCurrent();
    const run: ActiveRun = { state: new RunState(modelFile), debug: false };
    this.adopt(run);
    this.receive(run, messages);
    if (run.state.phase !== 'finished') {
      run.state.markEnded();
      this.listeners.ended(run);
    }
    return run;
  }

  /** Stops the live run and resolves once its engine has ended, its final messages delivered. */
  async stopCurrent(): Promise<void> {
    const run = this.live;
    if (run?.connection) await run.connection.stop();
  }

  private adopt(run: ActiveRun): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.current = run;
    this.listeners.started(run);
  }

  private receive(run: ActiveRun, messages: EngineMessage[]): void {
    if (this.current !== run) return;
    const finished = (): boolean => run.state.phase === 'finished';
    const wasFinished = finished();
    for (const m of messages) run.state.apply(m);
    this.listeners.received(run, messages);
    if (!wasFinished && finished()) this.listeners.ended(run);
  }

  dispose(): void {
    void this.stopCurrent().finally(() => {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
    });
  }
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
