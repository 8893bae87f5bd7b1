// Engine errors the user must see (syntax error, shape mismatch, crash...) become one error notification naming
// file:line with a button to open it; everything the engine logs goes to the "Gradlens" output channel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ErrorInfo } from '../../protocol/messages';
import { formatLocation } from '../../protocol/messages';
import { revealSource } from '../panel/gradientPanel';
import type { RunManager } from '../run/runManager';
import { finishedLine } from './runEndText';

export class ErrorReporter implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Gradlens');
  private readonly disposables: vscode.Disposable[] = [this.channel];

  constructor(runs: RunManager) {
    this.disposables.push(
      runs.onDidStartRun((run) => this.channel.appendLine(`--- run of ${run.state.modelFile}`)),
      runs.onDidReceive(({ run, messages }) => {
        for (const m of messages) {
          if (m.type === 'error') this.report(m.error, run.debug);
          else if (m.type === 'log') this.channel.appendLine(`[${m.level}] ${m.message}`);
          else if (m.type === 'anomaly') this.channel.appendLine(`[warn] ${m.anomaly.message}`);
          else if (m.type === 'finished') this.channel.appendLine(finishedLine(m));
        }
      }),
    );
  }

  private report(e: ErrorInfo, _debug: boolean): void {
    this.channel.appendLine(`[error] ${e.id}: ${e.message} at ${formatLocation(e.location)}`);
    if (e.stack) this.channel.appendLine(e.stack);
    if (!e.showUser) return;
    // The engine's messages usually start with file:line already; add it only when they do not.
    const where =
      e.location && !e.message.includes(`${e.location.file}:${e.location.line}`)
        ? ` (${path.basename(e.location.file)}:${e.location.line})`
        : '';
    const text = `Gradlens: ${e.message}${where}${e.hint ? ' ' + e.hint : ''}`;
    const actions = e.location ? ['Open', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(text, ...actions).then((choice) => {
      if (choice === 'Open' && e.location) void revealSource(e.location);
      else if (choice === 'Show Log') this.channel.show(true);
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
