import * as vscode from 'vscode';
import type { Connections } from '../environments/connections';
import type { EnvironmentList } from '../environments/environmentList';

/** "Isola: Remove Environment": takes it out of isola.config.json and forgets its token. */
export function registerRemoveEnvironment(list: EnvironmentList, connections: Connections): vscode.Disposable {
  return vscode.commands.registerCommand('isola.removeEnvironment', async (args?: { env?: string; confirmed?: boolean }) => {
    const name = args?.env ?? (await vscode.window.showQuickPick(list.all().filter((e) => e.url).map((e) => e.name), { title: vscode.l10n.t('Remove Environment') }));
    if (!name) return false;
    if (name === 'local') {
      void vscode.window.showWarningMessage(vscode.l10n.t('Isola: "local" is always there; it cannot be removed.'));
      return false;
    }
    if (!args?.confirmed) {
      const remove = vscode.l10n.t('Remove');
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Remove environment "{0}" from isola.config.json and forget its token? Nothing in the environment itself changes.', name), { modal: true }, remove);
      if (ok !== remove) return false;
    }
    // The token is found by the URL the config still has.
    await connections.deleteToken(name);
    await list.remove(name);
    return true;
  });
}
