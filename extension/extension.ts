// Entry point of the Gradlens extension: wires the run manager (the engine child process of the current run) to
// the commands, the debugger, the editor views (status bar, decorations, CodeLens, Problems) and the panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { launchEngine as forkEngine } from '../host/launch';
import { registerCommands } from './commands';
import { ContextKeys, PANEL_VIEW_TYPE } from './contributions';
import { registerDebugger } from './debug/hosting';
import { ModelCodeLensProvider } from './editor/codeLens';
import { LayerDecorations } from './editor/decorations';
import { AnomalyDiagnostics } from './editor/diagnostics';
import { ErrorReporter } from './editor/errors';
import { isModelLanguage, isModelSource, isPythonModel } from './editor/modelFile';
import { pythonLaunchEnv } from './python';
import { TrainingStatusBar } from './editor/statusBar';
import { GradientPanel } from './panel/gradientPanel';
import type { EngineConnection } from './run/connection';
import { RunManager } from './run/runManager';

export function activate(context: vscode.ExtensionContext): void {
  const runs = new RunManager((modelFile) => launchEngine(context, modelFile));
  const codeLens = new ModelCodeLensProvider();
  const selector: vscode.DocumentSelector = [
    { scheme: 'file', language: 'typescript' },
    { scheme: 'file', language: 'javascript' },
    { scheme: 'file', language: 'python' },
  ];
  context.subscriptions.push(
    runs,
    new TrainingStatusBar(runs),
    new LayerDecorations(runs),
    new AnomalyDiagnostics(runs),
    new ErrorReporter(runs),
    ...registerCommands(context, runs),
    ...registerDebugger(runs),
    vscode.languages.registerCodeLensProvider(selector, codeLens),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gradlens.codeLens')) codeLens.refresh();
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => void GradientPanel.revive(panel, context.extensionUri, runs),
    }),
    ...trackContextKeys(runs),
  );
}

export function deactivate(): void {
  // Disposables (the run manager stops its engine) are drained by VS Code.
}

async function launchEngine(context: vscode.ExtensionContext, modelFile: string): Promise<EngineConnection> {
  const uri = vscode.Uri.file(modelFile);
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const python = isPythonModel(modelFile);
  return forkEngine({
    // A PyTorch script runs under the Python bridge, which speaks the same protocol (extension/python.ts).
    childPath: path.join(context.extensionPath, 'dist', python ? 'engine-python.js' : 'engine-child.js'),
    cwd: folder ?? path.dirname(modelFile),
    execArgv: ['--enable-source-maps'],
    // Messages from Python are checked against the protocol's schema, as the CLI does.
    ...(python ? { env: pythonLaunchEnv(uri), validate: true } : {}),
  });
}

/** `when`-clause keys: is the active editor a model file, is a run going, is it paused. */
function trackContextKeys(runs: RunManager): vscode.Disposable[] {
  const set = (key: ContextKeys, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
  const updateEditor = () => {
    const doc = vscode.window.activeTextEditor?.document;
    set(ContextKeys.IsModelFile, !!doc && isModelLanguage(doc.languageId) && isModelSource(doc.getText()));
  };
  const updateRun = () => {
    const phase = runs.live?.state.phase;
    set(ContextKeys.Running, phase === 'running' || phase === 'paused' || phase === 'starting');
    set(ContextKeys.Paused, phase === 'paused');
  };
  updateEditor();
  return [
    vscode.window.onDidChangeActiveTextEditor(updateEditor),
    vscode.workspace.onDidSaveTextDocument((d) => d === vscode.window.activeTextEditor?.document && updateEditor()),
    runs.onDidStartRun(updateRun),
    runs.onDidReceive(({ messages }) => {
      if (messages.some((m) => m.type === 'paused' || m.type === 'resumed' || m.type === 'runStarted')) updateRun();
    }),
    runs.onDidEndRun(updateRun),
  ];
}
