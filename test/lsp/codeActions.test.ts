import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { CodeAction, CodeActionKind, CreateFile, Diagnostic } from 'vscode-languageserver-protocol/node';
import { EXAMPLES, has, lacks, listing, LspClient, messageOf, useServer } from './client';

const SALES = 'sales.isola.json';

/** The quick fixes the server offers for the first diagnostic of a file that matches. */
async function quickFixes(c: LspClient, rel: string, match: (d: Diagnostic) => boolean): Promise<{ diagnostic: Diagnostic; actions: CodeAction[] }> {
  const all = c.diagnostics(rel) ?? [];
  const diagnostic = all.find(match);
  assert.ok(diagnostic, `no such diagnostic in ${rel}:\n${listing(all)}`);
  const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: c.uri(rel) },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: [CodeActionKind.QuickFix] },
  });
  for (const a of actions) {
    assert.equal(a.kind, CodeActionKind.QuickFix);
    assert.deepEqual(a.diagnostics, [diagnostic]);
  }
  return { diagnostic, actions };
}

/** The one action with a title, applied as an editor applies it. */
async function apply(c: LspClient, actions: CodeAction[], title: string | RegExp): Promise<CodeAction> {
  const found = actions.filter((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.equal(found.length, 1, `one action ${title} among: ${actions.map((a) => a.title).join(' | ') || '(none)'}`);
  assert.ok(found[0].edit, 'the action carries its edit');
  await c.applyWorkspaceEdit(found[0].edit);
  return found[0];
}

const OPS_MANIFEST = JSON.stringify({
  kind: 'workspace', code: 'ops', title: 'Operations', version: '1.0.0',
  processes: [{ code: 'check_client', title: 'Check client', scripts: [{ code: 'find_company', file: 'scripts/find_company.ts', global: true }] }],
}, null, 2) + '\n';
const OPS_SCRIPT = [
  'async function find_company(): Promise<void> {',
  "    const company = await Global.ns._clients.app._companies.search().where(f => f._inn.eq(Context.data.inn ?? '')).first();",
  '    if (company) Context.data.company = company;',
  '}',
  '',
].join('\n');

describe('quick fixes (broken, edits applied to open documents and to files on disk)', () => {
  const server = useServer(path.join(EXAMPLES, 'broken'), { files: { 'ops/ops.isola.json': OPS_MANIFEST, 'ops/scripts/find_company.ts': OPS_SCRIPT } });

  it('ISO006: "Change to ..." replaces the typo', async () => {
    const c = server();
    await c.open(SALES);
    const { actions } = await quickFixes(c, SALES, (d) => d.code === 'ISO006' && messageOf(d).includes('_companys'));
    const a = await apply(c, actions, 'Change to `_clients._companies`');
    assert.equal(a.isPreferred, true);
    const ds = await c.waitForDiagnostics(SALES, (d) => !d.some((x) => messageOf(x).includes('_companys')));
    assert.ok(c.read(SALES).includes('"app": "_clients._companies" }'), 'the typo is replaced');
    assert.equal(ds.filter((d) => d.code === 'ISO006').length, 1, listing(ds));
  });

  it('ISO003: creates the group in the workspace and points the reference at it', async () => {
    const c = server();
    const { actions } = await quickFixes(c, SALES, (d) => d.code === 'ISO003');
    await apply(c, actions, 'Create group `all_staff` in workspace `sales` and use it');
    const ds = await c.waitForDiagnostics(SALES, lacks('ISO003'));
    const text = c.read(SALES);
    assert.ok(text.includes('"group": "all_staff"'), text);
    assert.match(text, /"code": "all_staff",\s*"title": "All staff"/);
    assert.ok(!ds.some((d) => messageOf(d).includes('all_staff')), listing(ds));
    assert.ok(has('ISO006')(ds) && has('ISO004')(ds), 'the other findings stay');
  });

  it('suppression quick fix for a warning inserts the directive above it', async () => {
    const c = server();
    const { diagnostic, actions } = await quickFixes(c, SALES, (d) => d.code === 'ISO007');
    assert.equal(diagnostic.severity, 2);
    await apply(c, actions, 'Suppress ISO007 on this line (with a reason)');
    const ds = await c.waitForDiagnostics(SALES, lacks('ISO007'));
    assert.ok(lacks('MAN004')(ds), listing(ds));
    assert.equal(c.read(SALES).split('\n')[diagnostic.range.start.line].trim(), '// isola-disable-next-line ISO007 -- reason');
    const errors = await quickFixes(c, SALES, (d) => d.code === 'ISO004');
    assert.ok(!errors.actions.some((a) => a.title.startsWith('Suppress')), 'errors cannot be suppressed');
  });

  it('MAN004: removes an unused suppression comment', async () => {
    const c = server();
    const before = c.read(SALES);
    const at = before.indexOf('        { "code": "sync_lead"');
    await c.change(SALES, before.slice(0, at) + '        // isola-disable-next-line ISO009 -- not needed\n' + before.slice(at));
    await c.waitForDiagnostics(SALES, has('MAN004'));
    const { actions } = await quickFixes(c, SALES, (d) => d.code === 'MAN004');
    await apply(c, actions, 'Remove the unused suppression comment');
    await c.waitForDiagnostics(SALES, lacks('MAN004'));
    assert.equal(c.read(SALES), before);
  });

  it('MAN004: a code of the comment that does nothing goes; the codes that suppress something stay', async () => {
    const c = server();
    const before = c.read(SALES);
    const at = before.indexOf('        { "code": "sync_lead"');
    await c.change(SALES, before.slice(0, at) + '        // isola-disable-next-line ISO005, ISO007 -- reviewed\n' + before.slice(at));
    await c.waitForDiagnostics(SALES, has('MAN004'));
    const { actions } = await quickFixes(c, SALES, (d) => d.code === 'MAN004');
    assert.ok(!actions.some((a) => a.title === 'Remove the unused suppression comment'), actions.map((a) => a.title).join(' | '));
    await apply(c, actions, 'Remove ISO007 from the suppression comment (it has no finding on the next line)');
    const ds = await c.waitForDiagnostics(SALES, lacks('MAN004'));
    assert.ok(c.read(SALES).includes('        // isola-disable-next-line ISO005 -- reviewed\n        { "code": "sync_lead"'), 'ISO005 and the reason stay');
    assert.ok(!ds.some((d) => d.code === 'ISO005'), 'ISO005 is still suppressed');
  });

  it('ISO001 with one app reached through Global: Global off, a context variable, the script rewritten', async () => {
    const c = server();
    const OPS = 'ops/ops.isola.json';
    const SCRIPT = 'ops/scripts/find_company.ts';
    assert.ok(has('ISO001')(c.diagnostics(OPS)!) && has('ISO001')(c.diagnostics(SCRIPT)!));
    const { actions } = await quickFixes(c, OPS, (d) => d.code === 'ISO001');
    const a = await apply(c, actions, 'Turn off Global and use an App-type context variable `companies` (_clients._companies)');
    assert.equal(a.isPreferred, true);
    assert.deepEqual(Object.keys(a.edit!.changes ?? {}).sort(), [c.uri(OPS), c.uri(SCRIPT)].sort());
    await c.waitForDiagnostics(OPS, lacks('ISO001'));
    await c.waitForDiagnostics(SCRIPT, (d) => d.length === 0);
    const manifest = JSON.parse(c.read(OPS));
    assert.equal(manifest.processes[0].scripts[0].global, false);
    assert.deepEqual(manifest.processes[0].context, [{ code: 'companies', type: 'app', app: '_clients._companies' }]);
    assert.ok(c.read(SCRIPT).includes('await Context.fields.companies.app.search()') && !c.read(SCRIPT).includes('Global'));
    await c.settle();
    assert.deepEqual(c.diagnostics(OPS), [], listing(c.diagnostics(OPS)));
  });

  it('ISO001 in a script file: the quick fix is offered there too', async () => {
    const c = server();
    const SCRIPT = 'scripts/find_customer.ts';
    const { actions } = await quickFixes(c, SCRIPT, (d) => d.code === 'ISO001');
    await apply(c, actions, /App-type context variable `companies` \(_clients\._companies\)/);
    await c.waitForDiagnostics(SCRIPT, (d) => d.length === 0);
    const ds = await c.waitForDiagnostics(SALES, (d) => d.filter((x) => x.code === 'ISO001').length === 1);
    assert.match(messageOf(ds.find((d) => d.code === 'ISO001')!), /reserve_stock/);
    assert.ok(c.read(SALES).includes('"app": "_clients._companies"\n'), 'the process has the context variable');
  });
});

describe('quick fix: ISO001 in a script file two processes run', () => {
  const shared = JSON.stringify({
    kind: 'workspace', code: 'ops', title: 'Operations', version: '1.0.0',
    processes: [
      { code: 'check_client', scripts: [{ code: 'find_company', file: 'scripts/find_company.ts', global: true }] },
      { code: 'ship_order', scripts: [{ code: 'find_company', file: 'scripts/find_company.ts', global: true }] },
    ],
  }, null, 2) + '\n';
  const server = useServer(path.join(EXAMPLES, 'broken'), { files: { 'ops/ops.isola.json': shared, 'ops/scripts/find_company.ts': OPS_SCRIPT } });

  it('offers only to turn Global off: rewriting the file for one process\'s context variable would break the other', async () => {
    const c = server();
    const OPS = 'ops/ops.isola.json';
    const { actions } = await quickFixes(c, OPS, (d) => d.code === 'ISO001');
    assert.ok(!actions.some((a) => /context variable/.test(a.title)), actions.map((a) => a.title).join(' | '));
    const a = await apply(c, actions, /Global/);
    assert.deepEqual(Object.keys(a.edit!.changes ?? {}), [c.uri(OPS)], 'the script file is not touched');
  });
});

describe('quick fix: ISO001 on a compact CRLF manifest with trailing commas', () => {
  const W = 'ws.isola.json';
  const text = [
    '{',
    '  "kind": "workspace", "code": "sales", "title": "Sales", "version": "1.0.0",',
    '  "apps": [ { "code": "orders" } ],',
    '  "processes": [ { "code": "p", "scripts": [ { "code": "s", "source": "return Global.ns.sales.app.orders;", "global": true } ] } ],',
    '}',
    '',
  ].join('\r\n');
  const server = useServer(undefined, { files: { [W]: text } });

  it('the edits do not overlap; the file stays JSON and the ISO001s go', async () => {
    const c = server();
    const { actions } = await quickFixes(c, W, (d) => d.code === 'ISO001');
    await apply(c, actions, 'Turn off Global and use an App-type context variable `orders` (sales.orders)');
    await c.waitForDiagnostics(W, lacks('ISO001'));
    const after = c.read(W);
    assert.ok(!/\],\s*\],/.test(after), after);
    const value = parse(after, [], { allowTrailingComma: true });
    assert.deepEqual(value.processes[0].scripts[0], { code: 's', source: 'return Context.fields.orders.app;', global: false });
    assert.deepEqual(value.processes[0].context, [{ code: 'orders', type: 'app', app: 'sales.orders' }]);
    await c.settle();
    assert.deepEqual(c.diagnostics(W), [], listing(c.diagnostics(W)));
  });
});

describe('quick fix: ISO003 when the last property is on one line', () => {
  const W = 'w.isola.json';
  const text = [
    '{',
    '  "kind": "workspace", "code": "w", "title": "W", "version": "1.0.0",',
    '  "apps": [ { "code":"a","permissions":[{"group":"global.managers","access":"read"}] } ]',
    '}',
    '',
  ].join('\n');
  const server = useServer(undefined, { files: { [W]: text } });

  it('the edits do not overlap; the file stays JSON and the ISO003 goes', async () => {
    const c = server();
    const { actions } = await quickFixes(c, W, (d) => d.code === 'ISO003');
    await apply(c, actions, 'Create group `managers` in workspace `w` and use it');
    await c.waitForDiagnostics(W, lacks('ISO003'));
    const after = JSON.parse(c.read(W));
    assert.deepEqual(after.groups, [{ code: 'managers', title: 'Managers' }]);
    assert.equal(after.apps[0].permissions[0].group, 'managers');
    await c.settle();
    assert.deepEqual(c.diagnostics(W), [], listing(c.diagnostics(W)));
  });
});

describe('quick fix: ISO004 of a standalone workspace creates a solution', () => {
  const server = useServer(path.join(EXAMPLES, 'broken'));

  it('creates a solution including both; once it exists on disk the ISO004 becomes ISO009', async () => {
    const c = server();
    const { actions } = await quickFixes(c, SALES, (d) => d.code === 'ISO004');
    const a = actions.find((x) => x.title === 'Create solution `sales_solution` with workspace `sales` and workspace `crm_ext`');
    assert.ok(a?.edit?.documentChanges, actions.map((x) => x.title).join(' | '));
    assert.ok(a.edit.documentChanges.some((d) => CreateFile.is(d) && d.uri === c.uri('sales_solution.isola.json')));
    await c.applyWorkspaceEdit(a.edit);
    const solution = JSON.parse(c.read('sales_solution.isola.json'));
    assert.deepEqual({ kind: solution.kind, code: solution.code, includes: solution.includes }, {
      kind: 'solution', code: 'sales_solution', includes: ['sales.isola.json', 'crm_ext/crm_ext.isola.json'],
    });
    const ds = await c.waitForDiagnostics(SALES, lacks('ISO004'));
    const info = ds.find((d) => d.code === 'ISO009');
    assert.ok(info, listing(ds));
    assert.equal(info.severity, 3);
    assert.match(messageOf(info), /`crm_ext\.lead_sources` resolves only because solution `sales_solution` includes both/);
    assert.ok(lacks('ISO005')(ds), 'the import of crm_ext is inside the solution now');
    await c.waitForDiagnostics('sales_solution.isola.json', (d) => d.length === 0);
  });
});

describe('quick fix: ISO004 "Create solution" when a file of that name exists', () => {
  const TAKEN = 'sales_solution.isola.json';
  const theirs = JSON.stringify({ kind: 'module', code: 'sales_tools', title: 'Sales tools', version: '1.0.0' }, null, 2) + '\n';
  const server = useServer(path.join(EXAMPLES, 'broken'), { files: { [TAKEN]: theirs } });

  it('creates a new file and leaves the existing one as it was', async () => {
    const c = server();
    const { actions } = await quickFixes(c, SALES, (d) => d.code === 'ISO004');
    const a = actions.find((x) => x.title.startsWith('Create solution'));
    assert.ok(a?.edit?.documentChanges, actions.map((x) => x.title).join(' | '));
    const creates = a.edit.documentChanges.filter(CreateFile.is);
    assert.deepEqual(creates.map((d) => d.uri), [c.uri('sales_solution_2.isola.json')]);
    assert.ok(!creates[0].options?.ignoreIfExists, 'a file that appears meanwhile is not written into');
    await c.applyWorkspaceEdit(a.edit);
    assert.equal(c.read(TAKEN), theirs);
    assert.equal(JSON.parse(c.read('sales_solution_2.isola.json')).code, 'sales_solution_2');
  });
});

describe('quick fix: ISO004 inside a solution adds the missing member', () => {
  const SOLUTION = 'payments_solution.isola.json';
  const PAYMENTS = 'payments/payments.isola.json';
  const solution = (includes: string[]) => JSON.stringify({ kind: 'solution', code: 'payments_solution', title: 'Payments', version: '2.1.0', includes }, null, 2) + '\n';
  const server = useServer(path.join(EXAMPLES, 'payments'), {
    files: { [SOLUTION]: solution(['payments/payments.isola.json', 'accounting/accounting.isola.json']) },
  });

  it('"Add workspace ... to solution ..." edits the closed solution; the ISO004s become ISO009', async () => {
    const c = server();
    const before = c.diagnostics(PAYMENTS)!;
    assert.equal(before.filter((d) => d.code === 'ISO004').length, 4, listing(before));
    const { actions } = await quickFixes(c, PAYMENTS, (d) => d.code === 'ISO004' && messageOf(d).includes('custom_objects.vat_rates'));
    const a = await apply(c, actions, 'Add workspace `custom_objects` to solution `payments_solution`');
    assert.equal(a.isPreferred, true);
    assert.deepEqual(JSON.parse(c.read(SOLUTION)).includes, ['payments/payments.isola.json', 'accounting/accounting.isola.json', 'custom_objects/custom_objects.isola.json']);
    const ds = await c.waitForDiagnostics(PAYMENTS, lacks('ISO004'));
    assert.equal(ds.filter((d) => d.code === 'ISO009').length, 5, listing(ds));
    await c.waitForDiagnostics('custom_objects/custom_objects.isola.json', (d) => lacks('ISO004')(d) && has('ISO009')(d));
  });
});
