// How the extension starts a PyTorch script (a `.py` model file, issue 22): the Python bridge (dist/engine-python.js)
// in place of the TypeScript engine child, with the interpreter the user chose. Everything after the launch (the
// protocol, the panel, the debugger) is the same for both engines.
import * as vscode from 'vscode';
import { DEFAULT_PYTHON, PYTHON_LAUNCH_ENV, type PythonLaunch } from '../engine/python/launch-config';
import { setting } from './config';

/**
 * The interpreter for a script: gradlens.python, else the Python extension's python.defaultInterpreterPath when the
 * user set it (its built-in default "python" is whatever comes first on PATH, often not the one with torch), else
 * Debian's /usr/bin/python3.
 */
export function pythonFor(file: vscode.Uri): string {
  const own = setting('python', file).trim();
  if (own) return own;
  const chosen = vscode.workspace.getConfiguration('python', file).inspect<string>('defaultInterpreterPath');
  const explicit = chosen?.workspaceFolderValue ?? chosen?.workspaceValue ?? chosen?.globalValue;
  return typeof explicit === 'string' && explicit.trim() ? explicit.trim() : DEFAULT_PYTHON;
}

/** The bridge's environment: the extension host's, plus the launch (interpreter) for the script. */
export function pythonLaunchEnv(file: vscode.Uri): NodeJS.ProcessEnv {
  const launch: PythonLaunch = { python: pythonFor(file) };
  return { ...process.env, [PYTHON_LAUNCH_ENV]: JSON.stringify(launch) };
}
