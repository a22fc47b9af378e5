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
      title: 'Add Environment (1/4)', prompt: 'Name (as in `isola import --env NAME`)', placeHolder: 'staging',
      validateInput: (v) => (!NAME.test(v) ? 'lower-case letters, digits, - and _, starting with a letter' : taken.has(v) ? `"${v}" already exists` : undefined),
    }));
    if (!name) return undefined;
    const url = args.url ?? (await vscode.window.showInputBox({
      title: 'Add Environment (2/4)', prompt: 'URL of the environment service (isola env serve)', value: 'http://127.0.0.1:7700',
      validateInput: (v) => (/^https?:\/\/[^\s]+$/.test(v) ? undefined : 'an http:// or https:// URL'),
    }));
    if (!url) return undefined;
    const token = args.token ?? (await vscode.window.showInputBox({ title: 'Add Environment (3/4)', prompt: 'Token (kept in VS Code\'s secret storage, never in a file)', password: true, ignoreFocusOut: true }));
    if (token === undefined) return undefined;
    let production = args.production;
    if (production === undefined) {
      const pick = await vscode.window.showQuickPick([
        { label: 'Not production', description: 'test, staging, a colleague\'s environment', production: false },
        { label: '$(warning) Production', description: 'shown in red; imports ask you to type its name', production: true },
      ], { title: 'Add Environment (4/4)' });
      if (!pick) return undefined;
      production = pick.production;
    }
    await list.add({ name, url: url.replace(/\/+$/, ''), production });
    if (token) await connections.setToken(name, token);
    void vscode.window.showInformationMessage(`Isola: environment "${name}" added to isola.config.json.`);
    return name;
  });
}
