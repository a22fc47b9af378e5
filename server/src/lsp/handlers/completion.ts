import { CompletionItem, CompletionItemTag, CompletionList, MarkupKind } from 'vscode-languageserver';
import { nestsDeeperThan } from '../../core/json/depth';
import { referenceCompletions, referenceSlot } from '../../core/language/completion';
import { COMPLETION_KIND } from '../kinds';
import { HandlerContext, modelOf } from '../context';
import { asJsonDocument, jsonService } from '../jsonService';
import { runSafe } from '../runner';

const ORDER = { inside: '0', builtin: '1', breaks: '2' } as const;
const NOTE = { inside: 'completion.inside', builtin: 'completion.builtinNote', breaks: 'completion.breaks' } as const;

/** Reference values complete from the project and the catalog; everything else from the schemas. */
export function registerCompletion(ctx: HandlerContext): void {
  ctx.connection.onCompletion((params, token) =>
    runSafe(ctx.log, token, null, 'completion', async () => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const text = doc.getText();
      // Text nested too deep is reported (MAN002) and not parsed: every parser here recurses per level.
      if (nestsDeeperThan(text)) return null;
      const slot = referenceSlot(text, doc.offsetAt(params.position));
      const model = slot && (await modelOf(ctx, params.textDocument.uri));
      if (slot && model) {
        const found = referenceCompletions(model.project, model.manifest, slot.kind, { typed: slot.typed }, ctx.translator);
        const items: CompletionItem[] = found.items.map((c) => ({
          label: c.label,
          kind: COMPLETION_KIND[c.kind],
          detail: c.title ? `${c.title} · ${c.detail}` : c.detail,
          documentation: { kind: MarkupKind.Markdown, value: ctx.translator.t(NOTE[c.isolation]) },
          sortText: `${ORDER[c.isolation]}${c.label}`,
          filterText: c.label,
          tags: c.deleted ? [CompletionItemTag.Deprecated] : undefined,
          textEdit: { range: slot.range, newText: slot.quote ? JSON.stringify(c.label) : c.label },
        }));
        // Cut short: the editor asks again as the user types, and what is typed narrows the list.
        return CompletionList.create(items, found.incomplete);
      }
      const jdoc = asJsonDocument(doc);
      if (!jdoc) return null;
      const service = jsonService();
      return service.doComplete(jdoc, params.position, service.parseJSONDocument(jdoc));
    }),
  );
}
