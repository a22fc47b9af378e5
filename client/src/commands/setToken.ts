import * as vscode from 'vscode';
import type { Connections } from '../environments/connections';
import type { EnvironmentList } from '../environments/environmentList';
import { originOf } from '../environments/tokenBinding';

/** "Isola: Set Token": replaces an environment's token in VS Code's secret storage. */
export function registerSetToken(list: EnvironmentList, connections: Connections, refresh: () => void): vscode.Disposable {
  return vscode.commands.registerCommand('isola.setToken', async (args?: { env?: string; token?: string }) => {
    const name = args?.env ?? (await vscode.window.showQuickPick(list.all().filter((e) => e.url).map((e) => e.name), { title: vscode.l10n.t('Set Token') }));
    if (!name) return false;
    const url = list.get(name)?.url;
    // The token is kept for this URL's origin only: say which, since the workspace's config chose it.
    const token = args?.token ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('Token for {0}', name), password: true, ignoreFocusOut: true, prompt: vscode.l10n.t('Kept in VS Code\'s secret storage and sent only to {0}', (url && originOf(url)) ?? '?') }));
    if (!token) return false;
    await connections.setToken(name, token);
    refresh();
    return true;
  });
}
