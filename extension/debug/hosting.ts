// Hosting glue for the debugger: the launch configuration (F5 on a model file, filled from the active editor and
// the user's settings) and the inline adapter factory that wires a GradlensDebugSession to a TrainingRuntime
// whose engine is the RunManager's current run (so the panel, status bar and Problems follow debug runs too).
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../contributions';
import { startOptions } from '../config';
import type { RunManager } from '../run/runManager';
import { isModelLanguage } from '../editor/modelFile';
import { requireTrust } from '../trust';
import { GradlensDebugSession, type GradlensLaunchRequestArguments } from './adapter';
import { TrainingRuntime } from './runtime';

export function registerDebugger(runs: RunManager): vscode.Disposable[] {
  // "create a launch.json file" writes package.json's initialConfigurations plus whatever an Initial-trigger
  // provider returns: this one returns none, else the file got two identical configurations. The Dynamic one
  // offers the same entry in the Run and Debug view's list when there is no launch.json.
  const dynamic: vscode.DebugConfigurationProvider = {
    provideDebugConfigurations: () => [
      { type: DEBUG_TYPE, request: 'launch', name: 'Gradlens: Train model', program: '${file}' },
    ],
  };
  const provider: vscode.DebugConfigurationProvider = {
    resolveDebugConfiguration(_folder, config) {
      // F5 with no launch.json: debug the model file in the active editor.
      if (!config.type && !config.request && !config.name) {
        const editor = vscode.window.activeTextEditor;
        if (!editor || !isModelLanguage(editor.document.languageId)) {
          void vscode.window.showErrorMessage('Gradlens: open a model file (TypeScript, JavaScript or a PyTorch script) to debug it.');
          return undefined;
        }
        config.type = DEBUG_TYPE;
        config.request = 'launch';
        config.name = 'Gradlens: Train model';
        config.program = editor.document.uri.fsPath;
      }
      if (!config.program) config.program = vscode.window.activeTextEditor?.document.uri.fsPath;
      return config;
    },
    resolveDebugConfigurationWithSubstitutedVariables(_folder, config) {
      if (!requireTrust('debug')) return undefined;
      const args = config as vscode.DebugConfiguration & GradlensLaunchRequestArguments;
      if (!args.program) {
        void vscode.window.showErrorMessage('Gradlens: the launch configuration needs "program", the model file.');
        return undefined;
      }
      args.startOptions = startOptions(args.program, args);
      return args;
    },
  };
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor() {
      const runtime = new TrainingRuntime(async (modelFile) => {
        const run = await runs.launch(modelFile, true);
        if (!run.connection) throw new Error('The training process could not be started.');
        return run.connection;
      });
      return new vscode.DebugAdapterInlineImplementation(new GradlensDebugSession(runtime));
    },
  };
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      dynamic,
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
  ];
}
