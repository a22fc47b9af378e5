/**
 * The incremental re-check after edits: whatever the sequence of edits, the diagnostics the
 * editor shows for every manifest equal what `isola check` reports for the same texts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { cliCheck, CliDiagnostic, EXAMPLES, has, lacks, listing, LspClient, manifestsUnder, messageOf, useServer } from './client';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };
const line = (d: { range: Diagnostic['range']; code?: unknown; severity?: unknown; message: unknown }) =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.severity} ${typeof d.message === 'string' ? d.message : (d.message as { value: string }).value}`;
const messages = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code).map((d) => messageOf(d));

/**
 * Runs `isola check` on a copy of a folder of the project (with the open documents' texts) and
 * waits until the editor's diagnostics of every file under it are the same; fails with the
 * differences otherwise.
 */
async function agreesWithCli(c: LspClient, dir = '', timeoutMs = 5000): Promise<void> {
  const copy = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'isola-cli-')));
  try {
    fs.cpSync(c.path(dir), copy, { recursive: true });
    for (const rel of c.openDocuments()) {
      const inDir = path.posix.relative(dir, rel);
      if (!inDir.startsWith('..')) fs.writeFileSync(path.join(copy, inDir), c.read(rel));
    }
    const cli = cliCheck(copy);
    const uriOf = (file: string) => c.uri(path.posix.join(dir, file));
    const want = new Map<string, string[]>(manifestsUnder(copy).map((f) => [uriOf(f), []]));
    for (const d of cli.diagnostics as CliDiagnostic[]) want.set(uriOf(d.file), [...(want.get(uriOf(d.file)) ?? []), line({ ...d, severity: SEVERITY[d.severity] })]);
    const prefix = dir ? c.uri(dir) + '/' : c.uri('') + '/';
    const differences = (): string => {
      const got = c.allDiagnostics();
      const out: string[] = [];
      for (const uri of new Set([...want.keys(), ...[...got.keys()].filter((u) => u.startsWith(prefix))])) {
        const g = (got.get(uri) ?? []).map(line).sort();
        const w = (want.get(uri) ?? []).sort();
        if (g.join('\n') !== w.join('\n')) out.push(`${uri.slice(prefix.length)}:\n  editor:\n    ${g.join('\n    ') || '(none)'}\n  isola check:\n    ${w.join('\n    ') || '(none)'}`);
      }
      return out.join('\n');
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await c.settle();
      const diff = differences();
      if (!diff) return;
      if (Date.now() > deadline) assert.fail(`the editor's diagnostics differ from \`isola check\`:\n${diff}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

async function quickFixTitles(c: LspClient, rel: string, match: (d: Diagnostic) => boolean): Promise<string[]> {
  const all = c.diagnostics(rel) ?? [];
  const diagnostic = all.find(match);
  assert.ok(diagnostic, `no such diagnostic in ${rel}:\n${listing(all)}`);
  const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: c.uri(rel) },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: [CodeActionKind.QuickFix] },
  });
  return actions.map((a) => a.title);
}

describe('a solution\'s languages edited in the editor (payments)', () => {
  const server = useServer(path.join(EXAMPLES, 'payments'));
  const SOLUTION = 'payments_solution.isola.json';
  const MEMBERS = ['payments/payments.isola.json', 'custom_objects/custom_objects.isola.json', 'accounting/accounting.isola.json'];

  it('another order of the languages gives every member MAN005, as `isola check` does; back, none', async () => {
    const c = server();
    const text = await c.open(SOLUTION);
    await c.change(SOLUTION, text.replace('"languages": ["en", "ru"]', '"languages": ["ru", "en"]'));
    for (const m of MEMBERS) {
      const ds = await c.waitForDiagnostics(m, has('MAN005'));
      assert.match(messages(ds, 'MAN005')[0], /the same languages in another order/);
    }
    await agreesWithCli(c);
    await c.change(SOLUTION, text);
    for (const m of MEMBERS) await c.waitForDiagnostics(m, lacks('MAN005'));
    await agreesWithCli(c);
  });
});

describe('two solutions with one code, one renamed in the editor', () => {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const server = useServer(undefined, {
    files: {
      'a.isola.json': json({ kind: 'solution', code: 'sol', version: '1.0.0', includes: [] }),
      'b.isola.json': json({ kind: 'solution', code: 'sol', version: '1.0.0', includes: [] }),
    },
  });

  it('the other one loses its MAN001 "Duplicate solution code", and gets it back', async () => {
    const c = server();
    assert.ok(has('MAN001')(c.diagnostics('b.isola.json') ?? []), listing(c.diagnostics('b.isola.json')));
    const text = await c.open('a.isola.json');
    await c.change('a.isola.json', text.replace('"code": "sol"', '"code": "sol2"'));
    await c.waitForDiagnostics('b.isola.json', lacks('MAN001'));
    await agreesWithCli(c);
    await c.change('a.isola.json', text);
    await c.waitForDiagnostics('b.isola.json', has('MAN001'));
    await agreesWithCli(c);
  });
});

describe('a solution that comes to include the namespace a workspace outside it references', () => {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const server = useServer(undefined, {
    files: {
      'w.isola.json': json({ kind: 'workspace', code: 'w', version: '1.0.0', apps: [{ code: 'a', title: 'A', fields: [{ code: 'f', title: 'F', type: 'app', app: 'x.y' }] }] }),
      'x.isola.json': json({ kind: 'workspace', code: 'x', version: '1.0.0', apps: [{ code: 'y', title: 'Y' }] }),
      'z.isola.json': json({ kind: 'workspace', code: 'z', version: '1.0.0' }),
      's.isola.json': json({ kind: 'solution', code: 's', version: '1.0.0', includes: ['z.isola.json'] }),
    },
  });
  const iso004 = (ds: Diagnostic[]) => messages(ds, 'ISO004').join('\n');

  it('the ISO004 of the workspace outside now says to add it to that solution, and so does its quick fix', async () => {
    const c = server();
    assert.match(iso004(c.diagnostics('w.isola.json') ?? []), /create a solution/);
    const text = await c.open('s.isola.json');
    await c.change('s.isola.json', text.replace('"z.isola.json"', '"z.isola.json", "x.isola.json"'));
    const ds = await c.waitForDiagnostics('w.isola.json', (d) => /solution `s`, which already includes workspace `x`/.test(iso004(d)));
    assert.doesNotMatch(iso004(ds), /create a solution/);
    const titles = await quickFixTitles(c, 'w.isola.json', (d) => d.code === 'ISO004');
    assert.ok(titles.includes('Add workspace `w` to solution `s`'), titles.join(' | '));
    assert.ok(!titles.some((t) => /^Create solution/.test(t)), titles.join(' | '));
    await agreesWithCli(c);
    await c.change('s.isola.json', text);
    await c.waitForDiagnostics('w.isola.json', (d) => /create a solution/.test(iso004(d)));
    await agreesWithCli(c);
  });
});

describe('did-you-mean of an unknown namespace after a rename elsewhere (broken)', () => {
  const SALES = 'sales.isola.json';
  const CRM = 'crm_ext/crm_ext.isola.json';
  const server = useServer(path.join(EXAMPLES, 'broken'), {
    files: { [SALES]: fs.readFileSync(path.join(EXAMPLES, 'broken', SALES), 'utf8').replace('"app": "crm_ext.lead_sources"', '"app": "crmx.lead_sources"') },
  });
  const crmx = (ds: Diagnostic[]) => messages(ds, 'ISO006').filter((m) => m.includes('crmx.lead_sources')).join('\n');

  it('renaming the app it suggested drops the stale suggestion and its quick fix; renaming back restores them', async () => {
    const c = server();
    assert.match(crmx(c.diagnostics(SALES) ?? []), /`crm_ext\.lead_sources`/);
    const text = await c.open(CRM);
    await c.change(CRM, text.replace('"code": "lead_sources"', '"code": "lead_origins"'));
    const ds = await c.waitForDiagnostics(SALES, (d) => crmx(d) !== '' && !crmx(d).includes('`crm_ext.lead_sources`'));
    assert.ok(crmx(ds), listing(ds));
    const titles = await quickFixTitles(c, SALES, (d) => d.code === 'ISO006' && messageOf(d).includes('crmx.lead_sources'));
    assert.ok(!titles.some((t) => t.includes('crm_ext.lead_sources')), titles.join(' | '));
    await agreesWithCli(c);
    await c.change(CRM, text);
    await c.waitForDiagnostics(SALES, (d) => crmx(d).includes('`crm_ext.lead_sources`'));
    await agreesWithCli(c);
  });
});

describe('a manifest opened outside every workspace folder', () => {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const server = useServer(undefined, {
    folder: 'ws',
    files: {
      'ws/ws.isola.json': json({ kind: 'workspace', code: 'ws', version: '1.0.0' }),
      'outside/sol.isola.json': json({ kind: 'solution', code: 'sol', version: '1.0.0', includes: ['sub/w.isola.json'] }),
      'outside/sub/w.isola.json': json({ kind: 'workspace', code: 'w', version: '1.0.0', apps: [{ code: 'a', title: 'A', fields: [{ code: 'f', title: 'F', type: 'app', app: 'nowhere.b' }] }] }),
    },
  });

  it('is checked with its own folder as the root, as `isola check` of that folder, until it is closed', async () => {
    const c = server();
    const text = await c.open('outside/sol.isola.json');
    const ds = await c.waitForDiagnostics('outside/sol.isola.json', () => true);
    assert.ok(lacks('MAN003')(ds), listing(ds));
    await agreesWithCli(c, 'outside');
    // Edits to it keep the rest of its folder in view.
    await c.change('outside/sol.isola.json', text.replace('"version": "1.0.0"', '"version": "1.0.1"'));
    await agreesWithCli(c, 'outside');
    // Closed, it goes with its folder, as the editor clears the findings of a closed file outside
    // the workspace: none of that folder's findings stays in the Problems view.
    assert.ok(has('ISO006')(await c.waitForDiagnostics('outside/sub/w.isola.json', has('ISO006'))));
    await c.close('outside/sol.isola.json');
    await c.waitForDiagnostics('outside/sub/w.isola.json', (d) => d.length === 0);
    await c.waitForDiagnostics('outside/sol.isola.json', (d) => d.length === 0);
    // Opened again, it is checked again.
    await c.open('outside/sol.isola.json');
    await c.waitForDiagnostics('outside/sub/w.isola.json', has('ISO006'));
    await agreesWithCli(c, 'outside');
  });
});

describe('edits saved to disk, then the documents closed (payments)', () => {
  const server = useServer(path.join(EXAMPLES, 'payments'));
  const SOLUTION = 'payments_solution.isola.json';
  const OBJECTS = 'custom_objects/custom_objects.isola.json';
  const PAYMENTS = 'payments/payments.isola.json';

  it('the file watcher\'s events for the saved open documents change nothing, closing them neither', async () => {
    const c = server();
    const solution = await c.open(SOLUTION);
    const objects = await c.open(OBJECTS);
    await c.change(SOLUTION, solution.replace('"languages": ["en", "ru"]', '"languages": ["ru", "en"]'));
    await c.change(OBJECTS, objects.replace('"code": "vat_rates"', '"code": "vat_rate"'));
    await c.waitForDiagnostics(PAYMENTS, (d) => has('MAN005')(d) && has('ISO006')(d));
    await agreesWithCli(c);
    // Saving: the texts reach the disk and the watcher reports them while the documents are open.
    await c.writeFiles({ [SOLUTION]: c.read(SOLUTION), [OBJECTS]: c.read(OBJECTS) });
    await agreesWithCli(c);
    await c.close(SOLUTION);
    await c.close(OBJECTS);
    await agreesWithCli(c);
    // Undone on disk while closed, as `git checkout` does.
    await c.writeFiles({ [SOLUTION]: solution, [OBJECTS]: objects });
    await c.waitForDiagnostics(PAYMENTS, (d) => lacks('MAN005')(d) && lacks('ISO006')(d));
    await agreesWithCli(c);
  });
});

describe('two kinds with one code in a namespace, across manifests, edited in the editor', () => {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const server = useServer(undefined, {
    files: {
      'crm.isola.json': json({ kind: 'workspace', code: 'crm', version: '1.0.0', widgets: [{ code: 'home' }] }),
      'z.isola.json': json({ kind: 'app', code: 'deal', namespace: 'crm', version: '1.0.0', processes: [{ code: 'start' }] }),
    },
  });

  it('a widget renamed to the code of a process in another manifest gets MAN001 where `isola check` puts it, and loses it when renamed back', async () => {
    const c = server();
    await agreesWithCli(c);
    const text = await c.open('crm.isola.json');
    await c.change('crm.isola.json', text.replace('"code": "home"', '"code": "start"'));
    await agreesWithCli(c);
    assert.ok([...c.allDiagnostics().values()].flat().some((d) => d.code === 'MAN001'), 'MAN001 somewhere');
    await c.change('crm.isola.json', text);
    await agreesWithCli(c);
  });
});

describe('manifests in folders the search passes over (out, dist, node_modules, dot-folders)', () => {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const W = json({ kind: 'workspace', code: 'w', version: '1.0.0', apps: [{ code: 'x', title: 'X' }] });
  const COPIES = ['out/w.isola.json', 'dist/w.isola.json', 'node_modules/p/w.isola.json', '.backup/w.isola.json'];
  const server = useServer(undefined, {
    files: {
      'w.isola.json': W,
      'sol.isola.json': json({ kind: 'solution', code: 'sol', version: '1.0.0', includes: ['w.isola.json'] }),
      'out/lib.isola.json': json({ kind: 'workspace', code: 'lib', version: '1.0.0', apps: [{ code: 'y', title: 'Y', fields: [{ code: 'f', title: 'F', type: 'app', app: 'nowhere.z' }] }] }),
      ...Object.fromEntries(COPIES.map((f) => [f, W])),
    },
  });

  it('opened, each is checked in a project of its own folder and adds nothing to the project\'s manifests; closed, all it caused goes', async () => {
    const c = server();
    for (const f of COPIES) await c.open(f);
    // One with a syntax error gets it, on itself only.
    await c.change('dist/w.isola.json', W.replace('"version"', '"version" "1.0.0", "v"'));
    await c.waitForDiagnostics('dist/w.isola.json', has('MAN002'));
    for (const f of COPIES.filter((f) => !f.startsWith('dist/'))) assert.deepEqual(await c.waitForDiagnostics(f, () => true), [], f);
    // The others of its folder come with it, as `isola check out` checks them.
    await c.waitForDiagnostics('out/lib.isola.json', has('ISO006'));
    await c.settle();
    // `isola check` of the project says nothing (it never reads them), and neither does the editor.
    assert.deepEqual(cliCheck(c.root).diagnostics, []);
    for (const f of ['w.isola.json', 'sol.isola.json']) assert.deepEqual(c.diagnostics(f), [], `${f}:\n${listing(c.diagnostics(f))}`);
    for (const f of COPIES) await c.close(f);
    for (const f of [...COPIES, 'out/lib.isola.json']) await c.waitForDiagnostics(f, (d) => d.length === 0);
    await agreesWithCli(c);
  });

  it('created on disk, none joins the project; a new manifest beside the project\'s does', async () => {
    const c = server();
    await c.writeFiles({ 'node_modules/q/examples/w.isola.json': W, '.git/w.isola.json': W, 'v.isola.json': W.replace('"code": "w"', '"code": "v"') });
    await c.waitForDiagnostics('v.isola.json', () => true);
    await c.settle();
    assert.equal(c.diagnostics('node_modules/q/examples/w.isola.json'), undefined);
    assert.equal(c.diagnostics('.git/w.isola.json'), undefined);
    await agreesWithCli(c);
    await c.writeFiles({ 'node_modules/q/examples/w.isola.json': undefined, '.git/w.isola.json': undefined, 'v.isola.json': undefined });
    await c.waitForDiagnostics('v.isola.json', (d) => d.length === 0);
  });

  it('one that a manifest of the project includes belongs to it while the include is there, as in `isola check`', async () => {
    const c = server();
    const sol = await c.open('sol.isola.json');
    await c.change('sol.isola.json', sol.replace('"w.isola.json"', '"w.isola.json", "out/lib.isola.json"'));
    await c.waitForDiagnostics('out/lib.isola.json', has('ISO006'));
    assert.ok(lacks('MAN003')(await c.waitForDiagnostics('sol.isola.json', () => true)), listing(c.diagnostics('sol.isola.json')));
    await agreesWithCli(c);
    // Opened, it is checked in the project that includes it.
    await c.open('out/lib.isola.json');
    await agreesWithCli(c);
    await c.close('out/lib.isola.json');
    await c.change('sol.isola.json', sol);
    await c.waitForDiagnostics('out/lib.isola.json', (d) => d.length === 0);
    await agreesWithCli(c);
    await c.close('sol.isola.json');
  });
});

describe('workspace folders added and removed after the start', () => {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const server = useServer(undefined, {
    folder: 'A',
    files: {
      'A/a.isola.json': json({ kind: 'workspace', code: 'a', version: '1.0.0' }),
      'B/sol.isola.json': json({ kind: 'solution', code: 's', version: '1.0.0', includes: ['sub/m.isola.json', 'other/n.isola.json'] }),
      'B/sub/m.isola.json': json({ kind: 'workspace', code: 'm', version: '1.0.0', apps: [{ code: 'x', title: 'X', fields: [{ code: 'f', title: 'F', type: 'app', app: 'n.y' }] }] }),
      'B/other/n.isola.json': json({ kind: 'workspace', code: 'n', version: '1.0.0', apps: [{ code: 'y', title: 'Y' }] }),
      'B/node_modules/p/n.isola.json': json({ kind: 'workspace', code: 'n', version: '1.0.0' }),
    },
  });
  const folders = (c: LspClient, added: string[], removed: string[]) => c.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
    event: { added: added.map((f) => ({ uri: c.uri(f), name: f })), removed: removed.map((f) => ({ uri: c.uri(f), name: f })) },
  });

  it('an added folder is checked as `isola check` of it does, a manifest opened in it before too; a removed one\'s diagnostics are cleared', async () => {
    const c = server();
    // Opened before its folder is in the workspace: checked with its own folder as the root.
    await c.open('B/sub/m.isola.json');
    await c.waitForDiagnostics('B/sub/m.isola.json', has('ISO006'));
    await folders(c, ['B'], []);
    await c.waitForDiagnostics('B/sub/m.isola.json', has('ISO009'));
    await agreesWithCli(c, 'B');
    await agreesWithCli(c, 'A');
    await c.close('B/sub/m.isola.json');
    await folders(c, [], ['B']);
    await c.waitForDiagnostics('B/sub/m.isola.json', (d) => d.length === 0);
    await c.settle();
    for (const [uri, ds] of c.allDiagnostics()) if (uri.startsWith(c.uri('B') + '/')) assert.deepEqual(ds, [], uri);
    await agreesWithCli(c, 'A');
    // Gone: a change on disk there is nobody's.
    await c.writeFiles({ 'B/other/n.isola.json': json({ kind: 'workspace', code: 'n', version: '1.0.0', apps: [{ code: 'y', fields: [{ code: 'g', type: 'app', app: 'zz.q' }] }] }) });
    await c.settle();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(c.diagnostics('B/other/n.isola.json') ?? [], []);
  });
});
