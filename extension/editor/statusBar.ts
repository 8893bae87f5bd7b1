// The status bar item of the current run: epoch, step, loss and throughput; a click opens the gradient panel.
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { ActiveRun, RunManager } from '../run/runManager';
import { statusText } from '../run/format';
import { endedWithoutSteps } from './runEndText';

/** Redraw at most this often: a fast model sends hundreds of steps a second. */
const REFRESH_MS = 100;

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('gradlens.status', vscode.StatusBarAlignment.Left, 5);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runs: RunManager) {
    this.item.name = 'Gradlens training';
    this.item.command = Commands.ShowPanel;
    this.disposables.push(
      runs.onDidStartRun((run) => this.render(run)),
      runs.onDidReceive(({ run }) => this.schedule(run)),
      runs.onDidEndRun((run) => this.render(run)),
    );
  }

  private schedule(run: ActiveRun): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render(run);
    }, REFRESH_MS);
  }

  private render(run: ActiveRun): void {
    if (this.runs.run !== run) return;
    const s = run.state;
    const reason = s.finished?.reason;
    const endIcon = reason === 'error' ? '$(error)' : reason === 'stopped' ? '$(debug-stop)' : '$(check)';
    const icon = s.phase === 'paused' ? '$(debug-pause)' : s.phase === 'finished' ? endIcon : '$(sync~spin)';
    if (s.phase === 'finished' && !s.lastStep) {
      // A run that failed before its first step is not "finished" (the Problems and the notification say why).
      const ended = endedWithoutSteps(reason);
      this.item.text = `${ended.icon} Gradlens: ${ended.text}`;
    } else this.item.text = `${icon} ${statusText(s)}`;
    this.item.tooltip = `Gradlens: ${s.modelFile}\nClick to show the gradient panel`;
    this.item.backgroundColor =
      s.errors.length > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
