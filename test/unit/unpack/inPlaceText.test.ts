import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EditNotPlaced, editToValue, formatManifest } from '../../../server/src/core/unpack/inPlace';
import { parseJson } from '../../../server/src/core/json/parse';
import { retrieveInto } from './roundTrip';

const FILE = 'invoices.isola.json';

const retitleScan = (v: any) => {
  v.apps[0].fields.find((f: { code: string }) => f.code === 'scan').title = 'Scan of the invoice';
};
const SCAN = '{ "code": "scan", "title": "Invoice scan", "type": "file" }';

describe('unpack in place: property names written with escapes', () => {
  it('a manifest whose names and values use \\u and \\/ escapes, with CRLF line ends, gets only the changed value replaced', async () => {
    const mine = (t: string) => t
      .replace(SCAN, '{ "c\\u006fde": "sc\\u0061n", "ti\\u0074le" /* its caption */ : "Invoice scan", "type": "file" }')
      .replace('"fields": [\n        { "code": "number"', '"fi\\u0065lds": [\n        { "code": "number"')
      .replace('"apps": [', '"\\u0061pps": [')
      .replace('"title": "Invoice number"', '"title": "Invoice\\/number"')
      .replace(/\n/g, '\r\n');
    const { before, after, result } = await retrieveInto(mine, (v) => {
      retitleScan(v);
      v.apps[0].fields[0].title = 'Invoice/number';
    });
    assert.ok(!(result instanceof Error), String(result));
    assert.equal(after, before.replace('"Invoice scan"', '"Scan of the invoice"'));
  });
});

describe('unpack in place: a property written twice', () => {
  it('is refused when the change falls on it, naming the property and its lines; the file stays as it was', async () => {
    const mine = (t: string) => t.replace(SCAN, '{ "code": "scan", "title": "Scan",\n          "ti\\u0074le": "Invoice scan", "type": "file" }');
    const { before, after, result } = await retrieveInto(mine, retitleScan);
    assert.ok(result instanceof Error, 'refused');
    assert.equal(result.message, `${FILE}: the changes cannot be placed in its text: the property "title" is written twice in one object (on lines 31 and 32) and the package changes its value, so which one to edit is unclear; keep one of them (isola check reports MAN002 there); --force rewrites it`);
    assert.equal(after, before);
  });

  it('on the way to the change (a list written twice) is refused too; --force rewrites the file', async () => {
    const mine = (t: string) => t.replace('  "apps": [', '  "apps": [],\n  "apps": [');
    const refused = await retrieveInto(mine, retitleScan);
    assert.ok(refused.result instanceof Error);
    assert.match(refused.result.message, /the property "apps" is written twice in one object \(on lines 17 and 18\)/);
    const forced = await retrieveInto(mine, retitleScan, true);
    assert.ok(!(forced.result instanceof Error), String(forced.result));
    const written = parseJson(forced.after).value as Record<string, unknown>;
    assert.equal(forced.after, formatManifest(written), 'the whole file is written anew');
    assert.deepEqual(written.apps, (forced.value as Record<string, unknown>).apps);
  });

  it('elsewhere in the file leaves the edit in place', async () => {
    const mine = (t: string) => t.replace('"title": "Invoices",', '"title": "Old", "title": "Invoices",');
    const { before, after, result } = await retrieveInto(mine, retitleScan);
    assert.ok(!(result instanceof Error), String(result));
    assert.equal(after, before.replace('"Invoice scan"', '"Scan of the invoice"'));
  });

  it('is named when removed or changed, and the text is not rewritten behind the person\'s back', () => {
    const text = '// the app\n{\n  "code": "w",\n  "title": "Old",\n  "ti\\u0074le": "Kept", // this one counts\n  "x": 1\n}\n';
    const from = parseJson(text).value as Record<string, unknown>;
    for (const to of [{ code: 'w', title: 'New', x: 1 }, { code: 'w', x: 1 }]) {
      assert.throws(() => editToValue(text, from, to), (e: unknown) => e instanceof EditNotPlaced && /"title" is written twice in one object \(on lines 4 and 5\)/.test(e.message));
    }
    // Written first as another kind of value: refused the same way (it was an error `--force` could not pass).
    const mixed = '{\n  "code": "w",\n  "o": "see below",\n  "o": { "y": 1 }\n}\n';
    assert.throws(() => editToValue(mixed, parseJson(mixed).value, { code: 'w', o: { y: 2 } }), (e: unknown) => e instanceof EditNotPlaced && /"o" is written twice in one object \(on lines 3 and 4\)/.test(e.message));
    // A property of that object written once is still edited in place.
    assert.equal(editToValue(text, from, { ...from, x: 2 }), text.replace('"x": 1', '"x": 2'));
  });
});

describe('unpack in place: a text indented with tabs', () => {
  it('gets an added element of several lines indented with tabs, its neighbours untouched', () => {
    const lines = ['{', '\t"code": "w",', '\t"fields": [', '\t\t{ "code": "a", "title": "A" }, // first', '\t\t{ "code": "b", "title": "B" }', '\t]', '}', ''];
    const text = lines.join('\n');
    const from = parseJson(text).value as { fields: object[] };
    const to = structuredClone(from);
    to.fields.push({ code: 'c', options: [{ code: 'x', title: 'X' }] });
    const out = editToValue(text, from, to);
    assert.equal(out, [
      ...lines.slice(0, 4),
      '\t\t{ "code": "b", "title": "B" },',
      '\t\t{',
      '\t\t\t"code": "c",',
      '\t\t\t"options": [',
      '\t\t\t\t{ "code": "x", "title": "X" }',
      '\t\t\t]',
      '\t\t}',
      ...lines.slice(5),
    ].join('\n'));
  });
});

describe('unpack in place: a manifest that starts with a byte order mark', () => {
  it('keeps the mark, and only the changed value is replaced', async () => {
    const { before, after, result } = await retrieveInto((t) => `\uFEFF${t}`, retitleScan);
    assert.ok(!(result instanceof Error), String(result));
    assert.ok(after.startsWith('\uFEFF{') || after.startsWith('\uFEFF/'), JSON.stringify(after.slice(0, 8)));
    assert.equal(after, before.replace('"Invoice scan"', '"Scan of the invoice"'));
  });
});
