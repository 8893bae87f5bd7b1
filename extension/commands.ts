// The Gradlens commands: train or debug the model file in the active editor, control the current run, show the
// panel, open a recorded run, scaffold a new model file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineError } from '../host/engine-client';
import { Commands, ContextKeys, DEBUG_TYPE } from './contributions';
import { setting, startOptions } from './config';
import { isModelLanguage } from './editor/modelFile';
import { GradientPanel } from './panel/gradientPanel';
import type { ActiveRun, RunManager } from './run/runManager';
import { readRunRecord } from '../host/run-record';
import { showRunProgress } from './editor/progress';
import { pruneRunRecords } from './pruneRuns';
import { scaffoldModelFile } from './scaffold';
import { requireTrust } from './trust';

export function registerCommands(context: vscode.ExtensionContext, runs: RunManager): vscode.Disposable[] {
  const panel = (preserveFocus: boolean) => GradientPanel.createOrShow(context.extensionUri, runs, preserveFocus);
  const reg = (id: Commands, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);
  return [
    reg(Commands.Train, (uri) => train(runs, uri, () => panel(true))),
    reg(Commands.Debug, (uri) => debug(runs, uri)),
    reg(Commands.Pause, () => control(runs, 'pause')),
    reg(Commands.Resume, () => control(runs, 'resume')),
    reg(Commands.Step, () => control(runs, 'step')),
    reg(Commands.Stop, () => stop(runs)),
    reg(Commands.SkipBatch, () => timeTravel(runs, 'skip')),
    reg(Commands.HalveLearningRate, () => timeTravel(runs, 'halve')),
    reg(Commands.ShowPanel, () => void panel(false)),
    reg(Commands.OpenRun, (uri) => openRun(runs, uri, () => panel(false))),
    reg(Commands.NewModelFile, () => scaffoldModelFile()),
    // A debug run (Debug Current Model, F5, a launch.json) shows the panel as Train does.
    runs.onDidStartRun((run) => {
      if (run.debug && setting('panel.openOnTrain', vscode.Uri.file(run.state.modelFile))) panel(true);
    }),
    ...trackLaunchConfigurations(),
  ];
}

/** Keeps ContextKeys.NoLaunchConfigurations current: F5 on a model file debugs it directly only when it is true. */
function trackLaunchConfigurations(): vscode.Disposable[] {
  const update = () => {
    const configs = vscode.workspace.getConfiguration('launch').get<unknown[]>('configurations') ?? [];
    void vscode.commands.executeCommand('setContext', ContextKeys.NoLaunchConfigurations, configs.length === 0);
  };
  update();
  return [
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('launch') && update()),
    vscode.workspace.onDidChangeWorkspaceFolders(update),
  ];
}

/**
 * The model file to act on: the CodeLens/menu/panel argument, else the active editor's file, else (the gradient
 * panel or another non-editor view has focus) the current run's model file.
 */
async function modelDocument(arg: unknown, runs: RunManager): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  const editor = vscode.window.activeTextEditor;
  const last = runs.run?.state.modelFile;
  if (!editor && last && fs.existsSync(last)) return vscode.workspace.openTextDocument(vscode.Uri.file(last));
  const doc = editor?.document;
  if (!doc || !isModelLanguage(doc.languageId)) {
    void vscode.window.showErrorMessage('Gradlens: open a model file (TypeScript or JavaScript importing gradlens, or a PyTorch script) first.');
    return undefined;
  }
  if (doc.isUntitled) {
    void vscode.window.showErrorMessage('Gradlens: save the model file first; the engine trains files on disk.');
    return undefined;
  }
  return doc;
}

async function train(runs: RunManager, arg: unknown, showPanel: () => void): Promise<void> {
  if (!requireTrust('train')) return;
  const doc = await modelDocument(arg, runs);
  if (!doc) return;
  if (doc.isDirty) await doc.save();
  const file = doc.uri.fsPath;
  pruneRecords(doc.uri);
  let run: ActiveRun | undefined;
  try {
    run = await runs.launch(file, false);
    if (setting('panel.openOnTrain', doc.uri)) showPanel();
    showRunProgress(runs, run);
    await run.connection?.start(startOptions(file));
  } catch (e) {
    // An error the engine also sent as an `error` message has been shown by the ErrorReporter already.
    await new Promise((r) => setTimeout(r, 50));
    const info = e instanceof EngineError ? e.info : undefined;
    if (info && run?.state.errors.some((x) => x.id === info.id && x.message === info.message)) return;
    if (info && !info.showUser) return;
    const where = info?.location ? ` (${path.basename(info.location.file)}:${info.location.line})` : '';
    void vscode.window.showErrorMessage(`Gradlens: could not start training: ${errorText(e)}${where}`);
  }
}

async function debug(runs: RunManager, arg: unknown): Promise<void> {
  if (!requireTrust('debug')) return;
  const doc = await modelDocument(arg, runs);
  if (!doc) return;
  if (doc.isDirty) await doc.save();
  pruneRecords(doc.uri);
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(doc.uri), {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Gradlens: ${path.basename(doc.uri.fsPath)}`,
    program: doc.uri.fsPath,
  });
}

/** Old run records go before a new run writes its own (the engine writes them under the workspace folder). */
function pruneRecords(model: vscode.Uri): void {
  const folder = vscode.workspace.getWorkspaceFolder(model)?.uri.fsPath ?? path.dirname(model.fsPath);
  pruneRunRecords(path.join(folder, '.gradlens', 'runs'), setting('runs.keep', model));
}

async function control(runs: RunManager, what: 'pause' | 'resume' | 'step'): Promise<void> {
  const run = runs.live;
  if (!run?.connection) {
    void vscode.window.showInformationMessage('Gradlens: no training run is active.');
    return;
  }
  try {
    // In a debug session too the engine is told directly: the debug adapter follows the engine's paused/resumed
    // messages, so the debugger UI stays in step.
    if (what === 'step') await run.connection.request({ type: 'step', count: 1, unit: 'batch' });
    else await run.connection.request({ type: what });
  } catch (e) {
    void vscode.window.showErrorMessage(`Gradlens: ${what} failed: ${errorText(e)}`);
  }
}

/**
 * From a stop: skip the batch of the step the run stopped at (back to before it, on without it), or halve the
 * learning rate, then continue (docs/time-travel.md). The engine records each in the run record; one that cannot
 * (a PyTorch script) says so.
 */
async function timeTravel(runs: RunManager, what: 'skip' | 'halve'): Promise<void> {
  const run = runs.live;
  if (!run?.connection || run.state.phase !== 'paused') {
    void vscode.window.showInformationMessage('Gradlens: pause the run first (or stop at an anomaly) to skip a batch or halve the learning rate.');
    return;
  }
  try {
    await run.connection.request(what === 'skip' ? { type: 'skipBatch' } : { type: 'scaleLearningRate', factor: 0.5 });
  } catch (e) {
    void vscode.window.showErrorMessage(`Gradlens: ${what === 'skip' ? 'skipping the batch' : 'halving the learning rate'} failed: ${errorText(e)}`);
  }
}

async function stop(runs: RunManager): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (session?.type === DEBUG_TYPE && runs.run?.debug) {
    await vscode.debug.stopDebugging(session);
    return;
  }
  await runs.stopCurrent();
}

async function openRun(runs: RunManager, arg: unknown, showPanel: () => void): Promise<void> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: folder ? vscode.Uri.joinPath(folder, '.gradlens', 'runs') : undefined,
      filters: { 'Gradlens run record': ['jsonl'] },
      openLabel: 'Open Run',
    });
    uri = picked?.[0];
  }
  if (!uri) return;
  try {
    // A record is untrusted input: read as a regular file of sane size, off the host's thread, and checked.
    const messages = await readRunRecord(uri.fsPath);
    const started = messages.find((m) => m.type === 'runStarted');
    const modelFile = started?.type === 'runStarted' ? started.modelFile : uri.fsPath;
    await runs.replay(modelFile, messages);
    showPanel();
  } catch (e) {
    void vscode.window.showErrorMessage(`Gradlens: cannot open ${path.basename(uri.fsPath)}: ${errorText(e)}`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
