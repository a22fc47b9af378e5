import * as vscode from 'vscode';
import type { PackageContentsModel } from '../packages/packageContentsModel';

/** "Isola: Inspect Package": open a `.isolapkg` in the Package Contents view (from the palette, the Explorer or a result). */
export function registerInspectPackage(model: PackageContentsModel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.inspectPackage', async (file?: vscode.Uri) => {
    const uri = file ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Isola packages')]: ['isolapkg'] }, title: vscode.l10n.t('Inspect Package') }))?.[0];
    if (!uri) return undefined;
    try {
      const contents = await vscode.window.withProgress(
        { location: { viewId: 'isola.packageContents' }, title: vscode.l10n.t('Reading package') },
        () => model.load(uri),
      );
      await vscode.commands.executeCommand('isola.packageContents.focus');
      return contents;
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Isola: {0} was refused: {1}', vscode.workspace.asRelativePath(uri), (e as Error).message));
      return undefined;
    }
  });
}
