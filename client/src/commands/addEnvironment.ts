import * as vscode from 'vscode';
import type { Connections } from '../environments/connections';
import type { EnvironmentList } from '../environments/environmentList';

/** Arguments that skip the prompts (for tests and setup scripts). */
export interface AddEnvironmentArgs {
  name?: string;
  url?: string;
  token?: string;
  production?: boolean;
}

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * "Isola: Add Environment": name, URL, token and whether it is production. The name and URL go
 * into the workspace's isola.config.json (shared with the CLI and the team); the token goes to
 * VS Code's secret storage.
 */
export function registerAddEnvironment(list: EnvironmentList, connections: Connections): vscode.Disposable {
  return vscode.commands.registerCommand('isola.addEnvironment', async (args: AddEnvironmentArgs = {}) => {
    const taken = new Set(list.all().map((e) => e.name));
    const name = args.name ?? (await vscode.window.showInputBox({
      title: vscode.l10n.t('Add Environment (1/4)'), prompt: vscode.l10n.t('Name (as in `isola import --env NAME`)'), placeHolder: 'staging',
      validateInput: (v) => (!NAME.test(v) ? vscode.l10n.t('lower-case letters, digits, - and _, starting with a letter') : taken.has(v) ? vscode.l10n.t('"{0}" already exists', v) : undefined),
    }));
    if (!name) return undefined;
    const url = args.url ?? (await vscode.window.showInputBox({
      title: vscode.l10n.t('Add Environment (2/4)'), prompt: vscode.l10n.t('URL of the environment service (isola env serve)'), value: 'http://127.0.0.1:7700',
      validateInput: (v) => (/^https?:\/\/[^\s]+$/.test(v) ? undefined : vscode.l10n.t('an http:// or https:// URL')),
    }));
    if (!url) return undefined;
    const token = args.token ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('Add Environment (3/4)'), prompt: vscode.l10n.t('Token (kept in VS Code\'s secret storage, never in a file)'), password: true, ignoreFocusOut: true }));
    if (token === undefined) return undefined;
    let production = args.production;
    if (production === undefined) {
      const pick = await vscode.window.showQuickPick([
        { label: vscode.l10n.t('Not production'), description: vscode.l10n.t('test, staging, a colleague\'s environment'), production: false },
        { label: `$(warning) ${vscode.l10n.t('Production')}`, description: vscode.l10n.t('shown in red; imports ask you to type its name'), production: true },
      ], { title: vscode.l10n.t('Add Environment (4/4)') });
      if (!pick) return undefined;
      production = pick.production;
    }
    await list.add({ name, url: url.replace(/\/+$/, ''), production });
    if (token) await connections.setToken(name, token, url.replace(/\/+$/, ''));
    void vscode.window.showInformationMessage(vscode.l10n.t('Isola: environment "{0}" added to isola.config.json.', name));
    return name;
  });
}
