import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReadPackageEntryRequest } from '../../../server/src/protocol';
import type { Connections } from './connections';

/** An entity as an environment holds it: `isola-env:/<environment>/<id>.card.json`. */
export const ENV_SCHEME = 'isola-env';
/** A card of a package, shown the same way: `isola-card:/<entry>?<package file>`. */
export const CARD_SCHEME = 'isola-card';

export function envEntityUri(env: string, id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ENV_SCHEME, path: `/${env}/${id}.card.json` });
}

export function packageCardUri(file: string, entry: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CARD_SCHEME, path: `/${entry}`, query: file });
}

/**
 * Both sides of a conflict diff print a card the same way, keys sorted: the environment's
 * database does not keep key order, and a diff should show what changed, not how it was stored.
 * The hash is left out: it always differs, and the first difference is what the editor shows.
 */
export function printCard(card: { id: string; type: string; namespace: string; code: string; deleted: boolean; body: unknown }): string {
  const { id, type, namespace, code, deleted, body } = card;
  return `${JSON.stringify({ id, type, namespace, code, deleted, body: sortKeys(body) }, null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
}

export function registerEnvDocuments(connections: Connections, client: LanguageClient): vscode.Disposable {
  const env: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const [, name, file] = uri.path.split('/');
      const id = file.replace(/\.card\.json$/, '');
      try {
        const e = await (await connections.client(name)).entity(id);
        return printCard(e);
      } catch (err) {
        return `// ${id} in ${name}: ${(err as Error).message}\n`;
      }
    },
  };
  const card: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const r = await client.sendRequest(ReadPackageEntryRequest, { file: uri.query, path: uri.path.slice(1) });
      if (r.text === undefined) return `// ${r.error}\n`;
      return printCard(JSON.parse(r.text));
    },
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(ENV_SCHEME, env),
    vscode.workspace.registerTextDocumentContentProvider(CARD_SCHEME, card),
  );
}
