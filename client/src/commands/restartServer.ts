import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** "Isola: Restart Language Server". */
export function registerRestartServer(client: LanguageClient): vscode.Disposable {
  return vscode.commands.registerCommand('isola.restartServer', async () => {
    await client.restart();
    void vscode.window.setStatusBarMessage('Isola: language server restarted', 3000);
  });
}
