// Model files are code the engine runs: in an untrusted workspace, training and debugging are refused with a
// message saying why and how to proceed (the extension declares limited support for untrusted workspaces).
import * as vscode from 'vscode';

export function requireTrust(action: 'train' | 'debug'): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showErrorMessage(
      `Gradlens will not ${action} in an untrusted workspace: a model file is a program and training runs it. ` +
        'Trust this workspace first if you trust its code.',
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
