import { ResponseError, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { symbolAt } from '../../core/language/locations';
import { codePartRange, entityOf, renameEdits, renameProblem } from '../../core/language/navigation';
import { absOf } from '../convert';
import { editUri, HandlerContext, modelOf } from '../context';
import { runSafe } from '../runner';

/** Rename an entity's code in its declaration and every reference, across all manifests. */
export function registerRename(ctx: HandlerContext): void {
  ctx.connection.onPrepareRename((params, token) =>
    runSafe(ctx.log, token, null, 'prepareRename', async () => {
      const model = await modelOf(ctx, params.textDocument.uri);
      const s = model && symbolAt(model.manifest, params.position);
      if (!model || !s) return null;
      const e = entityOf(model.project, s);
      const problem = renameProblem(e, 'x');
      if (problem) return new ResponseError(0, problem) as never;
      // For `namespace.code`, only the code part is renamed.
      const range = s.kind === 'reference' ? codePartRange(s.ref, s.range) : s.range;
      return { range, placeholder: e!.code };
    }),
  );
  ctx.connection.onRenameRequest((params, token) =>
    runSafe(ctx.log, token, null, 'rename', async () => {
      const model = await modelOf(ctx, params.textDocument.uri);
      const s = model && symbolAt(model.manifest, params.position);
      if (!model || !s) return null;
      const e = entityOf(model.project, s);
      const problem = renameProblem(e, params.newName, model.project);
      if (problem) return new ResponseError(0, problem) as never;
      const changes: WorkspaceEdit['changes'] = {};
      for (const [file, edits] of renameEdits(model.project, e!, params.newName)) {
        changes[editUri(ctx, absOf(model.project.root, file))] = edits.map((x) => TextEdit.replace(x.range, x.newText));
      }
      return { changes };
    }),
  );
}
