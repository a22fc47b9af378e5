import * as vscode from 'vscode';
import type { PackageContentsModel } from './packageContentsModel';

/**
 * The package a command works on: the one given, else the one Package Contents shows (offered
 * first), else one chosen in an open dialog. `title` names the command in the pickers.
 */
export async function pickPackageFile(packages: PackageContentsModel, title: string, given?: string | vscode.Uri): Promise<vscode.Uri | undefined> {
  if (given) return typeof given === 'string' ? vscode.Uri.file(given) : given;
  if (packages.file) {
    const use = await vscode.window.showQuickPick([
      { label: vscode.workspace.asRelativePath(packages.file), description: vscode.l10n.t('shown in Package Contents'), uri: packages.file },
      { label: vscode.l10n.t('Choose a file…'), uri: undefined },
    ], { title });
    if (!use) return undefined;
    if (use.uri) return use.uri;
  }
  const picked = await vscode.window.showOpenDialog({ title, filters: { [vscode.l10n.t('Isola package')]: ['isolapkg'] }, canSelectMany: false });
  return picked?.[0];
}
