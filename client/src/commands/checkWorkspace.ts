import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RecheckRequest } from '../../../server/src/protocol';

/** "Isola: Check Workspace": reload every manifest from disk, re-check, and say what was found. */
export function registerCheckWorkspace(client: LanguageClient): vscode.Disposable {
  return vscode.commands.registerCommand('isola.checkWorkspace', async () => {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Isola: checking manifests' },
      () => client.sendRequest(RecheckRequest, {}),
    );
    const text = `Isola: ${result.errors} error(s), ${result.warnings} warning(s), ${result.infos} info(s) in ${result.files} manifest(s).`;
    // The message stays until dismissed; the command's result (for callers and tests) must not wait for it.
    if (result.errors > 0) {
      void vscode.window.showWarningMessage(text, 'Show Problems').then((open) => {
        if (open) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    } else {
      void vscode.window.showInformationMessage(text);
    }
    return result;
  });
}
