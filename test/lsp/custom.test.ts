import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationToken, Hover, LSPErrorCodes, MarkupContent, ResponseError } from 'vscode-languageserver-protocol/node';
import type { FindingCounts, PackageInfo, PackageSummary } from '../../server/src/protocol';
import { cliCheck, CliDiagnostic, EXAMPLES, LspClient, positionOf, useServer } from './client';

/** Findings of `isola check` counted per package code. */
function countsByPackage(diagnostics: CliDiagnostic[]): Map<string, FindingCounts> {
  const out = new Map<string, FindingCounts>();
  for (const d of diagnostics) {
    if (!d.package) continue;
    const c = out.get(d.package) ?? { errors: 0, warnings: 0, infos: 0 };
    if (d.severity === 'error') c.errors++;
    else if (d.severity === 'warning') c.warnings++;
    else c.infos++;
    out.set(d.package, c);
  }
  return out;
}

const hoverAt = (c: LspClient, rel: string, needle: string, offset = 2) =>
  c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri(rel) }, position: positionOf(fs.readFileSync(c.path(rel), 'utf8'), needle, offset) });
const hoverText = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');

describe('isola/packageInfo and isola/packages', () => {
  const payments = useServer(path.join(EXAMPLES, 'payments'));
  const broken = useServer(path.join(EXAMPLES, 'broken'));

  it('packageInfo of a member of examples/payments is solution payments_solution with its counts', async () => {
    const c = payments();
    const want: PackageSummary = {
      kind: 'solution', code: 'payments_solution', title: 'Payments', uri: c.uri('payments_solution.isola.json'),
      counts: { errors: 0, warnings: 0, infos: 10 }, errorCodes: [], dataApps: [], version: '2.1.0',
    };
    for (const rel of ['payments/payments.isola.json', 'custom_objects/custom_objects.isola.json', 'accounting/accounting.isola.json', 'payments_solution.isola.json']) {
      const info = await c.request<PackageInfo>('isola/packageInfo', { uri: c.uri(rel) });
      assert.deepEqual(info.package, want, rel);
    }
    assert.deepEqual(countsByPackage(cliCheck(c.root).diagnostics).get('payments_solution'), want.counts);
    const none = await c.request<PackageInfo>('isola/packageInfo', { uri: c.uri('payments/templates/register.docx.txt') });
    assert.equal(none.package, undefined);
  });

  it('packageInfo counts follow the diagnostics after an edit', async () => {
    const c = payments();
    const rel = 'custom_objects/custom_objects.isola.json';
    const text = await c.open(rel);
    await c.change(rel, text.replace('"app": "vat_rates"', '"app": "vat_ratez"'));
    const info = await c.request<PackageInfo>('isola/packageInfo', { uri: c.uri(rel) });
    assert.deepEqual(info.package?.counts, { errors: 1, warnings: 0, infos: 10 });
    await c.change(rel, text);
    assert.deepEqual((await c.request<PackageInfo>('isola/packageInfo', { uri: c.uri(rel) })).package?.counts, { errors: 0, warnings: 0, infos: 10 });
  });

  it('packages lists every package of examples/broken with the counts `isola check` gives', async () => {
    const c = broken();
    const list = await c.request<PackageSummary[]>('isola/packages', {});
    const byCode = new Map(list.map((p) => [p.code, p]));
    assert.equal(byCode.size, list.length, 'no package twice');
    assert.deepEqual(list.map((p) => `${p.kind} ${p.code} ${p.uri.slice(c.uri('').length + 1)}`).sort(), [
      'solution sales_bundle bad_solution.isola.json',
      'workspace crm_ext crm_ext/crm_ext.isola.json',
      'workspace sales sales.isola.json',
      'workspace warehouse broken_json.isola.json',
    ]);
    const cli = countsByPackage(cliCheck(c.root).diagnostics);
    for (const p of list) assert.deepEqual(p.counts, cli.get(p.code) ?? { errors: 0, warnings: 0, infos: 0 }, p.code);
    assert.deepEqual(byCode.get('sales')?.counts, { errors: 10, warnings: 2, infos: 0 }, 'with the ISO001 of the script file');
    // The codes of the errors, so the build picker can say which findings block a build.
    for (const p of list) assert.equal(p.errorCodes.length, p.counts.errors, p.code);
    assert.deepEqual(byCode.get('warehouse')?.errorCodes, ['MAN002']);
    assert.deepEqual(byCode.get('sales_bundle')?.errorCodes, ['MAN003']);
  });

  it('packages of examples/payments: the solution, then each of its units, to build alone', async () => {
    const c = payments();
    const list = await c.request<PackageSummary[]>('isola/packages', {});
    assert.deepEqual(list.map((p) => `${p.kind} ${p.code}`), ['solution payments_solution', 'module accounting', 'workspace custom_objects', 'workspace payments']);
    // A unit is counted with the findings it has alone (as its build checks it), not the solution's.
    const objects = list.find((p) => p.code === 'custom_objects')!;
    assert.ok(objects.errorCodes.length > 0 && objects.errorCodes.every((code) => code === 'ISO004'), objects.errorCodes.join(', '));
    assert.deepEqual(list[0].counts.errors, 0);
  });
});

describe('isola/recheck', () => {
  for (const example of ['broken', 'payments', 'invoices']) {
    describe(example, () => {
      const server = useServer(path.join(EXAMPLES, example));
      it('answers the totals of the CLI summary', async () => {
        const c = server();
        const totals = await c.request<FindingCounts & { files: number }>('isola/recheck', {});
        assert.deepEqual(totals, cliCheck(c.root).summary);
      });
    });
  }

  describe('after changes on disk nobody announced', () => {
    const server = useServer(path.join(EXAMPLES, 'invoices'));
    it('reloads from disk and publishes the new findings', async () => {
      const c = server();
      const rel = 'invoices.isola.json';
      fs.writeFileSync(c.path(rel), fs.readFileSync(c.path(rel), 'utf8').replace('"app": "payment_purposes"', '"app": "payment_purpose"'));
      fs.writeFileSync(c.path('extra.isola.json'), '{ "kind": "workspace", "code": "extra", "apps": [{ "code": "a", "fields": [{ "code": "f", "type": "app", "app": "invoices.invoices" }] }] }\n');
      const totals = await c.request<FindingCounts & { files: number }>('isola/recheck', {});
      assert.deepEqual(totals, cliCheck(c.root).summary);
      assert.deepEqual(totals, { errors: 2, warnings: 0, infos: 0, files: 2 });
      await c.waitForDiagnostics(rel, (d) => d.some((x) => x.code === 'ISO006'));
      await c.waitForDiagnostics('extra.isola.json', (d) => d.some((x) => x.code === 'ISO004'));
    });
  });
});

describe('cancellation', () => {
  const server = useServer(path.join(EXAMPLES, 'broken'));

  it('a request sent with an already-cancelled token gets RequestCancelled or a result, and the server lives on', async () => {
    const c = server();
    const doc = { uri: c.uri('sales.isola.json') };
    await c.open('sales.isola.json');
    const position = positionOf(c.read('sales.isola.json'), 'crm_ext.lead_sources', 2);
    const range = { start: position, end: position };
    const requests: [string, unknown][] = [
      ['textDocument/hover', { textDocument: doc, position }],
      ['textDocument/completion', { textDocument: doc, position }],
      ['textDocument/definition', { textDocument: doc, position }],
      ['textDocument/references', { textDocument: doc, position, context: { includeDeclaration: true } }],
      ['textDocument/rename', { textDocument: doc, position, newName: 'sources' }],
      ['textDocument/documentSymbol', { textDocument: doc }],
      ['textDocument/codeAction', { textDocument: doc, range, context: { diagnostics: c.diagnostics('sales.isola.json') } }],
      ['workspace/symbol', { query: 'lead' }],
      ['isola/packageInfo', { uri: doc.uri }],
      ['isola/packages', {}],
    ];
    for (const [method, params] of requests) {
      try {
        await c.request(method, params, CancellationToken.Cancelled);
      } catch (e) {
        assert.ok(e instanceof ResponseError, `${method}: ${e}`);
        assert.equal(e.code, LSPErrorCodes.RequestCancelled, `${method}: ${e.message}`);
      }
    }
    assert.match(hoverText(await hoverAt(c, 'sales.isola.json', 'crm_ext.lead_sources')), /Breaks isolation/);
    assert.equal(c.stderr.match(/failed/g), null, c.stderr);
  });
});

describe('a 2 MB malformed manifest', () => {
  const items: string[] = [];
  for (let i = 0; items.length * 80 < 2_000_000; i++) items.push(`    { "code": "app_${i}", "title": "App ${i}" "fields": [{ "code": "f", "type": "string" }] },\n`);
  const huge = `{\n  "kind": "workspace",\n  "code": "huge",\n  "apps": [\n${items.join('')}  ]\n}\n`;
  const server = useServer(path.join(EXAMPLES, 'invoices'), { files: { 'huge/huge.isola.json': huge }, waitForInitial: false });

  it('does not keep the server from answering hover on another file', async () => {
    const c = server();
    assert.ok(huge.length > 2_000_000);
    const h = await hoverAt(c, 'invoices.isola.json', '"payment_purposes", "required"');
    assert.match(hoverText(h), /✓ Inside workspace `invoices`/);
    const ds = await c.waitForDiagnostics('huge/huge.isola.json', (d) => d.length > 0, 30000);
    assert.ok(ds.every((d) => d.code === 'MAN002'), 'only malformed-JSON findings');
    assert.deepEqual(await c.waitForDiagnostics('invoices.isola.json', () => true), []);
  });
});

describe('requests right after `initialized`', () => {
  const server = useServer(path.join(EXAMPLES, 'payments'), { waitForInitial: false });

  it('are answered, not refused as unhandled methods', async () => {
    const c = server();
    const [hover, symbols, info] = await Promise.all([
      hoverAt(c, 'payments/payments.isola.json', 'custom_objects.vat_rates'),
      c.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri('payments/payments.isola.json') } }),
      c.request<PackageInfo>('isola/packageInfo', { uri: c.uri('payments/payments.isola.json') }),
    ]);
    assert.match(hoverText(hover), /Declared in workspace `custom_objects`/);
    assert.ok(symbols.length > 0);
    assert.equal(info.package?.code, 'payments_solution');
  });
});
