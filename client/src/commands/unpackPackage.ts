import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PackageContentsModel } from '../packages/packageContentsModel';
import { pickPackageFile } from '../packages/pickPackageFile';
import { UnpackOutcome, unpackWithEdit } from '../packages/unpackEdit';

/** Arguments that skip the prompts (the Explorer passes a Uri; tasks and tests pass these). */
export interface UnpackPackageArgs {
  file?: string | vscode.Uri;
  /** The folder to unpack into (default: the workspace folder). */
  dir?: string;
  /** false: apply without the refactor preview. Users always get the preview. */
  confirm?: boolean;
  force?: boolean;
}

/**
 * "Isola: Unpack Package into Workspace": the package's entities become manifests in the
 * workspace folder, edited in place where they are, shown in the refactor preview first
 * (unpackEdit.ts). From the palette, the Explorer's context menu on a `.isolapkg`, and the
 * Package Contents view (its title and its descriptor row), which unpack the package it shows.
 */
export function registerUnpackPackage(client: LanguageClient, packages: PackageContentsModel, output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.unpackPackage', async (args?: UnpackPackageArgs | vscode.Uri | { kind: string }): Promise<UnpackOutcome | undefined> => {
    const a: UnpackPackageArgs = args instanceof vscode.Uri ? { file: args } : args && 'kind' in args ? { file: packages.file } : (args as UnpackPackageArgs | undefined) ?? {};
    const file = await pickPackageFile(packages, vscode.l10n.t('Unpack Package into Workspace'), a.file);
    if (!file) return undefined;
    const dir = a.dir ? vscode.Uri.file(a.dir) : await pickFolder(file);
    if (!dir) return undefined;
    return unpackWithEdit(client, { file: file.fsPath, dir, what: vscode.workspace.getWorkspaceFolder(file) ? vscode.workspace.asRelativePath(file) : path.basename(file.fsPath), confirm: a.confirm !== false, force: a.force }, output);
  });
}

/** The workspace folder to unpack into: the only one, or the one the user picks. */
export async function pickFolder(near?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Isola: open a folder first: a package is unpacked into a workspace folder.'));
    return undefined;
  }
  if (folders.length === 1) return folders[0].uri;
  const home = near && vscode.workspace.getWorkspaceFolder(near);
  const items = folders.map((f) => ({ label: f.name, description: f === home ? vscode.l10n.t('holds the package') : undefined, uri: f.uri }));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Unpack into which workspace folder?') }))?.uri;
}
