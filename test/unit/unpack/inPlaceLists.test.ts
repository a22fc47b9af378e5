import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EditNotPlaced, editToValue } from '../../../server/src/core/unpack/inPlace';
import { parseJson } from '../../../server/src/core/json/parse';
import { retrieveInto } from './roundTrip';

const FILE = 'invoices.isola.json';

const FORM = '"fields": ["number", "issue_date", "due_date", "contractor", "legal_entity", "amount", "currency", "purpose", "scan"]';
const createForm = (v: any) => v.apps[0].forms.find((f: { code: string }) => f.code === 'create');

describe('unpack in place: lists of plain values', () => {
  it('a field added to a form\'s one-line list joins that line; nothing else moves', async () => {
    const { before, after, result } = await retrieveInto((t) => t, (v) => createForm(v).fields.push('comment'));
    assert.ok(!(result instanceof Error), String(result));
    assert.ok(before.includes(FORM));
    assert.equal(after, before.replace(FORM, FORM.replace('"scan"]', '"scan", "comment"]')));
  });

  it('a value removed from a list of one value per line takes its line and its comment; the other comments stay', () => {
    const text = '{\n  "members": [\n    "a", // the first\n    // the second\n    "b",\n    "c" // the last\n  ]\n}\n';
    const from = parseJson(text).value as { members: string[] };
    assert.equal(editToValue(text, from, { members: ['a', 'c'] }), '{\n  "members": [\n    "a", // the first\n    "c" // the last\n  ]\n}\n');
  });

  it('values reordered trade places; the separators and comments between them stay where they were written', () => {
    const text = '{\n  "members": [\n    "a", // one\n    "b" // two\n  ]\n}\n';
    assert.equal(editToValue(text, parseJson(text).value, { members: ['b', 'a'] }), '{\n  "members": [\n    "b", // one\n    "a" // two\n  ]\n}\n');
  });
});

describe('unpack in place: lists of objects without codes', () => {
  const text = '{\n  "permissions": [\n    // clerks read only\n    { "group": "clerks", "access": "read" },\n    { "group": "chiefs", "access": "full" } // all of it\n  ]\n}\n';
  const from = parseJson(text).value as { permissions: { group: string; access: string }[] };

  it('one added joins the list on a line of its own; the comments stay', () => {
    const to = structuredClone(from);
    to.permissions.push({ group: 'auditors', access: 'read' });
    assert.equal(editToValue(text, from, to), text.replace('"full" } // all of it\n', '"full" }, // all of it\n    { "group": "auditors", "access": "read" }\n'));
  });

  it('one removed takes its comment with it, and only that', () => {
    const to = { permissions: [from.permissions[1]] };
    assert.equal(editToValue(text, from, to), '{\n  "permissions": [\n    { "group": "chiefs", "access": "full" } // all of it\n  ]\n}\n');
  });

  it('one changed in place keeps its comment', () => {
    const to = structuredClone(from);
    to.permissions[0].access = 'update';
    assert.equal(editToValue(text, from, to), text.replace('"access": "read"', '"access": "update"'));
  });
});

describe('unpack in place: a list whose elements cannot be matched', () => {
  const text = [
    '{',
    '  // the workspace',
    '  "code": "w",',
    '  "apps": [',
    '    // first',
    '    { "code": "a", "title": "A" },',
    '    // twice',
    '    { "code": "a", "title": "A2" },',
    '    { "code": "b", "title": "B" } // bee',
    '  ]',
    '}',
    '',
  ].join('\n');
  const from = parseJson(text).value as { apps: { code: string; title: string }[] };

  it('is refused when rewriting it would drop comments, naming the shared code and the comments\' lines', () => {
    const to = structuredClone(from);
    to.apps.splice(1, 1);
    assert.throws(() => editToValue(text, from, to), (e: unknown) => {
      assert.ok(e instanceof EditNotPlaced);
      assert.equal(e.message, '"apps" (line 4) holds two elements with code "a" (lines 6 and 8), so its elements cannot be matched to the package\'s, and rewriting it would drop the comments on lines 5, 7 and 9');
      // What --force may write: the list rewritten, the comment outside it kept, the value exact.
      assert.ok(e.dropping?.includes('// the workspace'));
      assert.deepEqual(parseJson(e.dropping!).value, to);
      return true;
    });
  });

  it('is edited element by element when the shared code stays where it is', () => {
    const to = structuredClone(from);
    to.apps[1].title = 'A3';
    to.apps[2].title = 'Bee';
    assert.equal(editToValue(text, from, to), text.replace('"A2"', '"A3"').replace('"B" }', '"Bee" }'));
  });

  it('with no comments in it is rewritten, as before', () => {
    const plain = text.replace('    // first\n', '').replace('    // twice\n', '').replace(' // bee', '');
    const to = structuredClone(from);
    to.apps.splice(1, 1);
    const out = editToValue(plain, from, to);
    assert.deepEqual(parseJson(out).value, to);
    assert.ok(out.startsWith('{\n  // the workspace\n'));
  });
});

describe('unpack in place: a manifest that repeats a code (MAN001) in a list the package changes', () => {
  const DUE = '        { "code": "due_date", "title": "Due date", "type": "date" },\n';
  const mine = (t: string) => t.replace(DUE, DUE + DUE);
  const addNote = (v: any) => v.apps[0].fields.push({ code: 'note', title: 'Note', type: 'string' });

  it('is refused, naming the code; --force then drops only the comments in that list', async () => {
    const refused = await retrieveInto(mine, addNote);
    assert.ok(refused.result instanceof Error, 'refused');
    assert.equal(refused.result.message, `${FILE}: the changes cannot be placed in its text: "apps[0].fields" (line 21) holds two elements with code "due_date" (lines 24 and 25), so its elements cannot be matched to the package's, and rewriting it would drop the comments on line 27; --force writes the changes and drops those comments`);
    assert.equal(refused.after, refused.before, 'the file stays as it was');
    const forced = await retrieveInto(mine, addNote, true);
    assert.ok(!(forced.result instanceof Error), String(forced.result));
    const fields = (parseJson(forced.after).value as any).apps[0].fields as { code: string }[];
    assert.deepEqual(fields.map((f) => f.code), (forced.value as any).apps[0].fields.map((f: { code: string }) => f.code));
    assert.ok(!forced.after.includes('// Rubles'), 'the comment in the list went with it');
    // Everything outside the list is as it was: the comments above the manifest, the forms' one-line lists.
    assert.ok(forced.after.startsWith(forced.before.slice(0, forced.before.indexOf('"fields": ['))));
    assert.ok(forced.after.includes(FORM));
    // The list is written as a new manifest's: a field on a line.
    assert.ok(forced.after.includes('\n        { "code": "amount", "title": "Amount", "type": "money", "required": true },\n'));
  });
});
