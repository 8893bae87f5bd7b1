// Names for a new model file (New Model File): the suggestion and the check of what the user typed. Pure, so the
// rules are tested without VS Code.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** First free name model.ts, model-2.ts, ... in `folder`. */
export function freeModelFileName(folder: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? 'model.ts' : `model-${i}.ts`;
    if (!fs.existsSync(path.join(folder, name))) return path.join(folder, name);
  }
}

/** Why `name` cannot be a new model file in `folder` (undefined when it can): the input box shows it. */
export function modelFileNameProblem(folder: string, name: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Give the file a name, e.g. model.ts';
  if (!/\.(ts|js)$/.test(n)) return 'A model file ends in .ts or .js';
  const file = path.resolve(folder, n);
  if (path.relative(folder, file).startsWith('..') || path.isAbsolute(n)) return 'The file must be inside the workspace folder';
  if (fs.existsSync(file)) return `${n} already exists`;
  return undefined;
}
