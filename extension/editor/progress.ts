// A cancellable progress notification for a training run: it advances with the steps and cancelling stops the run.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ActiveRun, RunManager } from '../run/runManager';
import { statusText } from '../run/format';

export function showRunProgress(runs: RunManager, run: ActiveRun): void {
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Gradlens: training ${path.basename(run.state.modelFile)}`,
      cancellable: true,
    },
    (progress, token) =>
      new Promise<void>((resolve) => {
        let reported = 0;
        let lastReport = 0;
        const disposables: vscode.Disposable[] = [];
        const done = () => {
          for (const d of disposables) d.dispose();
          resolve();
        };
        token.onCancellationRequested(() => {
          if (runs.run === run) void runs.stopCurrent();
          done();
        });
        disposables.push(
          runs.onDidReceive(({ run: r }) => {
            if (r !== run || Date.now() - lastReport < 200) return;
            lastReport = Date.now();
            const total = run.state.totalSteps();
            const step = run.state.lastStep?.step ?? 0;
            const pct = total ? Math.min(100, (100 * (step + 1)) / total) : 0;
            progress.report({ message: statusText(run.state), increment: pct - reported });
            reported = pct;
          }),
          runs.onDidEndRun((r) => r === run && done()),
          runs.onDidStartRun((r) => r !== run && done()),
        );
      }),
  );
}
