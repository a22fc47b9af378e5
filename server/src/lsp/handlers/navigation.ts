import { Location } from 'vscode-languageserver';
import { symbolAt } from '../../core/language/locations';
import { declarationOf, entityOf, referenceRanges, referencesTo } from '../../core/language/navigation';
import { absOf, toUri } from '../convert';
import { HandlerContext, modelOf } from '../context';
import { runSafe } from '../runner';

/** Go to definition and find references over entity codes. */
export function registerNavigation(ctx: HandlerContext): void {
  ctx.connection.onDefinition((params, token) =>
    runSafe(ctx.log, token, null, 'definition', async () => {
      const model = await modelOf(ctx, params.textDocument.uri);
      const s = model && symbolAt(model.manifest, params.position);
      const e = s && entityOf(model.project, s);
      const at = e && declarationOf(e);
      return at ? Location.create(toUri(absOf(model.project.root, at.file)), at.range) : null;
    }),
  );
  ctx.connection.onReferences((params, token) =>
    runSafe(ctx.log, token, [], 'references', async () => {
      const model = await modelOf(ctx, params.textDocument.uri);
      const s = model && symbolAt(model.manifest, params.position);
      const e = s && entityOf(model.project, s);
      if (!e) return [];
      const places = referenceRanges(referencesTo(model.project, e));
      if (params.context.includeDeclaration) {
        const decl = declarationOf(e);
        if (decl) places.unshift(decl);
      }
      return places.map((p) => Location.create(toUri(absOf(model.project.root, p.file)), p.range));
    }),
  );
}
