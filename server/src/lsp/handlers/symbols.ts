import { DocumentSymbol, SymbolInformation, SymbolTag } from 'vscode-languageserver';
import { documentSymbols, EntitySymbol, workspaceSymbols } from '../../core/language/symbols';
import { ENTITY_NOUN } from '../../core/manifest/kinds';
import { absOf, toUri } from '../convert';
import { SYMBOL_KIND } from '../kinds';
import { HandlerContext, modelOf } from '../context';
import { runSafe } from '../runner';

function toDocumentSymbol(s: EntitySymbol): DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail ? `${ENTITY_NOUN[s.kind]} · ${s.detail}` : ENTITY_NOUN[s.kind],
    kind: SYMBOL_KIND[s.kind],
    tags: s.deleted ? [SymbolTag.Deprecated] : undefined,
    range: s.range,
    selectionRange: s.selectionRange,
    children: s.children.map(toDocumentSymbol),
  };
}

/** The outline of a manifest, and entity search across the workspace. */
export function registerSymbols(ctx: HandlerContext): void {
  ctx.connection.onDocumentSymbol((params, token) =>
    runSafe(ctx.log, token, [], 'documentSymbol', async () => {
      const model = await modelOf(ctx, params.textDocument.uri);
      return model ? documentSymbols(model.manifest).map(toDocumentSymbol) : [];
    }),
  );
  ctx.connection.onWorkspaceSymbol((params, token) =>
    runSafe(ctx.log, token, [], 'workspaceSymbol', async () => {
      await ctx.started;
      await ctx.workspace.sync();
      const out: SymbolInformation[] = [];
      for (const project of ctx.workspace.projects()) {
        for (const hit of workspaceSymbols(project, params.query)) {
          out.push({
            name: hit.entity.code,
            kind: SYMBOL_KIND[hit.entity.kind],
            containerName: hit.entity.parent ? hit.entity.parent.id : hit.entity.namespace,
            location: { uri: toUri(absOf(project.root, hit.file)), range: hit.range },
            tags: hit.entity.deleted ? [SymbolTag.Deprecated] : undefined,
          });
        }
      }
      return out;
    }),
  );
}
