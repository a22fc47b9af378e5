import * as vscode from 'vscode';
import type { EnvironmentList } from './environmentList';

/** Asks which environment, unless the caller named one. Production environments are marked. */
export async function pickEnvironment(list: EnvironmentList, named: string | undefined, title: string): Promise<string | undefined> {
  if (named) return named;
  const items = list.all().map((e) => ({
    label: `${e.production ? '$(warning) ' : ''}${e.name}`,
    description: e.url ?? vscode.l10n.t('embedded, in this workspace'),
    detail: e.production ? vscode.l10n.t('production: you will be asked to type its name before an import') : undefined,
    name: e.name,
  }));
  return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Environment') }))?.name;
}
