import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { foldedName, unsafeEntryName } from '../../../server/src/core/packaging/entryNames';
import { historyOf, historyShapeError, updateHistory } from '../../../server/src/core/packaging/history';
import { orderByReferences } from '../../../server/src/core/packaging/dataOrder';
import type { Card, History } from '../../../server/src/core/packaging/format';
import { project } from '../helpers';
import { solution, workspace } from '../rules/fixtures';

describe('canonicalJson', () => {
  it('does not depend on key order, at any depth', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' }, c: null };
    const b = { c: null, a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(canonicalJson(a), '{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1,"c":null}');
    assert.equal(sha256(canonicalJson(a)), sha256(canonicalJson(b)));
  });

  it('sorts keys by their characters, numeric-looking keys too, whether or not they came in order', () => {
    // The engine lists integer-like keys first and by value; the canonical order is by characters.
    assert.equal(canonicalJson({ 9: 'n', 10: 't', a: 1 }), '{"10":"t","9":"n","a":1}');
    assert.equal(canonicalJson({ a: 1, b: { c: 2, d: 3 } }), '{"a":1,"b":{"c":2,"d":3}}');
    assert.equal(canonicalJson({ 'a"b': 1, 'a\\': 2 }), '{"a\\"b":1,"a\\\\":2}');
    assert.equal(canonicalJson({ 'a"b': [1] }), '{"a\\"b":[1]}');
  });

  it('keeps array order (order is content)', () => {
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
    assert.notEqual(canonicalJson({ languages: ['en', 'ru'] }), canonicalJson({ languages: ['ru', 'en'] }));
  });

  it('drops undefined properties, as JSON does; undefined array items are null, as JSON does', () => {
    assert.equal(canonicalJson({ a: 1, b: undefined }), canonicalJson({ a: 1 }));
    assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
    assert.equal(canonicalJson([1, undefined]), JSON.stringify([1, undefined]));
    assert.equal(canonicalJson(undefined), 'null');
  });

  it('is valid JSON that parses back to the same value', () => {
    const v = { 'ключ': 'значение "в кавычках"\n', n: -1.5e-7, t: true, e: [], o: {}, u: '\u2028' };
    const text = canonicalJson(v);
    assert.deepEqual(JSON.parse(text), v);
    assert.ok(!/\s/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '')), 'no whitespace outside strings');
  });

  it('spells every value as a plain reference implementation does: random values with awkward keys', () => {
    // The definition, written the plain way: keys sorted by their characters at every depth, undefined properties left out.
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
    };
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    // Half the values have no integer-like key, which the engine would list first.
    const PLAIN = ['a', 'b', 'code', 'title', 'Z', '_x', '-1', '1.5', '__proto__', 'toJSON', 'é', 'a"b', 'a\\', ''];
    const INTEGER_LIKE = ['10', '9', '0', '01', '4294967294', '4294967295'];
    let KEYS = PLAIN;
    const value = (depth: number): unknown => {
      switch (depth > 4 ? rnd(4) : rnd(7)) {
        case 0: return rnd(2) ? null : rnd(1000) - 500;
        case 1: return ['', 'x', 'é\n', '\u2028', '"q"'][rnd(5)];
        case 2: return rnd(2) === 1;
        case 3: return rnd(3) ? -0 : 1.5e-7;
        case 4: return Array.from({ length: rnd(4) }, () => (rnd(8) ? value(depth + 1) : undefined));
        default: {
          // JSON.parse, as packages are read: own "__proto__" keys included.
          const entries = Array.from({ length: rnd(6) }, () => `${JSON.stringify(KEYS[rnd(KEYS.length)])}:${JSON.stringify(value(depth + 1)) ?? 'null'}`);
          const o = JSON.parse(`{${entries.join(',')}}`) as Record<string, unknown>;
          if (rnd(10) === 0) o.extra = undefined;
          return o;
        }
      }
    };
    for (let i = 0; i < 4000; i++) {
      KEYS = i % 2 ? PLAIN : [...PLAIN, ...INTEGER_LIKE];
      const v = value(0);
      assert.equal(canonicalJson(v), reference(v), JSON.stringify(v));
    }
    // Objects that JSON.stringify would spell by their toJSON are spelled by their own keys.
    assert.equal(canonicalJson({ b: new Date(0), a: 1 }), '{"a":1,"b":{}}');
    assert.equal(canonicalJson({ a: { toJSON: 'not a function', b: 1 } }), '{"a":{"b":1,"toJSON":"not a function"}}');
  });

  it('distinguishes values that only look alike', () => {
    assert.notEqual(canonicalJson({ a: 1 }), canonicalJson({ a: '1' }));
    assert.notEqual(canonicalJson({ a: null }), canonicalJson({}));
    assert.notEqual(canonicalJson({ a: [] }), canonicalJson({ a: {} }));
  });
});

const card = (id: string, hash: string): Card => ({ id, type: 'group', namespace: id.split('.')[0], code: id.split('.').pop()!, deleted: false, hash, body: {} });

describe('updateHistory', () => {
  const T1 = '2024-01-01T00:00:00.000Z';
  const T2 = '2024-02-01T00:00:00.000Z';
  const T3 = '2024-03-01T00:00:00.000Z';

  it('starts a history for a new entity', () => {
    const r = updateHistory({}, [card('ws.a', 'h1')], T1);
    assert.deepEqual(r.history, { 'ws.a': [{ hash: 'h1', at: T1 }] });
    assert.deepEqual(r.changed, ['ws.a']);
  });

  it('appends nothing when the content did not change', () => {
    const h: History = { 'ws.a': [{ hash: 'h1', at: T1 }] };
    const r = updateHistory(h, [card('ws.a', 'h1')], T2);
    assert.deepEqual(r.history, h);
    assert.deepEqual(r.changed, []);
  });

  it('appends the new hash, with its time, after the old ones (append only)', () => {
    const h: History = { 'ws.a': [{ hash: 'h1', at: T1 }] };
    const r = updateHistory(h, [card('ws.a', 'h2')], T2);
    assert.deepEqual(r.history['ws.a'], [{ hash: 'h1', at: T1 }, { hash: 'h2', at: T2 }]);
    assert.deepEqual(r.changed, ['ws.a']);
    // Going back to an earlier content is a change too: it is appended again, never rewritten.
    const back = updateHistory(r.history, [card('ws.a', 'h1')], T3);
    assert.deepEqual(back.history['ws.a'].map((e) => e.hash), ['h1', 'h2', 'h1']);
    assert.deepEqual(back.changed, ['ws.a']);
  });

  it('keeps the history of ids the cards do not mention', () => {
    const h: History = { 'other.x': [{ hash: 'x1', at: T1 }, { hash: 'x2', at: T2 }], 'ws.a': [{ hash: 'h1', at: T1 }] };
    const r = updateHistory(h, [card('ws.a', 'h2'), card('ws.b', 'b1')], T3);
    assert.deepEqual(r.history['other.x'], h['other.x']);
    assert.deepEqual(Object.keys(r.history), ['other.x', 'ws.a', 'ws.b'], 'sorted ids');
    assert.deepEqual(r.changed.sort(), ['ws.a', 'ws.b']);
  });

  it('does not modify the history it is given', () => {
    const h: History = { 'ws.a': [{ hash: 'h1', at: T1 }] };
    const copy = structuredClone(h);
    updateHistory(h, [card('ws.a', 'h2'), card('ws.b', 'b1')], T2);
    assert.deepEqual(h, copy);
  });

  it('a package carries only its cards\u2019 histories', () => {
    const h: History = { 'a.x': [{ hash: '1', at: T1 }], 'b.y': [{ hash: '2', at: T1 }] };
    assert.deepEqual(historyOf(h, [card('a.x', '1')]), { 'a.x': h['a.x'] });
  });

  it('historyShapeError explains a malformed history file', () => {
    assert.equal(historyShapeError({ 'a.x': [{ hash: '1', at: T1 }] }), undefined);
    assert.match(historyShapeError([])!, /object/);
    assert.match(historyShapeError({ 'a.x': [{ hash: 1, at: T1 }] })!, /"a\.x"/);
    assert.match(historyShapeError({ 'a.x': 'h' })!, /"a\.x"/);
  });
});

describe('unsafeEntryName', () => {
  const fine = ['meta_data.json', 'apps/ws.app.card.json', 'data/ws.app/00000.jsonl', 'orgchart/#orgchart.ceo.card.json', 'scripts/ws.p.s.ts', 'a/b/', 'x..y/z..', 'приложения/карточка.json'];
  for (const name of fine) {
    it(`accepts ${JSON.stringify(name)}`, () => assert.equal(unsafeEntryName(name), undefined));
  }
  const bad: [string, RegExp][] = [
    ['../evil.txt', /\.\./],
    ['apps/../../evil.txt', /\.\./],
    ['apps/..', /\.\./],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/win.ini', /absolute/],
    ['c:evil', /absolute/],
    ['apps\\..\\evil.txt', /backslash/],
    ['..\\evil.txt', /backslash/],
    ['', /empty/],
    ['apps//x.json', /empty or `\.` folder/],
    ['./x.json', /empty or `\.` folder/],
    ['apps/./x.json', /empty or `\.` folder/],
    ['apps/x\u0000.json', /control/],
    ['apps/x\n.json', /control/],
    ['a'.repeat(1025), /longer than 1024/],
  ];
  for (const [name, why] of bad) {
    it(`refuses ${JSON.stringify(name.length > 40 ? name.slice(0, 12) + '…' : name)}`, () => {
      const reason = unsafeEntryName(name);
      assert.ok(reason, `${JSON.stringify(name)} should be refused`);
      assert.match(reason, why);
    });
  }

  it('accepts and refuses every short name as the rules say (names of plain characters take a quicker test)', () => {
    // The rules, each on its own, as the reader applied them before the quicker test.
    const refused = (n: string) => !n.length || /[\u0000-\u001f]/.test(n) || n.includes('\\') || n.startsWith('/') || /^[A-Za-z]:/.test(n)
      || n.split('/').some((p) => p === '..') || n.split('/').slice(0, -1).some((p) => p === '' || p === '.');
    const chars = ['a', '.', '/', '#', '-', ':', '\\', '\n', 'é'];
    let names = [''];
    for (let len = 1; len <= 4; len++) {
      names = names.filter((n) => n.length === len - 1).flatMap((n) => chars.map((c) => n + c));
      for (const n of names) assert.equal(unsafeEntryName(n) !== undefined, refused(n), JSON.stringify(n));
    }
  });

  it('foldedName folds letter case and Unicode normalization', () => {
    assert.equal(foldedName('Apps/A.JSON'), foldedName('apps/a.json'));
    assert.equal(foldedName('caf\u00e9'), foldedName('cafe\u0301'));
    assert.notEqual(foldedName('a.json'), foldedName('b.json'));
  });
});

/** An inline app whose `app`-type fields point at `refs`. */
const app = (code: string, ...refs: string[]) => ({
  code,
  fields: [{ code: 'name', type: 'string' }, ...refs.map((r, i) => ({ code: `ref${i}`, type: 'app', app: r }))],
});

describe('orderByReferences', () => {
  it('puts an app after the app its field references', async () => {
    const p = await project({ 'ws.isola.json': workspace('ws', { apps: [app('orders', 'customers'), app('customers')] }) });
    assert.deepEqual(orderByReferences(p, ['ws.orders', 'ws.customers']), ['ws.customers', 'ws.orders']);
    assert.deepEqual(orderByReferences(p, ['ws.customers', 'ws.orders']), ['ws.customers', 'ws.orders']);
  });

  it('follows chains, and keeps unrelated apps in their declared order', async () => {
    const p = await project({
      'ws.isola.json': workspace('ws', { apps: [app('lines', 'orders'), app('zeta'), app('orders', 'customers'), app('customers'), app('alpha')] }),
    });
    const order = orderByReferences(p, ['ws.lines', 'ws.zeta', 'ws.orders', 'ws.customers', 'ws.alpha']);
    assert.deepEqual(order, ['ws.customers', 'ws.orders', 'ws.lines', 'ws.zeta', 'ws.alpha']);
  });

  it('keeps the declared order in a cycle (and terminates)', async () => {
    const p = await project({ 'ws.isola.json': workspace('ws', { apps: [app('a', 'b'), app('b', 'a')] }) });
    assert.deepEqual(orderByReferences(p, ['ws.a', 'ws.b']), ['ws.a', 'ws.b']);
    assert.deepEqual(orderByReferences(p, ['ws.b', 'ws.a']), ['ws.b', 'ws.a']);
    // A three-app cycle (with a self-reference, which is no dependency) keeps its declared order too.
    const q = await project({ 'ws.isola.json': workspace('ws', { apps: [app('x', 'y', 'x'), app('y', 'z'), app('z', 'x')] }) });
    assert.deepEqual(orderByReferences(q, ['ws.x', 'ws.y', 'ws.z']), ['ws.x', 'ws.y', 'ws.z']);
    assert.deepEqual(orderByReferences(q, ['ws.z', 'ws.x', 'ws.y']), ['ws.z', 'ws.x', 'ws.y']);
  });

  it('a cycle still comes after what it references, and before what references it', async () => {
    const p = await project({
      'ws.isola.json': workspace('ws', { apps: [app('report', 'a'), app('a', 'b', 'base'), app('b', 'a'), app('base')] }),
    });
    assert.deepEqual(orderByReferences(p, ['ws.report', 'ws.a', 'ws.b', 'ws.base']), ['ws.base', 'ws.a', 'ws.b', 'ws.report']);
  });

  it('ignores references to apps whose data is not exported, and built-in apps', async () => {
    const p = await project({ 'ws.isola.json': workspace('ws', { apps: [app('orders', 'customers', '_clients._companies'), app('customers')] }) });
    assert.deepEqual(orderByReferences(p, ['ws.orders']), ['ws.orders']);
  });

  it('orders across the namespaces of a solution', async () => {
    const p = await project({
      'sales/sales.isola.json': workspace('sales', { apps: [app('orders', 'catalog.products')] }),
      'catalog/catalog.isola.json': workspace('catalog', { apps: [app('products')] }),
      'bundle.isola.json': solution('bundle', ['sales/sales.isola.json', 'catalog/catalog.isola.json']),
    });
    assert.deepEqual(orderByReferences(p, ['sales.orders', 'catalog.products']), ['catalog.products', 'sales.orders']);
  });
});
