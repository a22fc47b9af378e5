import * as vscode from 'vscode';
import type { EnvironmentsView } from '../views/environmentsView';

/** "Refresh" on the Environments view's title. */
export function registerRefreshEnvironments(view: EnvironmentsView): vscode.Disposable {
  return vscode.commands.registerCommand('isola.refreshEnvironments', () => view.refresh());
}
