import { Hover, MarkupKind } from 'vscode-languageserver';
import { hoverMarkdown } from '../../core/language/hover';
import { symbolAt } from '../../core/language/locations';
import { HandlerContext, modelOf } from '../context';
import { asJsonDocument, jsonService } from '../jsonService';
import { runSafe } from '../runner';

/** References and declarations explain themselves; other properties show their schema description. */
export function registerHover(ctx: HandlerContext): void {
  ctx.connection.onHover((params, token) =>
    runSafe(ctx.log, token, null, 'hover', async () => {
      const model = await modelOf(ctx, params.textDocument.uri);
      const s = model && symbolAt(model.manifest, params.position);
      // In the view the manifest's diagnostics come from, so the hover and the finding agree.
      if (model && s) return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(ctx.workspace.checkedView(model.project, model.manifest), s, ctx.translator) }, range: s.range };
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const jdoc = asJsonDocument(doc);
      if (!jdoc) return null;
      const service = jsonService();
      const hover = await service.doHover(jdoc, params.position, service.parseJSONDocument(jdoc));
      // The service answers a node no schema describes (a word of a broken string, an unknown
      // property) with an empty text over it: no hover at all.
      return hover && hasText(hover) ? hover : null;
    }),
  );
}

function hasText(h: Hover): boolean {
  const parts = Array.isArray(h.contents) ? h.contents : [h.contents];
  return parts.some((p) => (typeof p === 'string' ? p : p.value).trim() !== '');
}
