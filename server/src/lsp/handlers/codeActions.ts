import { promises as fs } from 'node:fs';
import { CodeAction, CodeActionKind, CreateFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { fixesFor } from '../../core/fixes';
import type { Fix } from '../../core/fixes/fix';
import type { Project } from '../../core/manifest/project';
import { absOf, fromLspDiagnostic, toPath } from '../convert';
import { editUri, HandlerContext, modelOf } from '../context';
import { runSafe } from '../runner';

/** Quick fixes for Isola's diagnostics, computed by the core. */
export function registerCodeActions(ctx: HandlerContext): void {
  ctx.connection.onCodeAction((params, token) =>
    runSafe(ctx.log, token, [], 'codeAction', async () => {
      // Findings also stand in script files (ISO001): their project is the root that owns the file.
      const abs = toPath(params.textDocument.uri);
      const project = (await modelOf(ctx, params.textDocument.uri))?.project ?? (abs ? ctx.workspace.stateFor(abs)?.project : undefined);
      if (!project) return [];
      const actions: CodeAction[] = [];
      for (const lsp of params.context.diagnostics) {
        if (lsp.source !== 'isola') continue;
        const d = fromLspDiagnostic(lsp);
        if (!d) continue;
        for (const fix of fixesFor(project, d, ctx.translator)) {
          if (await createsExisting(project, fix)) continue;
          actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [lsp], isPreferred: fix.isPreferred, edit: toWorkspaceEdit(project, fix, ctx) });
        }
      }
      return actions;
    }),
  );
}

function toWorkspaceEdit(project: Project, fix: Fix, ctx: HandlerContext): WorkspaceEdit {
  const uriOf = (file: string) => editUri(ctx, absOf(project.root, file));
  if (!fix.creates?.length) {
    const changes: WorkspaceEdit['changes'] = {};
    for (const [file, edits] of fix.edits) changes[uriOf(file)] = edits.map((e) => TextEdit.replace(e.range, e.newText));
    return { changes };
  }
  // Creating files needs versioned document changes.
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const c of fix.creates) {
    // Neither overwrite nor ignore: should the file appear before the edit is applied, the editor
    // refuses the edit instead of inserting the new text in front of the file's own.
    documentChanges.push(CreateFile.create(uriOf(c.file), { overwrite: false, ignoreIfExists: false }));
    documentChanges.push(TextDocumentEdit.create({ uri: uriOf(c.file), version: null }, [TextEdit.insert({ line: 0, character: 0 }, c.text)]));
  }
  for (const [file, edits] of fix.edits) {
    const version = ctx.documents.get(uriOf(file))?.version ?? null;
    documentChanges.push(TextDocumentEdit.create({ uri: uriOf(file), version }, edits.map((e) => TextEdit.replace(e.range, e.newText))));
  }
  return { documentChanges };
}

/** Whether a fix would create a file that is on disk already (one the project did not load, say). */
async function createsExisting(project: Project, fix: Fix): Promise<boolean> {
  for (const c of fix.creates ?? []) {
    const there = await fs.lstat(absOf(project.root, c.file)).then(() => true, () => false);
    if (there) return true;
  }
  return false;
}
