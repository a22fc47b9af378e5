import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionItem, CompletionList, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CLI, EXAMPLES, messageOf, positionOf, useServer } from './client';

// The editor sees manifests as platform users write them: permission sets and a one-root org
// chart without findings, one finding per mistake, and a data file's bad record.

const SALES = 'sales/sales.isola.json';
const COMPANY = 'company.isola.json';

const sales = (access: string) => `{
  "kind": "workspace",
  "code": "sales",
  "version": "1.0.0",
  "groups": [{ "code": "clerks" }],
  "apps": [
    { "code": "orders", "permissions": [
      { "group": "clerks", "access": ${access} },
      { "orgUnit": "sales_dept", "access": ["read", "create"] }
    ] }
  ],
  "data": { "orders": "data/orders.jsonl" }
}
`;

const company = `{
  "kind": "configuration",
  "code": "company",
  "version": "1.0.0",
  "includes": ["sales/sales.isola.json"],
  "orgChart": { "code": "ceo", "children": [{ "code": "sales_dept" }] }
}
`;

function hoverText(h: Hover | null): string {
  assert.ok(h, 'no hover');
  const c = h.contents;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return typeof c === 'string' ? c : (c as MarkupContent).value;
}

describe('permission sets, a one-root org chart and bad data records in the editor', () => {
  const server = useServer(undefined, {
    files: {
      [COMPANY]: company,
      [SALES]: sales('["read", "create", "update"]'),
      'sales/data/orders.jsonl': '{"id":"1"}\n{"title":"no id"}\n',
    },
  });

  it('a permission set and a one-root org chart give no finding; the bad data record gives one MAN003 with its line', async () => {
    const c = server();
    const ds = c.diagnostics(SALES) ?? [];
    assert.deepEqual(ds.filter((d) => d.code !== 'MAN003').map(messageOf), []);
    const data = ds.filter((d) => d.code === 'MAN003');
    assert.equal(data.length, 1, ds.map(messageOf).join('\n'));
    assert.match(messageOf(data[0]), /Data file `data\/orders\.jsonl` line 2: a data record must be a JSON object with an "id"/);
    assert.deepEqual(c.diagnostics(COMPANY) ?? [], []);
  });

  it('fixing the data file on disk clears its MAN003; breaking it again brings it back', async () => {
    const c = server();
    await c.writeFiles({ 'sales/data/orders.jsonl': '{"id":"1"}\n{"id":"2","title":"fixed"}\n' });
    await c.waitForDiagnostics(SALES, (d) => !d.some((x) => x.code === 'MAN003'));
    await c.writeFiles({ 'sales/data/orders.jsonl': '{"id":"1"}\n{"id":"2"}\n[1,2]\n' });
    const ds = await c.waitForDiagnostics(SALES, (d) => d.some((x) => x.code === 'MAN003'));
    assert.match(messageOf(ds.find((d) => d.code === 'MAN003')!), /line 3: a data record must be a JSON object/);
  });

  it('a misspelt right in a set is one MAN002 with a did-you-mean', async () => {
    const c = server();
    await c.open(SALES);
    await c.change(SALES, sales('["read", "craete"]'));
    const ds = await c.waitForDiagnostics(SALES, (d) => d.some((x) => x.code === 'MAN002'));
    const man002 = ds.filter((d) => d.code === 'MAN002');
    assert.equal(man002.length, 1, ds.map(messageOf).join('\n'));
    assert.match(messageOf(man002[0]), /found the string "craete": did you mean "create"\?/);
  });

  it('a right of the wrong type is one MAN002, not two', async () => {
    const c = server();
    await c.change(SALES, sales('5'));
    const ds = await c.waitForDiagnostics(SALES, (d) => d.some((x) => x.code === 'MAN002'));
    assert.equal(ds.filter((d) => d.code === 'MAN002').length, 1, ds.map(messageOf).join('\n'));
  });

  it('completion inside an access list offers the rights; hover on `access` says it takes a list', async () => {
    const c = server();
    const text = sales('["read", ""]');
    await c.change(SALES, text);
    const pos = positionOf(text, '["read", ""]', 10);
    const r = await c.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri: c.uri(SALES) }, position: pos });
    assert.ok(r);
    const labels = (Array.isArray(r) ? r : r.items).map((i) => String(i.label).replace(/"/g, ''));
    for (const right of ['create', 'update', 'delete', 'full']) assert.ok(labels.includes(right), labels.join(', '));
    const md = hoverText(await c.request('textDocument/hover', { textDocument: { uri: c.uri(SALES) }, position: positionOf(text, '"access"', 3) }));
    assert.match(md, /list of rights/);
    await c.close(SALES);
  });
});

describe('a unit checked on its own in the editor (`isola.check.alone`)', () => {
  const OBJECTS = 'custom_objects/custom_objects.isola.json';
  const inSolution = useServer(path.join(EXAMPLES, 'payments'));
  const alone = useServer(path.join(EXAMPLES, 'payments'), { settings: { diagnostics: { delay: 20 }, check: { alone: ['custom_objects'] } } });

  it('by default a workspace of a solution shows the solution\'s findings: no ISO004', () => {
    const ds = inSolution().diagnostics(OBJECTS) ?? [];
    assert.ok(!ds.some((d) => d.code === 'ISO004'), ds.map(messageOf).join('\n'));
  });

  it('named in the setting, it shows the findings of its own package, as `isola check --package` does', () => {
    const c = alone();
    const ds = (c.diagnostics(OBJECTS) ?? []).filter((d) => d.code === 'ISO004');
    assert.ok(ds.length > 0, 'no ISO004');
    assert.ok(ds.every((d) => /outside workspace `custom_objects`/.test(messageOf(d))), ds.map(messageOf).join('\n'));
    const cli = cliCheckPackage(c.root, 'custom_objects');
    assert.equal(ds.length, cli.filter((d) => d.code === 'ISO004').length);
    // The other members keep the solution's findings.
    assert.ok(!(c.diagnostics('payments/payments.isola.json') ?? []).some((d) => d.code === 'ISO004'));
  });
});

function cliCheckPackage(dir: string, code: string): { code: string }[] {
  const r = spawnSync(process.execPath, [CLI, 'check', dir, '--package', code, '--format', 'json'], { encoding: 'utf8' });
  return (JSON.parse(r.stdout) as { diagnostics: { code: string }[] }).diagnostics;
}

describe('members of one package that declare different languages, in the editor', () => {
  const server = useServer(undefined, {
    files: {
      'sol.isola.json': JSON.stringify({ kind: 'solution', code: 'sol', version: '1.0.0', includes: ['a/a.isola.json', 'b/b.isola.json'], languages: ['en', 'ru'] }, null, 2),
      'a/a.isola.json': JSON.stringify({ kind: 'workspace', code: 'a', version: '1.0.0', languages: ['en', 'ru'] }, null, 2),
      'b/b.isola.json': JSON.stringify({ kind: 'workspace', code: 'b', version: '1.0.0', languages: ['ru', 'en'] }, null, 2),
    },
  });

  it('the member in another order gets one MAN005 on its languages; the others none', () => {
    const c = server();
    const ds = c.diagnostics('b/b.isola.json') ?? [];
    assert.deepEqual(ds.map((d) => d.code), ['MAN005']);
    assert.match(messageOf(ds[0]), /the same languages in another order/);
    assert.deepEqual(c.diagnostics('a/a.isola.json') ?? [], []);
    assert.deepEqual(c.diagnostics('sol.isola.json') ?? [], []);
  });
});
