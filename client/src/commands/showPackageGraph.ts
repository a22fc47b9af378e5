import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PackagesRequest } from '../../../server/src/protocol';
import type { GraphPanel, GraphTarget } from '../graph/graphPanel';
import { LANGUAGE_ID } from '../languageClient';
import type { PackageContentsModel } from '../packages/packageContentsModel';

/**
 * "Isola: Show Package Graph": draws a package's references in a panel. Which package: the
 * argument (a manifest's URI from the editor's menus, `{ uri, package?, kind? }`, or the
 * descriptor row of Package Contents, which names a package of the workspace), else the active
 * manifest's, else one picked from the workspace's packages. Answers the target drawn.
 */
export function registerShowPackageGraph(client: LanguageClient, panel: GraphPanel, packages: PackageContentsModel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.showPackageGraph', async (arg?: unknown): Promise<GraphTarget | undefined> => {
    const target = await targetOf(client, packages, arg);
    if (target) panel.show(target);
    return target;
  });
}

async function targetOf(client: LanguageClient, packages: PackageContentsModel, arg: unknown): Promise<GraphTarget | undefined> {
  if (arg instanceof vscode.Uri) return { uri: arg.toString() };
  if (isTarget(arg)) return { uri: arg.uri, package: arg.package, kind: arg.kind };
  const all = await client.sendRequest(PackagesRequest, {});
  if (typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'descriptor') {
    // The package file's descriptor names the package; the graph is that of the workspace's sources.
    const d = packages.contents?.descriptor;
    const found = d && all.find((p) => p.kind === d.kind && p.code === d.code);
    if (!found) {
      void vscode.window.showWarningMessage(d
        ? vscode.l10n.t('Isola: {0} is not a package of the open workspace: its graph is drawn from the sources.', `${d.kind} ${d.code}`)
        : vscode.l10n.t('Isola: the package is not a package of the open workspace: its graph is drawn from the sources.'));
      return undefined;
    }
    return { uri: found.uri, package: found.code, kind: found.kind };
  }
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.languageId === LANGUAGE_ID && doc.uri.scheme === 'file') return { uri: doc.uri.toString() };
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Isola: the workspace has no package to draw.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((p) => ({ label: `${p.kind} ${p.code}`, description: p.title, p })),
    { title: vscode.l10n.t('Show Package Graph: which package?') },
  );
  return picked && { uri: picked.p.uri, package: picked.p.code, kind: picked.p.kind };
}

function isTarget(x: unknown): x is GraphTarget {
  return typeof x === 'object' && x !== null && typeof (x as GraphTarget).uri === 'string';
}
