import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { visit } from 'jsonc-parser';
import { parseJson } from '../../server/src/core/json/parse';

// A property written twice in one object: the text shows both, every JSON reader keeps the last.
// The check names each ignored one (MAN002), and a config file that does it is refused.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

/** The ignored occurrences as jsonc-parser's own visitor sees them: the oracle. */
function oracle(text: string): { key: string; offset: number }[] {
  const stack: Map<string, number[]>[] = [];
  const out: { key: string; offset: number }[] = [];
  visit(text, {
    onObjectBegin: () => void stack.push(new Map()),
    onObjectProperty: (key, offset) => {
      const m = stack[stack.length - 1];
      m.set(key, [...(m.get(key) ?? []), offset]);
    },
    onObjectEnd: () => {
      for (const [key, at] of stack.pop()!) for (const offset of at.slice(0, -1)) out.push({ key, offset });
    },
  }, { allowTrailingComma: true, disallowComments: false });
  return out.sort((a, b) => a.offset - b.offset);
}

function found(text: string) {
  return (parseJson(text).repeated ?? []).map((r) => ({ key: r.key, offset: r.offset }));
}

/** A seeded generator of JSONC with few distinct names, so repeats are common, written in many styles. */
function randomJsonc(seed: number): string {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const names = ['a', 'b', 'title', 'x\\"y', 'k:', 'a\\u0062', 'ab'];
  const ws = () => [' ', '', '\n  ', ' /* c: "d": */ ', ' // "e":\n', '\t'][rnd(6)];
  const str = () => ['"s"', '"http://x"', '"a\\": b"', '"\\\\"', '"c ? d : e"', '"\\"k\\" : 1"', '"{\\"a\\":1}"'][rnd(7)];
  const value = (depth: number): string => {
    const r = depth > 3 ? rnd(3) : rnd(6);
    if (r === 0) return str();
    if (r === 1) return String(rnd(100));
    if (r === 2) return 'null';
    if (r === 3) return `[${Array.from({ length: rnd(4) }, () => ws() + value(depth + 1)).join(',')}${ws()}]`;
    const props = Array.from({ length: rnd(5) }, () => `${ws()}"${names[rnd(names.length)]}"${ws()}:${ws()}${value(depth + 1)}`);
    return `{${props.join(',')}${rnd(4) === 0 && props.length ? ',' : ''}${ws()}}`;
  };
  return `{"root": ${value(0)}, "tail": ${value(1)}}`;
}

describe('repeated property names', () => {
  it('found as jsonc-parser finds them, in 3,000 random texts: comments, escapes, colons in strings, white space before colons', () => {
    let withRepeats = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const text = randomJsonc(seed);
      if (parseJson(text).errors.length > 0) continue;
      const want = oracle(text);
      if (want.length > 0) withRepeats++;
      assert.deepEqual(found(text), want, text);
    }
    assert.ok(withRepeats > 300, `only ${withRepeats} texts repeated a name`);
  });

  it('none in the example manifests', () => {
    const dir = path.join(REPO, 'examples');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.isola.json'));
    assert.ok(files.length > 5);
    for (const f of files) assert.equal(parseJson(readFileSync(path.join(dir, f), 'utf8')).repeated, undefined, f);
  });

  it('a repeat the quick count cannot see: a name with white space before its colon, a colon in a string', () => {
    assert.deepEqual(found('{"a": 1, "a" : 2}'), [{ key: 'a', offset: 1 }]);
    assert.deepEqual(found('{"a": 1,\n "a"\n: 2, "b": "\\":"}'), [{ key: 'a', offset: 1 }]);
    assert.deepEqual(found('// "a":\n{"a": 1, "b": "x\\": y", "a": 2}'), [{ key: 'a', offset: 9 }]);
  });

  it('the same name in different objects, or in an object and its parent, is no repeat', () => {
    assert.equal(parseJson('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}').repeated, undefined);
    assert.deepEqual(found('{"a": {"a": 1}, "b": [{"a": 1, "a": 2}], "a": 3}'), [{ key: 'a', offset: 1 }, { key: 'a', offset: 23 }]);
  });

  it('isola check names the ignored one and where the one that counts is; the build is refused', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-repeat-'));
    try {
      writeFileSync(path.join(dir, 'ws.isola.json'), [
        '{',
        '  "kind": "workspace", "code": "ws", "title": "Workspace",',
        '  "apps": [{ "code": "orders", "title": "Orders", "fields": [',
        '    { "code": "total", "type": "string", "title": "Total" }', // kept
        '  ], "fields": [] }],',
        '  "title": "Other"',
        '}',
      ].join('\n'));
      const check = spawnSync(process.execPath, [CLI, 'check', '--lang', 'en'], { cwd: dir, encoding: 'utf8' });
      assert.equal(check.status, 1, check.stdout + check.stderr);
      assert.match(check.stdout, /^ws\.isola\.json:2:38 error MAN002 The property "title" is written again in this object on line 6, and only that last value counts/m);
      assert.match(check.stdout, /^ws\.isola\.json:3:51 error MAN002 The property "fields" is written again in this object on line 5/m);
      assert.match(check.stdout, /^2 errors/m);
      const build = spawnSync(process.execPath, [CLI, 'build', '--package', 'ws'], { cwd: dir, encoding: 'utf8' });
      assert.equal(build.status, 1, build.stdout + build.stderr);
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.isolapkg')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an isola.config.json that says "url" or "production" twice for one environment is refused, naming both lines', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-repeat-'));
    try {
      writeFileSync(path.join(dir, 'isola.config.json'), '{\n  "environments": {\n    "prod": { "url": "https://prod.example.com", "production": true,\n      "production": false }\n  }\n}\n');
      const r = spawnSync(process.execPath, [CLI, 'export', '--package', 'ws', '--env', 'prod', '--out', 'x.isolapkg'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /isola\.config\.json:3:50: "production" is written twice in one object \(again on line 4\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
