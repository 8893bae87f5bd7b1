// Where to point at for things that belong to the model as a whole (a loss spike has no layer): the model file's
// default export, read from the open editor or from disk. The path comes from the run (a record opened from disk
// names any path it likes), so the disk read is asynchronous, of a regular file of sane size only (host/safe-read).
import * as vscode from 'vscode';
import type { SourceLocation } from '../../protocol/messages';
import { readRegularFile } from '../../host/safe-read';
import { defaultExportLine } from './modelFile';

/** A model file is source code; anything larger is not one (and is not read). */
const MAX_MODEL_FILE_BYTES = 4 * 2 ** 20;

export async function modelDefinitionLocation(modelFile: string): Promise<SourceLocation> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === modelFile);
  let text: string | undefined = open?.getText();
  if (text === undefined) text = await readModelSource(modelFile);
  return definitionLocation(modelFile, text);
}

/** The model file's text, or undefined when it is gone, too large or not a regular file (line 1 is then the best). */
export async function readModelSource(modelFile: string): Promise<string | undefined> {
  return readRegularFile(modelFile, MAX_MODEL_FILE_BYTES).catch(() => undefined);
}

export function definitionLocation(modelFile: string, text: string | undefined): SourceLocation {
  const line = text !== undefined ? defaultExportLine(text) : undefined;
  return { file: modelFile, line: (line ?? 0) + 1, column: 1 };
}
