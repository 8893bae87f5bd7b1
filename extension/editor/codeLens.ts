// "Train | Debug" above the default export of model files, or above a script's own training loop; off with
// gradlens.codeLens.enabled.
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import { setting } from '../config';
import { isModelSource, trainingLine } from './modelFile';

export class ModelCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!setting('codeLens.enabled', doc.uri)) return [];
    const text = doc.getText();
    if (!isModelSource(text)) return [];
    const line = trainingLine(text);
    if (line === undefined) return [];
    const range = new vscode.Range(line, 0, line, 0);
    return [
      new vscode.CodeLens(range, { title: '$(play) Train', command: Commands.Train, arguments: [doc.uri] }),
      new vscode.CodeLens(range, { title: '$(debug-alt) Debug', command: Commands.Debug, arguments: [doc.uri] }),
    ];
  }
}
