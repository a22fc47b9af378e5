import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompletionItem,
  CompletionItemKind,
  CompletionList,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
  Range,
  SymbolInformation,
  SymbolKind,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { applyTextEdits, EXAMPLES, LspClient, positionOf, rangeOf, useServer } from './client';

const PAYMENTS = 'payments/payments.isola.json';
const OBJECTS = 'custom_objects/custom_objects.isola.json';

/** The markdown (or plain strings) of a hover, as one string. */
function hoverText(h: Hover | null): string {
  assert.ok(h, 'no hover');
  const c = h.contents;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return typeof c === 'string' ? c : (c as MarkupContent).value;
}

/** Markdown as a reader sees it: a manifest's text (a title, a file name) has its punctuation escaped. */
function shown(md: string): string {
  return md.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

async function complete(c: LspClient, rel: string, needle: string, at: number): Promise<CompletionItem[]> {
  const r = await c.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri: c.uri(rel) }, position: positionOf(c.read(rel), needle, at) });
  assert.ok(r, 'no completion');
  return Array.isArray(r) ? r : r.items;
}

const at = (c: LspClient, rel: string, needle: string, offset = 1, occurrence = 0) => ({ textDocument: { uri: c.uri(rel) }, position: positionOf(c.read(rel), needle, offset, occurrence) });
/** The range of an entity's code where it is declared (`"code": "` is 9 characters). */
const codeRange = (c: LspClient, rel: string, code: string): Range => shift(rangeOf(c.read(rel), `"code": "${code}"`), 9, code.length);
function shift(r: Range, by: number, length: number): Range {
  return { start: { line: r.start.line, character: r.start.character + by }, end: { line: r.start.line, character: r.start.character + by + length } };
}

describe('completion', () => {
  const payments = useServer(path.join(EXAMPLES, 'payments'));
  const broken = useServer(path.join(EXAMPLES, 'broken'));

  it('inside "app": "|" offers in-scope apps first, then built-ins, each with kind and detail', async () => {
    const c = payments();
    const text = await c.open(PAYMENTS);
    await c.change(PAYMENTS, text.replace('"app": "custom_objects.vat_rates"', '"app": ""'));
    const slot = '"code": "vat_rate", "title": "VAT rate", "type": "app", "app": ""';
    const items = await complete(c, PAYMENTS, slot, slot.length - 1);
    const byLabel = new Map(items.map((i) => [i.label, i]));
    for (const label of ['payment_requests', 'payment_registers', 'custom_objects.vat_rates']) {
      assert.equal(byLabel.get(label)?.sortText?.[0], '0', `${label} is in scope: ${byLabel.get(label)?.sortText}`);
      assert.equal(byLabel.get(label)?.kind, CompletionItemKind.Class);
    }
    const companies = byLabel.get('_clients._companies');
    assert.ok(companies, items.map((i) => i.label).join(', '));
    assert.equal(companies.kind, CompletionItemKind.Class);
    assert.match(companies.detail ?? '', /Companies · app · built-in CRM/);
    assert.equal(companies.sortText?.[0], '1');
    const sorted = [...items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1)).map((i) => i.label);
    assert.ok(sorted.indexOf('custom_objects.periods') < sorted.indexOf('_clients._companies'));
    // The edit replaces the string's content (no quotes added inside a string).
    const edit = companies.textEdit as { range: Range; newText: string };
    assert.equal(edit.newText, '_clients._companies');
    assert.deepEqual(edit.range.start, edit.range.end);
    await c.change(PAYMENTS, text);
  });

  it('an app outside the package sorts last and says it breaks isolation', async () => {
    const c = broken();
    await c.open('sales.isola.json');
    const items = await complete(c, 'sales.isola.json', '"app": "crm_ext.lead_sources"', 9);
    const outside = items.find((i) => i.label === 'crm_ext.lead_sources');
    assert.ok(outside);
    assert.equal(outside.sortText?.[0], '2');
    assert.match((outside.documentation as MarkupContent).value, /breaks isolation/);
    assert.equal(items.find((i) => i.label === 'orders')?.sortText?.[0], '0');
  });

  it('outside a reference it offers the schema property names of the manifest kind', async () => {
    const c = payments();
    const FRESH = 'fresh/fresh.isola.json';
    await c.open(FRESH, '{\n  "kind": "workspace",\n  "code": "fresh",\n  \n}\n');
    const r = await c.request<CompletionList | CompletionItem[]>('textDocument/completion', { textDocument: { uri: c.uri(FRESH) }, position: { line: 3, character: 2 } });
    const labels = (Array.isArray(r) ? r : r.items).map((i) => i.label);
    for (const p of ['processes', 'apps', 'groups', 'version']) assert.ok(labels.includes(p), `${p} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('kind') && !labels.includes('includes') && !labels.includes('orgChart'), labels.join(', '));
    await c.close(FRESH);
  });
});

describe('completion in a project with more entities than a list holds', () => {
  // Another workspace, first in the index, has more apps than the 2,000 a list holds.
  const apps = Array.from({ length: 2100 }, (_, i) => ({ code: `a${i}` }));
  const MINE = 'zzz.isola.json';
  const mine = '{ "kind": "workspace", "code": "zzz", "version": "1.0.0", "apps": [ { "code": "my_orders" }, { "code": "x", "fields": [ { "code": "f", "type": "app", "app": "" } ] } ] }';
  const server = useServer(undefined, { files: { 'aaa.isola.json': JSON.stringify({ kind: 'workspace', code: 'aaa', version: '1.0.0', apps }), [MINE]: mine } });
  const list = async (c: LspClient, typed: string): Promise<CompletionList> => {
    const text = mine.replace('"app": ""', `"app": "${typed}"`);
    await c.change(MINE, text);
    const r = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri: c.uri(MINE) }, position: positionOf(text, `"app": "${typed}"`, 8 + typed.length) });
    assert.ok(r && !Array.isArray(r), 'a completion list');
    return r;
  };

  it('offers the package\'s own apps and the built-ins first, and says the list is cut', async () => {
    const c = server();
    await c.open(MINE, mine);
    const r = await list(c, '');
    const labels = r.items.map((i) => i.label);
    assert.ok(labels.includes('my_orders') && labels.includes('x'), labels.slice(0, 5).join(', '));
    assert.ok(labels.includes('_clients._companies'));
    assert.equal(r.items.find((i) => i.label === 'my_orders')?.sortText?.[0], '0');
    assert.ok(r.items.length <= 2000, String(r.items.length));
    assert.equal(r.isIncomplete, true);
  });

  it('narrows to what is typed, so the apps a cut left out come back', async () => {
    const c = server();
    await c.open(MINE, mine);
    const r = await list(c, 'aaa.a2099');
    assert.deepEqual(r.items.map((i) => i.label), ['aaa.a2099']);
    assert.equal(r.items[0].sortText?.[0], '2', 'outside the package');
    // A list that is narrowed stays incomplete: deleting what was typed must ask again.
    assert.equal(r.isIncomplete, true);
    const some = await list(c, 'a209');
    for (const label of ['aaa.a209', 'aaa.a2090', 'aaa.a2099']) assert.ok(some.items.some((i) => i.label === label), label);
  });
});

describe('hover, definition, references', () => {
  const payments = useServer(path.join(EXAMPLES, 'payments'));
  const broken = useServer(path.join(EXAMPLES, 'broken'));

  it('hover on a reference says where it points and whether it breaks isolation', async () => {
    let c = payments();
    let md = hoverText(await c.request('textDocument/hover', at(c, PAYMENTS, 'custom_objects.vat_rates', 3)));
    assert.match(shown(md), /Declared in workspace `custom_objects` \(custom_objects\/custom_objects\.isola\.json\)/);
    assert.match(md, /✓ Inside solution `payments_solution`, but only through the solution/);
    md = hoverText(await c.request('textDocument/hover', at(c, PAYMENTS, '"payment_requests", "multiple"', 2)));
    assert.match(md, /✓ Inside/);
    c = broken();
    md = hoverText(await c.request('textDocument/hover', at(c, 'sales.isola.json', 'crm_ext.lead_sources', 3)));
    assert.match(shown(md), /Declared in workspace `crm_ext` \(crm_ext\/crm_ext\.isola\.json\)/);
    assert.match(md, /✗ Breaks isolation: outside workspace `sales` \(ISO004\)/);
    md = hoverText(await c.request('textDocument/hover', at(c, 'sales.isola.json', '_clients._companies', 3)));
    assert.match(md, /never breaks isolation/);
  });

  it('hover on a property key shows its schema description', async () => {
    const c = payments();
    await c.open(OBJECTS);
    const md = hoverText(await c.request('textDocument/hover', at(c, OBJECTS, '"platform"', 3)));
    assert.match(md, /Minimum platform version/);
  });

  it('no hover on a reference after an unterminated string, where the schema describes nothing', async () => {
    const c = payments();
    const text = await c.open(PAYMENTS);
    // The title's string now ends at the next quote: the reference is a bare word the parser skips.
    const broken = text.replace('"title": "VAT rate",', '"title": "VAT rate,');
    assert.notEqual(broken, text);
    await c.change(PAYMENTS, broken);
    try {
      const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri(PAYMENTS) }, position: positionOf(broken, 'custom_objects.vat_rates', 3) });
      assert.equal(h, null, JSON.stringify(h));
    } finally {
      await c.change(PAYMENTS, text);
      await c.close(PAYMENTS);
    }
  });

  it('go to definition jumps to the declaring manifest and the code', async () => {
    const c = payments();
    const loc = await c.request<Location | Location[] | null>('textDocument/definition', at(c, PAYMENTS, 'custom_objects.vat_rates', 18));
    const l = Array.isArray(loc) ? loc[0] : loc;
    assert.ok(l);
    assert.equal(l.uri, c.uri(OBJECTS));
    assert.deepEqual(l.range, codeRange(c, OBJECTS, 'vat_rates'));
    assert.equal(await c.request('textDocument/definition', at(c, PAYMENTS, '"platform"', 3)), null);
  });

  it('find references, with and without the declaration', async () => {
    const c = payments();
    const params = at(c, OBJECTS, '"code": "vat_rates"', 12);
    const without = await c.request<Location[]>('textDocument/references', { ...params, context: { includeDeclaration: false } });
    const key = (l: Location) => `${path.relative(c.root, fileURLToPath(l.uri))}:${l.range.start.line}:${l.range.start.character}-${l.range.end.character}`;
    const ref1 = rangeOf(c.read(PAYMENTS), 'custom_objects.vat_rates');
    const ref2 = shift(rangeOf(c.read(OBJECTS), '"app": "vat_rates"'), 8, 9);
    const want = [key({ uri: c.uri(OBJECTS), range: ref2 }), key({ uri: c.uri(PAYMENTS), range: ref1 })];
    assert.deepEqual(without.map(key).sort(), want.sort());
    const withDecl = await c.request<Location[]>('textDocument/references', { ...params, context: { includeDeclaration: true } });
    assert.equal(withDecl.length, 3);
    assert.equal(key(withDecl[0]), key({ uri: c.uri(OBJECTS), range: codeRange(c, OBJECTS, 'vat_rates') }));
  });
});

describe('rename', () => {
  const server = useServer(path.join(EXAMPLES, 'payments'));

  it('renames an entity code across files, replacing only the code part of `namespace.code`', async () => {
    const c = server();
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at(c, PAYMENTS, 'custom_objects.vat_rates', 20), newName: 'tax_rates' });
    assert.deepEqual(Object.keys(edit.changes ?? {}).sort(), [c.uri(OBJECTS), c.uri(PAYMENTS)].sort());
    const payments = applyTextEdits(c.read(PAYMENTS), edit.changes![c.uri(PAYMENTS)]);
    assert.ok(payments.includes('"app": "custom_objects.tax_rates"'));
    assert.equal(edit.changes![c.uri(PAYMENTS)][0].range.start.character, rangeOf(c.read(PAYMENTS), 'custom_objects.vat_rates').start.character + 'custom_objects.'.length);
    const objects = applyTextEdits(c.read(OBJECTS), edit.changes![c.uri(OBJECTS)]);
    assert.ok(objects.includes('"code": "tax_rates"') && objects.includes('"app": "tax_rates"') && !objects.includes('"vat_rates"'));
    // Applied, the project is as clean as before.
    await c.applyWorkspaceEdit(edit);
    await c.waitForDiagnostics(PAYMENTS, (ds) => ds.some((d) => String(d.message).includes('custom_objects.tax_rates')));
    await c.settle();
    assert.ok(![...c.allDiagnostics().values()].flat().some((d) => d.severity === 1), 'no errors after the rename');
  });

  it('prepareRename selects only the code part; an invalid new name and a built-in are refused', async () => {
    const c = server();
    await c.open(PAYMENTS);
    const prep = await c.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', at(c, PAYMENTS, 'custom_objects.periods', 3));
    assert.equal(prep.placeholder, 'periods');
    assert.deepEqual(prep.range, shift(rangeOf(c.read(PAYMENTS), 'custom_objects.periods'), 'custom_objects.'.length, 'periods'.length));
    await assert.rejects(c.request('textDocument/rename', { ...at(c, PAYMENTS, 'custom_objects.periods', 3), newName: '1periods' }), /not a valid code/);
    await assert.rejects(c.request('textDocument/rename', { ...at(c, PAYMENTS, 'custom_objects.periods', 3), newName: 'acc.periods' }), /not a valid code/);
    await assert.rejects(c.request('textDocument/prepareRename', at(c, PAYMENTS, '_clients._companies', 3)), /built-ins belong to the platform/);
  });
});

describe('rename to a code that is taken', () => {
  const server = useServer(path.join(EXAMPLES, 'payments'));

  it('is refused for an entity of that kind in that scope; the same code elsewhere is fine', async () => {
    const c = server();
    await c.open(OBJECTS);
    const app = at(c, PAYMENTS, 'custom_objects.periods', 20);
    await assert.rejects(c.request('textDocument/rename', { ...app, newName: 'departments' }), /Cannot rename: app `departments` in namespace `custom_objects` exists already/);
    const field = at(c, OBJECTS, '"code": "rate"', 10);
    await assert.rejects(c.request('textDocument/rename', { ...field, newName: 'country' }), /Cannot rename: field `country` of app `vat_rates` exists already/);
    // `prepayment` is a field of another app.
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...field, newName: 'prepayment' });
    assert.ok(edit.changes?.[c.uri(OBJECTS)]?.length, 'the field is renamed');
    const prep = await c.request<{ placeholder: string }>('textDocument/prepareRename', app);
    assert.equal(prep.placeholder, 'periods');
    // A page of the namespace has a card of its own, `custom_objects.catalogs`: the app's would be the same id.
    await assert.rejects(c.request('textDocument/rename', { ...app, newName: 'catalogs' }), /Cannot rename: page `catalogs` in namespace `custom_objects` has that code; a package names both cards `custom_objects\.catalogs`/);
    // A nested menu page travels inside its top page: its code is free for the app.
    const nested = await c.request<WorkspaceEdit>('textDocument/rename', { ...app, newName: 'periods_page' });
    assert.ok(Object.keys(nested.changes ?? {}).length, 'renamed');
  });
});

describe('rename of a reference written with an escape', () => {
  const W = 'w.isola.json';
  const text = [
    '{',
    '  "kind": "workspace", "code": "w", "title": "W", "version": "1.0.0",',
    '  "apps": [',
    '    { "code": "clients", "title": "Clients" },',
    '    { "code": "orders", "title": "Orders", "fields": [ { "code": "client", "title": "Client", "type": "app", "app": "\\u0077.clients" } ] }',
    '  ]',
    '}',
    '',
  ].join('\n');
  const server = useServer(undefined, { files: { [W]: text } });

  it('replaces the code part as written, leaving the escape whole', async () => {
    const c = server();
    await c.open(W);
    const prep = await c.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', at(c, W, 'clients"', 2, 1));
    assert.deepEqual(prep.range, rangeOf(c.read(W), 'clients', 1));
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at(c, W, '"clients"', 2), newName: 'customers' });
    await c.applyWorkspaceEdit(edit);
    assert.ok(c.read(W).includes('"app": "\\u0077.customers"'), c.read(W));
    assert.equal(JSON.parse(c.read(W)).apps[1].fields[0].app, 'w.customers');
    await c.settle();
    assert.deepEqual(c.diagnostics(W), []);
  });
});

describe('rename of an app with records', () => {
  const server = useServer(path.join(EXAMPLES, 'invoices'));

  it('renames its `data` key too, and the project stays clean', async () => {
    const c = server();
    const file = 'invoices.isola.json';
    await c.open(file);
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at(c, file, '"code": "payment_purposes"', 10), newName: 'purposes' });
    const text = applyTextEdits(c.read(file), edit.changes![c.uri(file)]);
    assert.ok(text.includes('"purposes": "data/payment_purposes.jsonl"'), 'the data key is renamed, the file name is not');
    assert.ok(!/"payment_purposes"/.test(text), 'no key or code keeps the old name');
    await c.applyWorkspaceEdit(edit);
    await c.waitForDiagnostics(file, () => true);
    await c.settle();
    assert.ok(![...c.allDiagnostics().values()].flat().some((d) => d.severity === 1), 'no errors after the rename');
  });

  it('renames a field in the forms of its app that show it', async () => {
    const c = server();
    const file = 'invoices.isola.json';
    await c.open(file);
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at(c, file, '"code": "amount"', 10), newName: 'total' });
    const text = applyTextEdits(c.read(file), edit.changes![c.uri(file)]);
    const app = (JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as { apps: { code: string; forms: { code: string; fields: string[] }[] }[] }).apps.find((a) => a.code === 'invoices')!;
    assert.deepEqual(app.forms.map((f) => f.fields.filter((x) => x === 'total' || x === 'amount')), [['total'], ['total']]);
  });
});

describe('symbols', () => {
  const server = useServer(path.join(EXAMPLES, 'payments'));

  it('document symbols nest fields under their apps', async () => {
    const c = server();
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri(OBJECTS) } });
    const app = symbols.find((s) => s.name === 'vat_rates');
    assert.ok(app, symbols.map((s) => s.name).join(', '));
    assert.equal(app.kind, SymbolKind.Class);
    assert.deepEqual(app.selectionRange, codeRange(c, OBJECTS, 'vat_rates'));
    const fields = (app.children ?? []).filter((s) => s.kind === SymbolKind.Field).map((s) => s.name);
    assert.deepEqual(fields, ['name', 'rate', 'country', 'valid_from']);
    assert.ok(!symbols.some((s) => s.name === 'rate'), 'fields are not top level');
  });

  it('document symbols of an app manifest nest its fields and processes under the app', async () => {
    const c = server();
    const APP = 'shop/orders.isola.json';
    const text = JSON.stringify({ kind: 'app', code: 'orders', namespace: 'shop', version: '1.0.0', fields: [{ code: 'f' }], processes: [{ code: 'p', scripts: [{ code: 's', source: 'x' }] }] }, null, 2);
    await c.open(APP, text);
    try {
      const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri(APP) } });
      const tree = (list: DocumentSymbol[]): unknown[] => list.map((s) => (s.children?.length ? [s.name, tree(s.children)] : s.name));
      assert.deepEqual(tree(symbols), [['orders', ['f', ['p', ['s']]]]]);
    } finally {
      await c.close(APP);
    }
  });

  it('workspace symbols find an entity by part of its id', async () => {
    const c = server();
    const hits = await c.request<SymbolInformation[]>('workspace/symbol', { query: 'objects.vat' });
    const app = hits.find((h) => h.name === 'vat_rates');
    assert.ok(app, hits.map((h) => h.name).join(', '));
    assert.equal(app.containerName, 'custom_objects');
    assert.equal(app.location.uri, c.uri(OBJECTS));
    assert.deepEqual(app.location.range, codeRange(c, OBJECTS, 'vat_rates'));
    assert.ok(!hits.some((h) => h.name === 'payment_requests'));
    const groups = await c.request<SymbolInformation[]>('workspace/symbol', { query: 'treasurers' });
    assert.deepEqual(groups.map((h) => `${h.containerName}.${h.name}`), ['payments.treasurers']);
  });
});
