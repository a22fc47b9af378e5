import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CodeAction, CodeActionKind, Diagnostic, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { cliCheck, has, lacks, listing, positionOf, useServer } from './client';

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
const editedUris = (e: WorkspaceEdit) => [...new Set([...Object.keys(e.changes ?? {}), ...(e.documentChanges ?? []).map((c) => ('textDocument' in c ? c.textDocument.uri : ''))])].filter(Boolean);
const lines = (ds: Diagnostic[] | undefined) => (ds ?? []).map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`).sort();

describe('a symbolic link to a manifest of the project, opened in the editor', () => {
  const REAL = 'a.isola.json';
  const LINK = 'link.isola.json';
  const server = useServer(undefined, {
    files: {
      // ISO003: a global group in a workspace, a real finding that must stay.
      [REAL]: json({
        kind: 'workspace', code: 'a', version: '1.0.0',
        groups: [{ code: 'staff', title: 'Staff' }],
        apps: [{ code: 'orders', title: 'Orders', permissions: [{ group: 'global.all_staff', access: 'read' }] }],
      }),
    },
    links: { [LINK]: REAL },
  });

  it('`isola check` reads the file once: ISO003, no MAN001', () => {
    const c = server();
    const codes = cliCheck(c.root).diagnostics.map((d) => `${d.file} ${d.code}`);
    assert.deepEqual(codes, [`${REAL} ISO003`]);
  });

  it('gets the diagnostics of the file it leads to, with no MAN001 for either, and the ISO003 in both', async () => {
    const c = server();
    await c.open(LINK);
    const ds = await c.waitForDiagnostics(LINK, has('ISO003'));
    await c.settle();
    assert.ok(lacks('MAN001')(ds), listing(ds));
    assert.ok(lacks('MAN001')(c.diagnostics(REAL) ?? []), listing(c.diagnostics(REAL)));
    assert.ok(has('ISO003')(c.diagnostics(REAL) ?? []), listing(c.diagnostics(REAL)));
    assert.deepEqual(lines(c.diagnostics(LINK)), lines(c.diagnostics(REAL)));
  });

  it('hover works in the link, and a quick fix or rename started there edits the link\'s document', async () => {
    const c = server();
    const text = c.read(LINK);
    const hover = await c.request<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri: c.uri(LINK) }, position: positionOf(text, '"orders"', 2) });
    assert.ok(hover, 'a hover on the app code');
    const iso003 = c.diagnostics(LINK)!.find((d) => d.code === 'ISO003')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: c.uri(LINK) }, range: iso003.range, context: { diagnostics: [iso003], only: [CodeActionKind.QuickFix] },
    });
    assert.ok(actions.length > 0, 'quick fixes for the ISO003');
    for (const a of actions) assert.deepEqual(editedUris(a.edit!), [c.uri(LINK)], a.title);
    const rename = await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: c.uri(LINK) }, position: positionOf(text, '"staff"', 2), newName: 'team' });
    assert.deepEqual(editedUris(rename), [c.uri(LINK)]);
  });

  it('an edit in the link is an edit of the file: fixing the ISO003 there clears it in both, with no MAN001', async () => {
    const c = server();
    const text = c.read(LINK);
    await c.change(LINK, text.replace('"global.all_staff"', '"staff"'));
    await c.waitForDiagnostics(REAL, lacks('ISO003'));
    await c.waitForDiagnostics(LINK, lacks('ISO003'));
    await c.settle();
    assert.deepEqual(c.diagnostics(REAL), [], listing(c.diagnostics(REAL)));
    assert.deepEqual(c.diagnostics(LINK), [], listing(c.diagnostics(LINK)));
  });

  it('closed without saving: the file is the disk text again (ISO003 back) and the link has no diagnostics', async () => {
    const c = server();
    await c.close(LINK);
    await c.waitForDiagnostics(REAL, has('ISO003'));
    await c.waitForDiagnostics(LINK, (d) => d.length === 0);
    await c.settle();
    assert.ok(lacks('MAN001')(c.diagnostics(REAL)!), listing(c.diagnostics(REAL)));
  });

  it('a change on disk reported under the link\'s path (saved through it) changes the file, and adds no second manifest', async () => {
    const c = server();
    await c.writeFiles({ [LINK]: c.read(REAL).replace('"global.all_staff"', '"staff"') });
    await c.waitForDiagnostics(REAL, lacks('ISO003'));
    await c.settle();
    assert.deepEqual(c.diagnostics(REAL), [], listing(c.diagnostics(REAL)));
    assert.deepEqual(c.diagnostics(LINK), [], listing(c.diagnostics(LINK)));
  });
});
