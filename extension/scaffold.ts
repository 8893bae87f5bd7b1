// "New Model File": asks for a name (model.ts, model-2.ts, ... suggested), writes a small, working model file into
// the workspace (a spiral classifier, trains in seconds) and opens it. IntelliSense for `gradlens` needs nothing
// written: the TypeScript server plugin (tsserver-plugin.ts) resolves the module to the shipped declarations.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { freeModelFileName, modelFileNameProblem } from './modelFileName';

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

export async function scaffoldModelFile(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    // No folder to write into: an untitled file (the TypeScript server plugin resolves `gradlens` for it too).
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: MODEL_TEMPLATE });
    await vscode.window.showTextDocument(doc);
    return;
  }
  const suggested = path.basename(freeModelFileName(folder));
  const name = await vscode.window.showInputBox({
    title: 'Gradlens: New Model File',
    prompt: 'Name of the model file, relative to the workspace folder',
    value: suggested,
    valueSelection: [0, suggested.length - path.extname(suggested).length],
    validateInput: (v) => modelFileNameProblem(folder, v),
  });
  if (name === undefined) return;
  const file = path.join(folder, name.trim());
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, MODEL_TEMPLATE);
  await vscode.window.showTextDocument(vscode.Uri.file(file));
}
