// IntelliSense for `import ... from 'gradlens'` with nothing installed: the extension ships the module's type
// declarations (dist/types, made by scripts/build-types.mjs) and copies them to node_modules/gradlens in the
// workspace folder of a model file. TypeScript and JavaScript resolve bare imports through node_modules with no
// tsconfig at all, so this works for any project layout; the copy is refreshed only when the API changed, and
// a real package of that name that the user installed is never touched.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setting } from './config';
import { isModelSource } from './editor/modelFile';

const MARKER = 'written by the Gradlens extension';

interface TypesPackage {
  description?: string;
  typesHash?: string;
}

function readPackage(file: string): TypesPackage | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as TypesPackage;
  } catch {
    return undefined;
  }
}

/** Copies the declarations into `<folder>/node_modules/gradlens`; returns true when it wrote anything. */
export function installTypes(extensionPath: string, folder: string): boolean {
  const source = path.join(extensionPath, 'dist', 'types');
  const ours = readPackage(path.join(source, 'package.json'));
  if (!ours?.typesHash) return false; // a development build without `npm run package`: nothing to ship
  const target = path.join(folder, 'node_modules', 'gradlens');
  const theirs = readPackage(path.join(target, 'package.json'));
  if (theirs && !theirs.description?.includes(MARKER)) return false;
  if (theirs?.typesHash === ours.typesHash) return false;
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(source, target, { recursive: true });
  return true;
}

/** Installs the types for every model file opened in a trusted workspace folder. */
export function watchModelFiles(context: vscode.ExtensionContext): vscode.Disposable {
  const done = new Set<string>();
  const check = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme !== 'file' || !vscode.workspace.isTrusted) return;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath;
    if (!folder || done.has(folder) || !setting('intellisense.writeTypes', doc.uri)) return;
    if (!isModelSource(doc.getText())) return;
    done.add(folder);
    try {
      installTypes(context.extensionPath, folder);
    } catch (e) {
      // IntelliSense is a convenience: a read-only folder must not break training.
      console.warn(`gradlens: could not write type declarations to ${folder}: ${String(e)}`);
    }
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.workspace.onDidOpenTextDocument(check);
}
