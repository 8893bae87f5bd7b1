// "New Model File": writes a small, working model file into the workspace (a spiral classifier, trains in
// seconds), installs the `gradlens` type declarations next to it so IntelliSense works at once, and opens it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { installTypes } from './intellisense';

export const MODEL_TEMPLATE = `// A Gradlens model file: default-export a training definition, then run "Gradlens: Train Current Model"
// (or press F5 to train it under the debugger and stop on anomalies such as loss spikes).
import { nn, optim, data, defineTraining } from 'gradlens';

// Layers are built where you can see them: Gradlens shows each layer's gradient norm at the end of its line.
const model = new nn.Sequential(
  new nn.Linear(2, 32),
  new nn.ReLU(),
  new nn.Linear(32, 32),
  new nn.ReLU(),
  new nn.Linear(32, 3),
);

export default defineTraining({
  model,
  data: data.spiral({ n: 600, classes: 3 }),
  loss: new nn.CrossEntropyLoss(),
  optimizer: (params) => new optim.Adam(params, { lr: 0.01 }),
  epochs: 20,
  batchSize: 32,
  seed: 0,
});
`;

/** First free name model.ts, model-2.ts, ... in `folder`. */
export function freeModelFileName(folder: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? 'model.ts' : `model-${i}.ts`;
    if (!fs.existsSync(path.join(folder, name))) return path.join(folder, name);
  }
}

export async function scaffoldModelFile(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    // No folder to write into: an untitled file still shows the API, IntelliSense comes once it is saved in a folder.
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: MODEL_TEMPLATE });
    await vscode.window.showTextDocument(doc);
    return;
  }
  const file = freeModelFileName(folder);
  fs.writeFileSync(file, MODEL_TEMPLATE);
  if (vscode.workspace.isTrusted) {
    try {
      installTypes(context.extensionPath, folder);
    } catch (e) {
      void vscode.window.showWarningMessage(`Gradlens: could not write type declarations (${String(e)}).`);
    }
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file));
}
