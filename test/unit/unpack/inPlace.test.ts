import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editToValue } from '../../../server/src/core/unpack/inPlace';
import { mergeManifest } from '../../../server/src/core/unpack/merge';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { parseJson } from '../../../server/src/core/json/parse';
import { build, buildDesignless as buildData } from './roundTrip';

const REPO = path.resolve(__dirname, '../../../..');

function copyOf(example: string): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-inplace-'));
  cpSync(path.join(REPO, 'examples', example), path.join(tmp, 'project'), { recursive: true });
  return tmp;
}

/** Lines of `b` that are not the line at the same place in `a` (the texts have as many lines). */
function changedLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  assert.equal(y.length, x.length, `line count ${x.length} -> ${y.length}:\n${b}`);
  return y.filter((l, i) => l !== x[i]);
}

describe('unpack into a folder that holds the manifests edits them in place', () => {
  it('a package built from the folder changes no manifest, script, template or data file', async () => {
    const tmp = copyOf('invoices');
    try {
      const dir = path.join(tmp, 'project');
      await build(dir, 'workspace', 'invoices', path.join(tmp, 'p.isolapkg'));
      const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir });
      assert.deepEqual(r.files.filter((f) => f.status !== 'unchanged' && f.file !== 'isola.history.json'), []);
      assert.ok(r.files.some((f) => f.file === 'invoices.isola.json'));
      assert.ok(r.files.some((f) => f.file === 'scripts/find_contractor.ts'));
      assert.ok(r.files.some((f) => f.file === 'templates/invoice.docx.txt'));
      assert.ok(r.files.some((f) => f.file === 'data/payment_purposes.jsonl'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the history is merged where the build keeps it: the root manifest\'s folder when it holds one', async () => {
    const tmp = copyOf('invoices');
    try {
      await build(path.join(tmp, 'project'), 'workspace', 'invoices', path.join(tmp, 'p.isolapkg'));
      const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir: tmp, dryRun: true });
      assert.ok(r.files.some((f) => f.file === 'project/isola.history.json'), JSON.stringify(r.files));
      assert.ok(!r.files.some((f) => f.file === 'isola.history.json'));
      assert.deepEqual(r.files.filter((f) => f.file.endsWith('.isola.json')).map((f) => `${f.status} ${f.file}`), ['unchanged project/invoices.isola.json']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a process the package lacks leaves the manifest; its script file stays, with a note', async () => {
    const tmp = copyOf('invoices');
    try {
      const dir = path.join(tmp, 'project');
      const other = path.join(tmp, 'other');
      cpSync(dir, other, { recursive: true });
      const file = path.join(other, 'invoices.isola.json');
      const value = parseJson(readFileSync(file, 'utf8')).value as { processes: unknown[]; apps: { buttons?: unknown }[] };
      value.processes = [];
      delete value.apps[0].buttons;
      writeFileSync(file, JSON.stringify(value));
      await build(other, 'workspace', 'invoices', path.join(tmp, 'p.isolapkg'));
      const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir });
      assert.deepEqual(r.files.find((f) => f.file === 'invoices.isola.json'), { file: 'invoices.isola.json', status: 'changed', entities: 2 });
      assert.ok(r.notes.some((n) => n.startsWith('scripts/find_contractor.ts is no longer named by invoices.isola.json')), r.notes.join('\n'));
      assert.ok(readFileSync(path.join(dir, 'scripts/find_contractor.ts'), 'utf8').length > 0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a changed field title changes that one line; every comment and the rest of the text stay', async () => {
    const tmp = copyOf('invoices');
    try {
      const dir = path.join(tmp, 'project');
      const other = path.join(tmp, 'other');
      cpSync(dir, other, { recursive: true });
      const file = 'invoices.isola.json';
      const before = readFileSync(path.join(dir, file), 'utf8');
      writeFileSync(path.join(other, file), before.replace('"title": "Invoice scan"', '"title": "Scan of the invoice"'));
      await build(other, 'workspace', 'invoices', path.join(tmp, 'p.isolapkg'));
      const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir });
      const after = readFileSync(path.join(dir, file), 'utf8');
      assert.deepEqual(changedLines(before, after), ['        { "code": "scan", "title": "Scan of the invoice", "type": "file" },']);
      assert.deepEqual(r.files.find((f) => f.file === file), { file, status: 'changed', entities: 1 });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('an added element goes on a line of its own after its neighbour\'s comment; a property added to a one-line object stays on its line', () => {
    const text = [
      '{',
      '  "kind": "workspace",',
      '  "code": "invoices",',
      '  "apps": [',
      '    {',
      '      "code": "invoices",',
      '      "fields": [',
      '        { "code": "contractor", "type": "app", "app": "_clients._companies" }, // built in: fine',
      '        { "code": "purpose", "type": "app", "app": "payment_purposes" }        // same workspace',
      '      ],',
      '      "statuses": [{ "code": "new" }, { "code": "paid" }]',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const from = parseJson(text).value as Record<string, unknown>;
    const to = structuredClone(from) as { apps: { fields: object[]; statuses: Record<string, unknown>[] }[] };
    const fields = to.apps[0].fields;
    fields.splice(1, 0, { code: 'vat', type: 'money' });
    fields.unshift({ code: 'number', type: 'string' });
    fields.push({ code: 'notes', type: 'text' });
    to.apps[0].statuses[1].title = 'Paid';
    to.apps[0].statuses.push({ code: 'void' });
    const out = editToValue(text, from, to);
    assert.equal(out, [
      '{',
      '  "kind": "workspace",',
      '  "code": "invoices",',
      '  "apps": [',
      '    {',
      '      "code": "invoices",',
      '      "fields": [',
      '        { "code": "number", "type": "string" },',
      '        { "code": "contractor", "type": "app", "app": "_clients._companies" }, // built in: fine',
      '        { "code": "vat", "type": "money" },',
      '        { "code": "purpose", "type": "app", "app": "payment_purposes" },        // same workspace',
      '        { "code": "notes", "type": "text" }',
      '      ],',
      '      "statuses": [{ "code": "new" }, { "code": "paid", "title": "Paid" }, { "code": "void" }]',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n'));
  });

  it('an added element keeps a trailing comma style, CRLF line ends, and stays below a comment about the first element', () => {
    const edit = (lines: string[], eol: string, change: (v: { groups: object[]; apps?: object[] }) => void) => {
      const text = lines.join(eol);
      const from = parseJson(text).value as { groups: object[] };
      const to = structuredClone(from);
      change(to);
      return editToValue(text, from, to);
    };
    const trailing = edit(['{', '  // head', '  "code": "w",', '  "groups": [', '    { "code": "a" }, // A', '    { "code": "b" },', '  ]', '}', ''], '\n', (v) => v.groups.push({ code: 'c' }));
    assert.equal(trailing, ['{', '  // head', '  "code": "w",', '  "groups": [', '    { "code": "a" }, // A', '    { "code": "b" },', '    { "code": "c" },', '  ]', '}', ''].join('\n'));
    const crlf = edit(['{', '  "code": "w",', '  "groups": [', '    { "code": "a" }', '  ]', '}', ''], '\r\n', (v) => v.groups.push({ code: 'b', members: [{ code: 'x', deep: [{ y: 1 }] }] }));
    assert.doesNotMatch(crlf.replace(/\r\n/g, ''), /\n/, 'every line ends as the file\'s do');
    const above = edit(['{', '  "code": "w",', '  "groups": [', '    // the admins, keep first', '    { "code": "admins" }', '  ]', '}', ''], '\n', (v) => v.groups.unshift({ code: 'aaa' }));
    assert.ok(above.indexOf('"aaa"') < above.indexOf('// the admins'), 'the comment stays with the element it is about');
  });

  it('a removed element or property takes exactly its own lines and comments; its neighbours stay byte for byte', () => {
    const edit = (lines: string[], change: (v: any) => void, eol = '\n') => {
      const text = lines.join(eol);
      const from = parseJson(text).value;
      const to = structuredClone(from);
      change(to);
      return editToValue(text, from, to).split(eol);
    };
    const fields = [
      '{',
      '  "code": "w",',
      '  "fields": [',
      '    { "code": "amount", "title": "Amount", "type": "money", "required": true },',
      '    // Rubles, US dollars and euros come from the built-in currency catalog.',
      '    { "code": "currency", "title": "Currency", "type": "app", "app": "_system_catalogs._currencies", "required": true },',
      '    { "code": "contractor", "title": "Contractor", "type": "app", "app": "_clients._companies", "required": true }, // who',
      '    {',
      '      "code": "last",',
      '      "title": "Last"',
      '    }',
      '  ]',
      '}',
      '',
    ];
    const without = (i: number, n = 1) => [...fields.slice(0, i), ...fields.slice(i + n)];
    // In the middle, with its comment line above it.
    assert.deepEqual(edit(fields, (v) => v.fields.splice(1, 1)), without(4, 2));
    // The last one, over several lines: the one before it loses the comma it had for it, and nothing else.
    const last = without(7, 4);
    last[6] = '    { "code": "contractor", "title": "Contractor", "type": "app", "app": "_clients._companies", "required": true } // who';
    assert.deepEqual(edit(fields, (v) => v.fields.splice(3, 1)), last);
    // CRLF line ends stay.
    assert.deepEqual(edit(fields, (v) => v.fields.splice(1, 1), '\r\n'), without(4, 2));
    // A property of an object of one property per line; of an object on one line.
    assert.deepEqual(edit(fields, (v) => delete v.fields[3].title), [...fields.slice(0, 8), '      "code": "last"', ...fields.slice(10)]);
    const one = edit(fields, (v) => delete v.fields[0].required);
    assert.deepEqual(one, [...fields.slice(0, 3), '    { "code": "amount", "title": "Amount", "type": "money" },', ...fields.slice(4)]);
    // An element of a list on one line.
    assert.deepEqual(edit(['{ "code": "w", "groups": [{ "code": "a" }, { "code": "b" }, { "code": "c" }] }', ''], (v) => v.groups.splice(1, 1)), ['{ "code": "w", "groups": [{ "code": "a" }, { "code": "c" }] }', '']);
    assert.deepEqual(edit(['{ "code": "w", "groups": [{ "code": "a" }, { "code": "b" }] }', ''], (v) => v.groups.splice(1, 1)), ['{ "code": "w", "groups": [{ "code": "a" }] }', '']);
  });

  it('comments everywhere survive an added entity, a removed one and a changed property', () => {
    const text = [
      '// head comment',
      '{',
      '  /* kind */ "kind": "workspace", // after kind',
      '  "code": "ws",',
      '  // before groups',
      '  "groups": [',
      '    // first group',
      '    { "code": "a", "title": "A" }, // after a',
      '    /* b goes */ { "code": "b", "title": "B" },',
      '    { "code": "c", "title": "C" } // after c',
      '  ],',
      '  "settings": [',
      '    { "code": "url", "default": "x", "value": "secret" } // the value stays home',
      '  ]',
      '} // tail',
      '',
    ].join('\n');
    const from = parseJson(text).value as Record<string, unknown>;
    const want = {
      kind: 'workspace', code: 'ws',
      groups: [{ code: 'a', title: 'A2' }, { code: 'c', title: 'C' }, { code: 'd', title: 'D' }],
      settings: [{ code: 'url', default: 'y' }],
    };
    const { value, changed } = mergeManifest('module', from, want);
    assert.equal(changed, 4);
    const out = editToValue(text, from, value);
    for (const c of ['// head comment', '/* kind */', '// after kind', '// before groups', '// first group', '// after a', '// after c', '// the value stays home', '// tail']) {
      assert.ok(out.includes(c), `${c} kept in\n${out}`);
    }
    assert.ok(!out.includes('"B"'));
    const parsed = parseJson(out).value as { groups: { code: string; title: string }[]; settings: { value: string; default: string }[] };
    assert.deepEqual(parsed.groups.map((g) => `${g.code}=${g.title}`), ['a=A2', 'c=C', 'd=D']);
    assert.deepEqual(parsed.settings[0], { code: 'url', default: 'y', value: 'secret' });
  });

  it('deleted sub-entities the package leaves out stay where they were', () => {
    const text = '{\n  "kind": "workspace",\n  "code": "ws",\n  "apps": [\n    {\n      "code": "x",\n      "fields": [\n        { "code": "a" },\n        { "code": "gone", "deleted": true }, // kept\n        { "code": "b" }\n      ]\n    }\n  ]\n}\n';
    const from = parseJson(text).value as Record<string, unknown>;
    const { value } = mergeManifest('workspace', from, { kind: 'workspace', code: 'ws', apps: [{ code: 'x', fields: [{ code: 'a' }, { code: 'b', type: 'text' }] }] });
    const out = editToValue(text, from, value);
    assert.ok(out.includes('{ "code": "gone", "deleted": true }, // kept'), out);
    assert.deepEqual((parseJson(out).value as { apps: { fields: unknown[] }[] }).apps[0].fields, [{ code: 'a' }, { code: 'gone', deleted: true }, { code: 'b', type: 'text' }]);
  });
});

describe('a configuration manifest that includes nothing', () => {
  it('comes back byte for byte from its own package: no `includes` is added, nothing is reformatted', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-inplace-conf-'));
    try {
      const dir = path.join(tmp, 'project');
      const text = [
        '{ "kind": "configuration", "code": "co", "version": "1.0.0", "languages": ["en"],',
        '  "orgChart": { "code": "ceo", "children": [ { "code": "finance" } ] },',
        '  "globals": { "groups": [ { "code": "all_managers" } ] } }',
        '',
      ].join('\n');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'co.isola.json'), text);
      await build(dir, 'configuration', 'co', path.join(tmp, 'p.isolapkg'));
      const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir });
      assert.deepEqual(r.files.filter((f) => f.status !== 'unchanged' && f.file !== 'isola.history.json').map((f) => `${f.status} ${f.file}`), []);
      assert.equal(readFileSync(path.join(dir, 'co.isola.json'), 'utf8'), text);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('a sub-entity deleted in the manifest that the environment kept', () => {
  it('stays deleted when the package (an export) carries it: the manifest counts as unchanged, its text untouched', () => {
    const text = '{\n  "kind": "workspace",\n  "code": "ws",\n  "apps": [\n    {\n      "code": "x",\n      "fields": [\n        { "code": "a" },\n        { "code": "gone", "type": "text", "deleted": true }, // deleted here\n        { "code": "b" }\n      ]\n    }\n  ]\n}\n';
    const from = parseJson(text).value as Record<string, unknown>;
    // An update never deletes, so the environment still has the field and its export carries it.
    const { value, changed, notes } = mergeManifest('workspace', from, { kind: 'workspace', code: 'ws', apps: [{ code: 'x', fields: [{ code: 'a' }, { code: 'gone', type: 'text' }, { code: 'b' }] }] });
    assert.equal(changed, 0);
    assert.equal(editToValue(text, from, value), text);
    assert.deepEqual(notes, []);
  });

  it('stays deleted when the environment changed it since, and the unpack says so', () => {
    const text = '{\n  "kind": "workspace",\n  "code": "ws",\n  "apps": [\n    {\n      "code": "x",\n      "fields": [\n        { "code": "a" },\n        { "code": "gone", "type": "text", "deleted": true },\n        { "code": "b" }\n      ]\n    }\n  ]\n}\n';
    const from = parseJson(text).value as Record<string, unknown>;
    // Someone made the kept field a number in the environment.
    const { value, notes } = mergeManifest('workspace', from, { kind: 'workspace', code: 'ws', apps: [{ code: 'x', fields: [{ code: 'a' }, { code: 'gone', type: 'number' }, { code: 'b' }] }] });
    assert.deepEqual((value.apps as { fields: unknown[] }[])[0].fields[1], { code: 'gone', type: 'number', deleted: true });
    assert.equal(notes.length, 1);
    assert.match(notes[0], /^x\.fields\.gone is deleted in the manifest, but the environment still has it and changed it since: the manifest takes the environment's version and keeps it deleted/);
  });
});

describe('an org chart with one head written without a list', () => {
  it('stays without a list when the package has one root; a new unit goes under its parent', () => {
    const text = '{\n  "kind": "configuration",\n  "code": "co",\n  // the head\n  "orgChart": { "code": "ceo", "children": [{ "code": "fin" }] }\n}\n';
    const from = parseJson(text).value as Record<string, unknown>;
    const { value, changed } = mergeManifest('configuration', from, { kind: 'configuration', code: 'co', orgChart: [{ code: 'ceo', children: [{ code: 'fin' }, { code: 'hr' }] }] });
    assert.equal(changed, 1);
    const out = editToValue(text, from, value);
    assert.ok(out.includes('// the head'), out);
    assert.deepEqual((parseJson(out).value as { orgChart: unknown }).orgChart, { code: 'ceo', children: [{ code: 'fin' }, { code: 'hr' }] });
  });
});

describe('a data-only package', () => {
  it('writes its records to the file the manifest already names, and touches no manifest', async () => {
    const tmp = copyOf('invoices');
    try {
      const dir = path.join(tmp, 'project');
      const data = path.join(dir, 'data/payment_purposes.jsonl');
      const records = readFileSync(data, 'utf8');
      await buildData(dir, path.join(tmp, 'd.isolapkg'));
      writeFileSync(data, '');
      const r = await unpackPackage({ file: path.join(tmp, 'd.isolapkg'), dir });
      assert.deepEqual(r.files.map((f) => `${f.status} ${f.file}`), ['changed data/payment_purposes.jsonl']);
      assert.equal(readFileSync(data, 'utf8'), records.split('\n').map((l) => l.trim()).filter(Boolean).join('\n') + '\n');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
