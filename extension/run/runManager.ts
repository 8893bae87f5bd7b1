// Owns the one current run (trained from a command, debugged, or replayed from a record) and tells the views
// about it: the status bar, decorations, Problems entries and the panel all subscribe here, so a debug session
// and a plain training run look the same to them. The run logic is runController.ts (VS Code-free, unit-tested);
// this class turns its callbacks into VS Code events and its notices into notifications.
import * as vscode from 'vscode';
import type { EngineMessage } from '../../protocol/messages';
import type { EngineLauncher } from './connection';
import { RunController, type ActiveRun } from './runController';

export type { ActiveRun } from './runController';

export class RunManager implements vscode.Disposable {
  private readonly runEmitter = new vscode.EventEmitter<ActiveRun>();
  private readonly messageEmitter = new vscode.EventEmitter<{ run: ActiveRun; messages: EngineMessage[] }>();
  private readonly endEmitter = new vscode.EventEmitter<ActiveRun>();
  private readonly controller: RunController;
  /** A new run began (views reset). */
  readonly onDidStartRun = this.runEmitter.event;
  /** Messages applied to the current run's state (already folded in when this fires). */
  readonly onDidReceive = this.messageEmitter.event;
  /** The current run finished or its process exited. */
  readonly onDidEndRun = this.endEmitter.event;

  constructor(launcher: EngineLauncher) {
    this.controller = new RunController(launcher, {
      started: (run) => this.runEmitter.fire(run),
      received: (run, messages) => this.messageEmitter.fire({ run, messages }),
      ended: (run) => this.endEmitter.fire(run),
      notice: (text) => void vscode.window.showInformationMessage(`Gradlens: ${text}`),
    });
  }

  get run(): ActiveRun | undefined {
    return this.controller.run;
  }

  /** Live run whose engine process is still there. */
  get live(): ActiveRun | undefined {
    return this.controller.live;
  }

  /** Starts an engine process for `modelFile` and makes it the current run; the caller sends `start`. */
  launch(modelFile: string, debug: boolean): Promise<ActiveRun> {
    return this.controller.launch(modelFile, debug);
  }

  /** Shows a recorded run (a .jsonl run record). */
  replay(modelFile: string, messages: EngineMessage[]): Promise<ActiveRun> {
    return this.controller.replay(modelFile, messages);
  }

  /** Stops the live run; resolves once its engine has ended and its final `finished` reached every view. */
  stopCurrent(): Promise<void> {
    return this.controller.stopCurrent();
  }

  dispose(): void {
    this.controller.dispose();
    this.runEmitter.dispose();
    this.messageEmitter.dispose();
    this.endEmitter.dispose();
  }
}
