// `.gradlens/` is the one folder Gradlens writes into a user's workspace (run records under runs/). It carries its
// own .gitignore, so a `git add .` never commits runs by accident; an existing one (the user's own choice) is kept.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const GRADLENS_FOLDER = '.gradlens';

const GITIGNORE = '# Written by Gradlens: run records are local to this machine.\n*\n';

/** Creates `<workspace>/.gradlens` with its .gitignore when missing; returns the folder. */
export function prepareGradlensFolder(workspace: string): string {
  const folder = path.join(workspace, GRADLENS_FOLDER);
  mkdirSync(folder, { recursive: true });
  const ignore = path.join(folder, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, GITIGNORE);
  return folder;
}
