import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CurrentCardRequest, ReadPackageEntryRequest } from '../../../server/src/protocol';
import type { PackageContentsModel } from './packageContentsModel';

/** Read-only documents of package entries: `isola-package:/<entry>?<package file>`. */
export const PACKAGE_SCHEME = 'isola-package';
/** Read-only documents of the card an entity would have if built now: `isola-workspace:/<id>.card.json`. */
export const WORKSPACE_CARD_SCHEME = 'isola-workspace';

export function entryUri(packageFile: vscode.Uri, entry: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PACKAGE_SCHEME, path: `/${entry}`, query: packageFile.fsPath });
}

export function workspaceCardUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: WORKSPACE_CARD_SCHEME, path: `/${id}.card.json` });
}

/**
 * Serves both schemes from the server (which keeps the zip open and verified). Open entries of the
 * package in the Package Contents view follow it when it is read again (rebuilt under the same name).
 */
export function registerPackageDocuments(client: LanguageClient, model: PackageContentsModel): vscode.Disposable {
  const entryChanged = new vscode.EventEmitter<vscode.Uri>();
  const entriesFollow = model.onDidChange(() => {
    const file = model.file?.fsPath;
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === PACKAGE_SCHEME && d.uri.query === file) entryChanged.fire(d.uri);
  });
  const entries: vscode.TextDocumentContentProvider = {
    onDidChange: entryChanged.event,
    async provideTextDocumentContent(uri) {
      const r = await client.sendRequest(ReadPackageEntryRequest, { file: uri.query, path: uri.path.slice(1) });
      return r.text ?? `// ${r.error}`;
    },
  };
  // Open comparisons follow the workspace: any manifest edit may change the card it would build.
  const changed = new vscode.EventEmitter<vscode.Uri>();
  let timer: NodeJS.Timeout | undefined;
  const refresh = (doc: vscode.TextDocument) => {
    // Only files on disk that shape cards: manifests and scripts (never these virtual documents themselves).
    if (doc.uri.scheme !== 'file' || (doc.languageId !== 'isola-manifest' && !/\.(ts|js)$/.test(doc.uri.path))) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === WORKSPACE_CARD_SCHEME) changed.fire(d.uri);
    }, 300);
  };
  const cards: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri) {
      const id = uri.path.slice(1).replace(/\.card\.json$/, '');
      const r = await client.sendRequest(CurrentCardRequest, { id });
      return r.text ?? `// ${id} is not declared in this workspace any more\n`;
    },
  };
  return vscode.Disposable.from(
    changed,
    entryChanged,
    entriesFollow,
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidSaveTextDocument(refresh),
    { dispose: () => timer && clearTimeout(timer) },
    vscode.workspace.registerTextDocumentContentProvider(PACKAGE_SCHEME, entries),
    vscode.workspace.registerTextDocumentContentProvider(WORKSPACE_CARD_SCHEME, cards),
  );
}
