import { fileURLToPath } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { FileHost, nodeFileHost } from '../core/manifest/host';
import type { LinkAliases } from './linkAliases';

/**
 * Serves open documents from the editor's memory and everything else from disk. A manifest
 * open only through a symbolic link (see `LinkAliases`) is served the link document's text.
 */
export function overlayHost(documents: TextDocuments<TextDocument>, aliases?: LinkAliases): FileHost {
  const openText = (absPath: string): string | undefined => {
    let viaLink: string | undefined;
    for (const d of documents.all()) {
      if (!d.uri.startsWith('file:')) continue;
      const p = fileURLToPath(d.uri);
      if (p === absPath) return d.getText();
      if (viaLink === undefined && aliases?.targetOf(p) === absPath) viaLink = d.getText();
    }
    return viaLink;
  };
  return {
    readFile: async (p) => openText(p) ?? nodeFileHost.readFile(p),
    exists: async (p) => openText(p) !== undefined || nodeFileHost.exists(p),
    findManifests: (root) => nodeFileHost.findManifests(root),
    // Data files are not edited as documents here; the file on disk is what a build would read.
    scanData: (p) => nodeFileHost.scanData!(p),
    unreadable: async (p) => (openText(p) !== undefined ? undefined : nodeFileHost.unreadable!(p)),
    // A problem of the file on disk does not concern the text the editor holds.
    readProblem: (p) => {
      const problem = nodeFileHost.readProblem?.(p);
      return problem && openText(p) === undefined ? problem : undefined;
    },
  };
}
