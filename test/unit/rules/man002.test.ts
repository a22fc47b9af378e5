import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configuration, expectDiagnostic, listing, processWithScript, run, solution, workspace } from './fixtures';
import { diagnoseManifest } from '../../../server/src/core/check';
import { buildManifest } from '../../../server/src/core/manifest/build';
import { modelOrigin, referenceEditOf } from '../../../server/src/core/manifest/carryModel';
import { rebuildAfterEdit } from '../../../server/src/core/manifest/edit';
import { Project } from '../../../server/src/core/manifest/project';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';

describe('MAN002 manifest does not match the schema', () => {
  it('fires for a workspace, module or solution coded `global`, the namespace of global objects, with its own words', async () => {
    const c = await run({
      'ws.isola.json': workspace('global'),
      'sol.isola.json': solution('global', []),
      'company.isola.json': configuration('global', []),
    });
    const ds = c.of('MAN002');
    assert.deepEqual(ds.map((d) => d.file).sort(), ['sol.isola.json', 'ws.isola.json']);
    for (const d of ds) assert.match(d.message, /`global` is the namespace of the company's global objects; a workspace, module or solution needs another code/);
  });

  it('malformed JSON is a finding at the error, and the other manifests are still checked', async () => {
    const broken = `{
  "kind": "workspace",
  "code": "sales"
  "version": "1.0.0"
}`;
    const c = await run({
      'broken.isola.json': broken,
      'hr/hr.isola.json': workspace('hr', { processes: [processWithScript('hire', { global: true })] }),
    });
    const d = c.one('MAN002');
    expectDiagnostic(c, d, {
      code: 'MAN002', severity: 'error', file: 'broken.isola.json', covers: '"version"',
      message: ['Malformed JSON', 'comma expected'],
    });
    assert.deepEqual(d.range.start, { line: 3, character: 2 });
    assert.equal(c.result.summary.files, 2);
    assert.equal(c.one('ISO001').file, 'hr/hr.isola.json');
  });

  it('a file that is not JSON at all is one finding per error, not a crash', async () => {
    const c = await run({ 'junk.isola.json': 'this is not json', 'ok.isola.json': workspace('ok') });
    const ds = c.of('MAN002');
    assert.ok(ds.length >= 1);
    assert.ok(ds.every((d) => d.file === 'junk.isola.json' && d.message.startsWith('Malformed JSON')));
  });

  it('fires for a wrong type (`required: "yes"`), at the value, saying what and where', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { apps: [{ code: 'orders', fields: [{ code: 'amount', type: 'money', required: 'yes' }] }] }),
    });
    expectDiagnostic(c, c.one('MAN002'), {
      code: 'MAN002', severity: 'error', file: 'sales/sales.isola.json', covers: 'yes', package: 'sales',
      message: ['`apps[0].fields[0].required`', 'must be boolean', 'the string "yes"'],
    });
  });

  it('does not fire for `required: true`', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { apps: [{ code: 'orders', fields: [{ code: 'amount', type: 'money', required: true }] }] }),
    });
    c.none('MAN002');
  });

  it('fires for a missing top-level `code`', async () => {
    const c = await run({ 'sales/sales.isola.json': { kind: 'workspace', title: 'Sales' } });
    expectDiagnostic(c, c.one('MAN002'), {
      code: 'MAN002', severity: 'error', file: 'sales/sales.isola.json', message: ['missing the required property `code`'],
    });
  });

  it('fires for an entity without `code`, pointing at the entity', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { processes: [{ title: 'No code' }] }) });
    const d = c.one('MAN002');
    assert.ok(d.message.includes('`processes[0]` is missing the required property `code`'), d.message);
    assert.equal(d.range.start.line, 6); // the `{` of processes[0]
  });

  it('fires for an unknown `kind`, at its value', async () => {
    const c = await run({ 'sales/sales.isola.json': { kind: 'widget', code: 'sales' } });
    expectDiagnostic(c, c.one('MAN002'), {
      code: 'MAN002', severity: 'error', file: 'sales/sales.isola.json', covers: 'widget',
      message: ['`kind`', '"workspace"', 'the string "widget"'],
    });
  });

  it('fires for a version that is not semver', async () => {
    const c = await run({ 'sales/sales.isola.json': { kind: 'workspace', code: 'sales', version: 'one' } });
    const d = c.one('MAN002');
    assert.equal(c.text(d), 'one');
    assert.ok(d.message.includes('`version`'), d.message);
  });

  it('does not fire for unknown extra properties (passed through untouched)', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', {
        x_owner: 'team-sales',
        apps: [{ code: 'orders', color: 'red', fields: [{ code: 'amount', type: 'money', precision: 2, display: { width: 3 } }] }],
        processes: [{ code: 'approve', sla: { hours: 4 } }],
      }),
    });
    c.none('MAN002');
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('does not fire for comments and trailing commas', async () => {
    const text = `// sales workspace
{
  /* block comment */
  "kind": "workspace",
  "code": "sales", // line comment
  "apps": [
    { "code": "orders", "fields": [{ "code": "amount", "type": "money", "required": true, },], },
  ],
}
`;
    const c = await run({ 'sales/sales.isola.json': text });
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const c = await run({ 'sales/sales.isola.json': '\ufeff{ "kind": "workspace", "code": "sales" }' });
    c.none('MAN002');
  });
});

describe('MAN002 numbers a package would change', () => {
  it('reports whole numbers past 2^53, digits a double cannot hold and magnitudes past its range, and nothing else', async () => {
    const text = `{
  "kind": "workspace", "code": "w", "title": "W", "version": "1.0.0",
  // 12345678901234567890 in a comment, and in a string below, is no number
  "counters": [{ "code": "c", "start": 12345678901234567890, "step": 1e400, "min": 1e-400, "label": "12345678901234567890",
    "ok": [0.30000000000000004, 9007199254740991, 1.50, 15e-1, -0, 1e308, 123456789012345.6] }]
}`;
    const c = await run({ 'w.isola.json': text });
    const found = c.of('MAN002').map((d) => [c.text(d), d.message]);
    assert.deepEqual(found.map(([at]) => at), ['12345678901234567890', '1e400', '1e-400']);
    assert.match(found[0][1], /The number 12345678901234567890 cannot be kept as written: read as a number it becomes 12345678901234567000 in a package/);
    assert.match(found[1][1], /becomes null in a package/);
  });
});

describe('MAN002 strings no environment stores', () => {
  // Every reader refuses a card holding a NUL or an unpaired surrogate (PostgreSQL stores neither),
  // as it refuses such a data line; the check must refuse them first, so no build makes the package.
  it('reports a NUL and an unpaired surrogate at their strings, and a property name holding one at the key', async () => {
    const text = `{
  "kind": "workspace", "code": "n", "title": "N", "version": "1.0.0",
  "processes": [{ "code": "p", "scripts": [{ "code": "strip", "source": "export const strip = (s: string) => s.split('\\u0000').join('')" }] }],
  "apps": [{ "code": "a", "fields": [{ "code": "f", "type": "string", "hint": "emoji half \\ud83d", "x\\u0000y": 1 }] }]
}`;
    const c = await run({ 'n.isola.json': text });
    const found = c.of('MAN002');
    assert.deepEqual(found.map((d) => c.text(d)), [
      "export const strip = (s: string) => s.split('\\u0000').join('')", 'emoji half \\ud83d', 'x\\u0000y',
    ]);
    assert.match(found[0].message, /^The string holds a NUL character \(`\\u0000`\), which no environment stores: every reader refuses a package that carries it/);
    assert.match(found[1].message, /^The string holds an unpaired surrogate/);
    assert.match(found[2].message, /^The property name holds a NUL character/);
    for (const d of found) assert.equal(d.severity, 'error');
  });

  it('is the one finding on a string the schema refuses too (a reference, a version), and the reference is still resolved as other invalid ones are', async () => {
    const text = `{
  "kind": "workspace", "code": "w", "title": "W", "version": "1.0.\\u0000",
  "apps": [{ "code": "x", "fields": [
    { "code": "f", "type": "app", "app": "\\ud83d\\ude00.y\\udc00" },
    { "code": "g", "type": "app", "app": "y\\udc00" },
    { "code": "h", "type": "app", "app": "a-b" }
  ] }]
}`;
    const c = await run({ 'w.isola.json': text });
    const found = c.of('MAN002');
    assert.deepEqual(found.map((d) => c.text(d)), ['1.0.\\u0000', '\\ud83d\\ude00.y\\udc00', 'y\\udc00', 'a-b'], listing(c.result));
    assert.match(found[0].message, /^The string holds a NUL character/);
    assert.match(found[1].message, /^The string holds an unpaired surrogate/);
    assert.match(found[2].message, /^The string holds an unpaired surrogate/);
    assert.match(found[3].message, /must match/);
    // A reference the schema refuses is still looked up: `a-b` is an ISO006 too, and so are these.
    assert.deepEqual(c.of('ISO006').map((d) => c.text(d)), ['\\ud83d\\ude00.y\\udc00', 'y\\udc00', 'a-b']);
  });

  it('stays the one finding on a reference with an unpaired surrogate whose other characters are edited, as a fresh check finds', () => {
    const text = '{ "kind": "workspace", "code": "crm", "title": "CRM", "apps": [{ "code": "deals" }],\n  "pages": [{ "code": "p", "title": "P", "app": "dealz\\udc00" }] }\n';
    const catalog = defaultCatalog();
    const diagnose = (m: ReturnType<typeof buildManifest>) => diagnoseManifest(new Project('/p', [m], catalog), m).filter((d) => d.code === 'MAN002');
    const old = buildManifest('/p', '/p/crm.isola.json', text);
    assert.equal(diagnose(old).length, 1);
    const next = text.replace('dealz', 'deals');
    const fast = rebuildAfterEdit('/p', old, next);
    assert.ok(fast && referenceEditOf(modelOrigin(fast)), 'a reference edit, whose findings are recomputed from the last ones');
    assert.deepEqual(diagnose(fast), diagnose(buildManifest('/p', '/p/crm.isola.json', next)));
    assert.deepEqual(diagnose(fast).map((d) => d.message.slice(0, 38)), ['The string holds an unpaired surrogate']);
  });

  it('does not fire for a whole surrogate pair, an escaped backslash before u0000, or other escapes', async () => {
    const c = await run({ 'n.isola.json': '{ "kind": "workspace", "code": "n", "title": "smile \\ud83d\\ude00 \\\\u0000 \\u00e9 \\u0001", "version": "1.0.0" }' });
    c.none('MAN002');
  });

  it('keeps reporting a NUL in an element whose reference is edited, as a fresh check does', () => {
    const text = '{ "kind": "workspace", "code": "crm", "title": "CRM", "apps": [{ "code": "deals" }],\n  "pages": [{ "code": "p", "title": "P\\u0000", "app": "deals" }] }\n';
    // One catalog for every version: a run is reused only for the same catalog.
    const catalog = defaultCatalog();
    const diagnose = (m: ReturnType<typeof buildManifest>) => diagnoseManifest(new Project('/p', [m], catalog), m).filter((d) => d.code === 'MAN002');
    const old = buildManifest('/p', '/p/crm.isola.json', text);
    assert.equal(diagnose(old).length, 1);
    const next = text.replace('"app": "deals"', '"app": "deal"');
    const fast = rebuildAfterEdit('/p', old, next);
    assert.ok(fast && referenceEditOf(modelOrigin(fast)), 'a reference edit, whose findings are recomputed from the last ones');
    assert.deepEqual(diagnose(fast), diagnose(buildManifest('/p', '/p/crm.isola.json', next)));
    assert.equal(diagnose(fast).length, 1);
  });
});
