import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RecheckRequest } from '../../../server/src/protocol';

/** "Isola: Check Workspace": reload every manifest from disk, re-check, and say what was found. */
export function registerCheckWorkspace(client: LanguageClient): vscode.Disposable {
  return vscode.commands.registerCommand('isola.checkWorkspace', async () => {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Isola: checking manifests') },
      () => client.sendRequest(RecheckRequest, {}),
    );
    const text = vscode.l10n.t('Isola: {0} error(s), {1} warning(s), {2} info(s) in {3} manifest(s).', result.errors, result.warnings, result.infos, result.files);
    // The message stays until dismissed; the command's result (for callers and tests) must not wait for it.
    if (result.errors > 0) {
      void vscode.window.showWarningMessage(text, vscode.l10n.t('Show Problems')).then((open) => {
        if (open) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    } else {
      void vscode.window.showInformationMessage(text);
    }
    return result;
  });
}
