// Where to point at for things that belong to the model as a whole (a loss spike has no layer): the model file's
// default export, read from disk or from the open editor.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { SourceLocation } from '../../protocol/messages';
import { defaultExportLine } from './modelFile';

export function modelDefinitionLocation(modelFile: string): SourceLocation {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === modelFile);
  let text: string | undefined = open?.getText();
  if (text === undefined) {
    try {
      text = fs.readFileSync(modelFile, 'utf8');
    } catch {
      text = undefined; // the file may have been deleted since the run; line 1 is the best we can do
    }
  }
  const line = text !== undefined ? defaultExportLine(text) : undefined;
  return { file: modelFile, line: (line ?? 0) + 1, column: 1 };
}
