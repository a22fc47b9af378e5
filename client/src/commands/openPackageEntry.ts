import * as vscode from 'vscode';
import { entryUri } from '../packages/packageDocuments';
import type { PackageContentsModel } from '../packages/packageContentsModel';

/** Opens one entry (a card, the descriptor) of the package in the view, read-only. */
export function registerOpenPackageEntry(model: PackageContentsModel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.openPackageEntry', async (entry: string) => {
    if (!model.file) return;
    const doc = await vscode.workspace.openTextDocument(entryUri(model.file, entry));
    await vscode.window.showTextDocument(doc, { preview: true });
  });
}
