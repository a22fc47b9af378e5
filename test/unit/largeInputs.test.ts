import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { check, only } from './helpers';
import { lastDuplicate } from '../../server/src/core/schema/uniqueItems';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const equal = (require('ajv/dist/runtime/equal') as { default: (a: unknown, b: unknown) => boolean }).default;

// Inputs large in one dimension, of the shapes that once took time growing with its square: the
// findings stay what a plain reading of the input says they are.

/** The 1-based line of `offset` as the repeated-name message counts it: LF only. */
function lfLine(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Ajv's scan for `uniqueItems`, as it compiled it: the oracle. */
function ajvPair(items: unknown[]): [number, number] | undefined {
  for (let i = items.length; i--;) for (let j = i; j--;) if (equal(items[i], items[j])) return [i, j];
  return undefined;
}

/** A seeded list of JSON values with few distinct ones, so equal pairs are common. */
function randomList(seed: number): unknown[] {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const value = (depth: number): unknown => {
    switch (rnd(depth > 2 ? 6 : 9)) {
      case 0: return ['en', 'ru', '1', '', 'a,b', '"'][rnd(6)];
      case 1: return [0, -0, 1, 1.5, 1e21][rnd(5)];
      case 2: return rnd(2) === 0;
      case 3: return null;
      case 4: return 'en';
      case 5: return 1;
      case 6: return Array.from({ length: rnd(3) }, () => value(depth + 1));
      case 7: return JSON.parse(rnd(2) ? '{"a":1,"b":[2]}' : '{"b":[2],"a":1}');
      default: return JSON.parse(['{"constructor":1}', '{"__proto__":1}', '{"a":{"constructor":1}}', '{}', '{"a":null}'][rnd(5)]);
    }
  };
  return Array.from({ length: rnd(8) }, () => value(0));
}

describe('inputs large in one dimension', () => {
  it('uniqueItems finds the pair ajv\'s pairwise scan found, in 5,000 random lists', () => {
    let pairs = 0;
    for (let seed = 1; seed <= 5000; seed++) {
      const list = randomList(seed);
      const want = ajvPair(list);
      if (want) pairs++;
      assert.deepEqual(lastDuplicate(list), want, JSON.stringify(list));
    }
    assert.ok(pairs > 1000, `only ${pairs} lists with a repeat`);
  });

  it('20,000 languages, one of them twice: the finding names the pair ajv named', async () => {
    const distinct = Array.from({ length: 20_000 }, (_, i) => `en-${i.toString(36).padStart(2, '0')}`);
    assert.deepEqual(only(await check({ 'ws.isola.json': { kind: 'workspace', code: 'ws', languages: distinct } }), 'MAN002'), []);
    const languages = distinct.slice();
    languages[19_999] = languages[3];
    languages[500] = languages[2];
    const found = only(await check({ 'ws.isola.json': { kind: 'workspace', code: 'ws', languages } }), 'MAN002');
    assert.deepEqual(found.map((d) => d.message), ['`languages` must NOT have duplicate items (items ## 3 and 19999 are identical)']);
  });

  it('a property written twice in each of 3,000 objects: every finding names the line of the one that counts', async () => {
    // Line breaks of every kind (a lone CR starts no line in this message) between and inside objects.
    const breaks = ['\n', '\r\n', '\r', ' '];
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) parts.push(`{"code":"a${i}","title":"x",${breaks[i % 4]}"title":"y"${breaks[(i >> 2) % 4]}}${breaks[(i * 7) % 4]}`);
    const text = `{"kind":"workspace","code":"ws","apps":[${parts.join(',')}]}`;
    const found = only(await check({ 'ws.isola.json': text }), 'MAN002');
    assert.equal(found.length, 3000);
    let from = 0;
    for (const d of found) {
      const first = text.indexOf('"title"', from);
      const kept = text.indexOf('"title"', first + 1);
      from = kept + 1;
      assert.equal(d.message.match(/on line (\d+)/)?.[1], String(lfLine(text, kept)), d.message);
    }
  });

  it('a schema mistake in each of 6,000 entities: one finding each, the most specific, in order', async () => {
    const apps: object[] = [];
    const processes: object[] = [];
    const want: string[] = [];
    for (let i = 0; i < 2000; i++) {
      apps.push({ code: `a${i}`, fields: 5 }, { code: `b${i}`, permissions: [{ group: '_system.all_users', access: 'reed' }] });
      processes.push({ code: `p${i}`, scripts: [{ code: 's', source: 'x', file: 'a.ts' }] });
    }
    for (let i = 0; i < 2000; i++) {
      want.push(`\`apps[${2 * i}].fields\` must be array, not number 5`);
      want.push(`\`apps[${2 * i + 1}].permissions[0].access\` must be "read", "create", "update", "delete", "full"; found the string "reed": did you mean "read"?`);
    }
    for (let i = 0; i < 2000; i++) want.push(`\`processes[${i}].scripts[0]\` gives both \`file\` and \`source\`; a script takes exactly one`);
    const found = only(await check({ 'ws.isola.json': { kind: 'workspace', code: 'ws', apps, processes } }), 'MAN002');
    assert.deepEqual(found.map((d) => d.message), want);
  });

  it('a chain of 1,500 configurations, each including the next: checked and built on a small call stack, as a chain of thousands is on the default one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-chain-'));
    try {
      const n = 1500;
      for (let i = 0; i < n; i++) {
        writeFileSync(path.join(dir, `c${i}.isola.json`), JSON.stringify({ kind: 'configuration', code: `c${i}`, version: '1.0.0', ...(i + 1 < n ? { includes: [`c${i + 1}.isola.json`] } : {}) }));
      }
      // A stack of 100 KB holds about a tenth of the default's frames: a walk that calls itself
      // per include gave up here at 1,500 as it did at 8,000 on the default stack.
      const run = (args: string[]) => spawnSync(process.execPath, ['--stack-size=100', CLI, ...args], { cwd: dir, encoding: 'utf8' });
      const check = run(['check']);
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /^0 errors, 0 warnings, 0 infos in 1500 manifests$/m);
      const build = run(['build', '--package', 'c0', '--out', path.join(dir, 'c0.isolapkg')]);
      assert.equal(build.status, 0, build.stdout + build.stderr);
      assert.match(build.stdout, /configuration c0, 1500 cards/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('list items holding a property named valueOf, toString, constructor or __proto__ are compared as data, not called: findings, no internal error', async () => {
    for (const name of ['valueOf', 'toString', 'constructor', '__proto__']) {
      const item = `{"${name}": 1}`;
      const r = await check({ 'w.isola.json': `{"kind": "workspace", "code": "w", "version": "1.0.0", "languages": [${item}, {"${name}": 2}, ${item}]}` });
      const man002 = r.diagnostics.filter((d) => d.code === 'MAN002').map((d) => d.message);
      assert.ok(man002.includes('`languages` must NOT have duplicate items (items ## 0 and 2 are identical)'), `${name}: ${man002.join(' | ')}`);
    }
  });
});
