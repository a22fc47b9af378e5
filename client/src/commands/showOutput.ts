import * as vscode from 'vscode';

/** "Isola: Show Output": the language server's log. */
export function registerShowOutput(output: vscode.OutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.showOutput', () => output.show(true));
}
