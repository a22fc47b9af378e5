import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEntityList, isPlainObject } from '../../../server/src/core/packaging/carry';
import { mergeBodies, Merges, targetOwned } from '../../../server/src/core/environment/merge';
import { sameJson } from '../../../server/src/core/packaging/canonical';
import type { EnvEntity } from '../../../server/src/core/environment/types';

// The benchmarks' seeded generator (mulberry32), so a failure names a case that can be run again.
import { rng as random } from '../../../bench/package';

type Obj = Record<string, unknown>;

/**
 * The merge written the plain way (entries, a map and a set per list, every path built): the
 * rule merge.ts states, against which its allocation-saving version is compared on random bodies.
 */
function plainMerge(type: string, pkg: Obj, env: Obj): { body: Obj; kept: string[] } {
  const kept: string[] = [];
  const own = (o: Obj, k: string) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  const set = (o: Obj, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  const codeOf = (x: Obj) => (typeof x.code === 'string' ? x.code : undefined);
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const objects = (v: unknown): v is Obj[] => Array.isArray(v) && v.every(isPlainObject);
  // A permission by whom it grants to (else its code); a category's value by itself (else its code).
  const grantee = (x: Obj) => (typeof x.group === 'string' ? `group:${x.group}` : typeof x.orgUnit === 'string' ? `orgUnit:${x.orgUnit}` : codeOf(x));
  const valueOf = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : isPlainObject(x) ? codeOf(x) : undefined);
  const values = (v: unknown): v is unknown[] => Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || (isPlainObject(x) && typeof x.code === 'string'));
  const ordered = <T>(p: T[], e: T[], code: (x: T) => string | undefined, merge: (x: T) => T | undefined, path: string): T[] => {
    const out = p.map((x) => merge(x) ?? x);
    const codes = out.map(code);
    const inPackage = new Set(codes);
    let anchor = -1;
    for (const x of e) {
      const c = code(x);
      if (inPackage.has(c)) {
        anchor = codes.indexOf(c);
        continue;
      }
      out.splice(anchor + 1, 0, x);
      codes.splice(anchor + 1, 0, c);
      anchor++;
      kept.push(`${path}.${c}`);
    }
    return out;
  };
  const keyed = (p: Obj[], e: Obj[], key: (x: Obj) => string | undefined, at: string, k: string): Obj[] => {
    const withKey = e.filter((x) => key(x) !== undefined);
    const byKey = new Map(withKey.map((x) => [key(x)!, x]));
    return ordered(p, withKey, key, (x) => {
      const m = key(x) === undefined ? undefined : byKey.get(key(x)!);
      return m ? object(x, m, `${at}${k}.${key(x)}.`, k === 'forms' ? 'form' : k === 'fields' ? 'field' : undefined) : undefined;
    }, `${at}${k}`);
  };
  const object = (p: Obj, e: Obj, at: string, within?: 'form' | 'field'): Obj => {
    const out: Obj = { ...p };
    for (const [k, ev] of Object.entries(e)) {
      const pv = own(p, k);
      if (k === 'permissions' && objects(ev) && (pv === undefined || objects(pv))) {
        set(out, k, keyed((pv as Obj[] | undefined) ?? [], ev, grantee, at, 'permissions'));
      } else if (isEntityList(ev) && (pv === undefined || (Array.isArray(pv) && pv.every(isPlainObject)))) {
        set(out, k, keyed((pv as Obj[] | undefined) ?? [], ev, codeOf, at, k));
      } else if (within === 'field' && k === 'values' && values(ev) && (pv === undefined || values(pv))) {
        set(out, k, ordered((pv as unknown[] | undefined) ?? [], ev, valueOf, (x) => {
          const m = isPlainObject(x) ? ev.find((y) => isPlainObject(y) && y.code === x.code) : undefined;
          return m ? object(x as Obj, m as Obj, `${at}${k}.${valueOf(x)}.`) : undefined;
        }, `${at}${k}`));
      } else if (within === 'form' && k === 'fields' && strings(ev) && (pv === undefined || strings(pv))) {
        set(out, k, ordered((pv as string[] | undefined) ?? [], ev, (x) => x, () => undefined, `${at}${k}`));
      } else if (isPlainObject(ev) && (pv === undefined || isPlainObject(pv))) {
        const m = object((pv as Obj | undefined) ?? {}, ev, `${at}${k}.`);
        if (pv !== undefined || Object.keys(m).length) set(out, k, m);
      }
    }
    return out;
  };
  const body = object(pkg, env, '');
  for (const p of targetOwned(type)) {
    const had = Object.prototype.hasOwnProperty.call(env, p);
    if (had && !sameJson(env[p], pkg[p])) kept.push(p);
    else if (!had && p in pkg) kept.push(p);
    if (had) body[p] = env[p];
    else delete body[p];
  }
  return { body, kept };
}

const TYPES = ['app', 'workspace', 'setting', 'process', 'permissions'];

/** A body of coded lists (fields, statuses, forms with field codes, lanes with steps), nested objects and plain values. */
function body(r: () => number, depth: number, repeats: boolean): Obj {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const out: Obj = { code: pick(['a', 'b', 'c']), title: pick(['T1', 'T2']) };
  if (r() < 0.3) out.value = pick(['v1', 'v2', 1, null]);
  if (r() < 0.2) out.url = pick(['/x', '/y']);
  if (depth > 2) return out;
  const list = (prefix: string, n: number, inner: () => Obj) => {
    const codes = Array.from({ length: n }, (_, i) => `${prefix}${i}`).filter(() => r() < 0.8);
    if (repeats && codes.length && r() < 0.15) codes.push(codes[0]);
    const items: Obj[] = codes.sort(() => r() - 0.5).map((code) => ({ ...inner(), code }));
    if (r() < 0.1) items.splice(Math.floor(r() * (items.length + 1)), 0, { note: 'uncoded' });
    return items;
  };
  if (r() < 0.8) out.fields = list('f', 1 + Math.floor(r() * (r() < 0.2 ? 24 : 6)), () => (r() < 0.5 ? body(r, depth + 1, repeats) : { type: pick(['string', 'number']) }));
  if (r() < 0.4) out.statuses = list('s', 4, () => ({ title: pick(['x', 'y']) }));
  if (r() < 0.4) out.forms = list('form', 3, () => ({ fields: Array.from({ length: 4 }, (_, i) => `f${i}`).filter(() => r() < 0.7) }));
  // A field of a category with its values (strings, numbers, coded objects), and permissions with and without codes.
  if (r() < 0.4) out.values = Array.from({ length: 5 }, (_, i) => [`v${i}`, i, { code: `v${i}`, title: pick(['x', 'y']) }][Math.floor(r() * 3)]).filter(() => r() < 0.7);
  if (r() < 0.3) out.permissions = Array.from({ length: 4 }, (_, i) => ({ ...[{ group: `g${i}` }, { orgUnit: `u${i}` }, { code: `p${i}` }, {}][Math.floor(r() * 4)], access: pick(['read', 'full']) })).filter(() => r() < 0.8);
  if (r() < 0.3) out.layout = { tabs: list('t', 3, () => ({})), color: pick(['red', 'blue']) };
  if (r() < 0.05) Object.defineProperty(out, '__proto__', { value: { tabs: list('p', 2, () => ({})) }, enumerable: true, writable: true, configurable: true });
  return out;
}

describe('the merge against its plain statement, on random bodies', () => {
  it('gives the same body and the same kept paths, in the same order, for 4,000 pairs', () => {
    for (let seed = 1; seed <= 4000; seed++) {
      const r = random(seed);
      const type = TYPES[seed % TYPES.length];
      const repeats = seed % 3 === 0;
      const pkg = body(r, 0, repeats);
      // Half the pairs share their structure (an update of a few values), half are drawn apart.
      const env = r() < 0.5 ? body(random(seed * 7919), 0, repeats) : JSON.parse(JSON.stringify(pkg, (k, v) => (k === 'title' && r() < 0.3 ? 'changed' : v))) as Obj;
      const got = mergeBodies(type, pkg, env);
      const want = plainMerge(type, pkg, env);
      assert.deepEqual(got.kept, want.kept, `kept, seed ${seed}`);
      assert.ok(sameJson(got.body, want.body) && JSON.stringify(got.body) === JSON.stringify(want.body), `body, seed ${seed}`);
    }
  });

  it('keeps nothing of a body the environment holds as it is, and writes it as it is', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const r = random(seed);
      const type = TYPES[seed % TYPES.length];
      const pkg = body(r, 0, false);
      const env: EnvEntity = { id: 'ws.a', type: type as EnvEntity['type'], namespace: 'ws', code: 'a', deleted: false, hash: 'h', body: JSON.parse(JSON.stringify(pkg)) as Obj, updatedAt: '', updatedBy: '' };
      const m = new Merges().of({ type: env.type, body: pkg }, env);
      assert.deepEqual(m.kept, plainMerge(type, pkg, env.body).kept, `seed ${seed}`);
      assert.ok(sameJson(m.body, plainMerge(type, pkg, env.body).body), `seed ${seed}`);
    }
  });
});
