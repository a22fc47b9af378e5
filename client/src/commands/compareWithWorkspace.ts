import * as vscode from 'vscode';
import type { CardSummary } from '../../../server/src/protocol';
import { entryUri, workspaceCardUri } from '../packages/packageDocuments';
import type { PackageContentsModel } from '../packages/packageContentsModel';

/** "Compare with Workspace": the card in the package against the card the workspace would build now. */
export function registerCompareWithWorkspace(model: PackageContentsModel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.compareWithWorkspace', async (node?: { card?: CardSummary }) => {
    const card = node?.card;
    if (!model.file || !card) return;
    await vscode.commands.executeCommand('vscode.diff', entryUri(model.file, card.path), workspaceCardUri(card.id), vscode.l10n.t('{0}: package ↔ workspace', card.id));
  });
}
