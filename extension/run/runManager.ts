// Owns the one current run (trained from a command, debugged, or replayed from a record) and tells the views
// about it: the status bar, decorations, Problems entries and the panel all subscribe here, so a debug session
// and a plain training run look the same to them.
import * as vscode from 'vscode';
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

export class RunManager implements vscode.Disposable {
  private current: ActiveRun | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly runEmitter = new vscode.EventEmitter<ActiveRun>();
  private readonly messageEmitter = new vscode.EventEmitter<{ run: ActiveRun; messages: EngineMessage[] }>();
  private readonly endEmitter = new vscode.EventEmitter<ActiveRun>();
  /** A new run began (views reset). */
  readonly onDidStartRun = this.runEmitter.event;
  /** Messages applied to the current run's state (already folded in when this fires). */
  readonly onDidReceive = this.messageEmitter.event;
  /** The current run finished or its process exited. */
  readonly onDidEndRun = this.endEmitter.event;

  constructor(private readonly launcher: EngineLauncher) {}

  get run(): ActiveRun | undefined {
    return this.current;
  }

  /** Live run whose engine process is still there. */
  get live(): ActiveRun | undefined {
    const r = this.current;
    return r?.connection && r.state.phase !== 'finished' ? r : undefined;
  }

  /** Starts an engine process for `modelFile` and makes it the current run; the caller sends `start`. */
  async launch(modelFile: string, debug: boolean): Promise<ActiveRun> {
    await this.stopCurrent();
    const connection = await this.launcher(modelFile);
    const run: ActiveRun = { state: new RunState(modelFile), connection, debug };
    this.adopt(run);
    this.unsubscribe = connection.onMessage((msg) => this.receive(run, [msg]));
    void connection.exited.then(() => {
      if (this.current === run && run.state.phase !== 'finished') {
        // The client emits a synthetic `finished` on a crash; this covers an exit before any message at all.
        run.state.phase = 'finished';
        this.endEmitter.fire(run);
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
      run.state.phase = 'finished';
      this.endEmitter.fire(run);
    }
    return run;
  }

  async stopCurrent(): Promise<void> {
    const run = this.live;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (run?.connection) await run.connection.stop();
  }

  private adopt(run: ActiveRun): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.current = run;
    this.runEmitter.fire(run);
  }

  private receive(run: ActiveRun, messages: EngineMessage[]): void {
    if (this.current !== run) return;
    const wasFinished = run.state.phase === 'finished';
    for (const m of messages) run.state.apply(m);
    this.messageEmitter.fire({ run, messages });
    if (!wasFinished && run.state.phase === 'finished') this.endEmitter.fire(run);
  }

  dispose(): void {
    void this.stopCurrent();
    this.runEmitter.dispose();
    this.messageEmitter.dispose();
    this.endEmitter.dispose();
  }
}
