import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc, ParseError } from 'jsonc-parser';
import { locatePaths } from '../../server/src/core/json/locate';
import { parseJson, stripBom } from '../../server/src/core/json/parse';
import { pathKey } from '../../server/src/core/json/path';
import { LineIndex } from '../../server/src/core/json/positions';
import { rawOffsetInStringToken } from '../../server/src/core/json/strings';
import { findGlobalUses } from '../../server/src/core/manifest/scriptScan';
import { buildManifest } from '../../server/src/core/manifest/build';
import { locateInManifest } from '../../server/src/core/manifest/locationMemo';

describe('locatePaths', () => {
  const text = `{
  // a comment
  "a": [1, { "b": "x", "b": "last" }, [true]],
  "c": { "d": null, },
}`;
  const at = (p: (string | number)[]) => {
    const loc = locatePaths(text, [p]).get(pathKey(p));
    return loc && text.slice(loc.offset, loc.offset + loc.length);
  };

  it('finds values by path through objects, arrays and comments', () => {
    assert.equal(at(['a', 0]), '1');
    assert.equal(at(['a', 2, 0]), 'true');
    assert.equal(at(['c', 'd']), 'null');
    assert.equal(at(['c']), '{ "d": null, }');
  });

  it('takes the last of duplicated keys, as the parser does', () => {
    assert.equal(at(['a', 1, 'b']), '"last"');
    assert.equal((parseJson(text).value as { a: [unknown, { b: string }] }).a[1].b, 'last');
  });

  it('reports key locations for properties', () => {
    const loc = locatePaths(text, [['c']]).get(pathKey(['c']))!;
    assert.equal(text.slice(loc.keyOffset!, loc.keyOffset! + loc.keyLength!), '"c"');
  });

  it('finds many paths in one pass and ignores missing ones', () => {
    const found = locatePaths(text, [['a', 0], ['c', 'd'], ['zz'], ['a', 9]]);
    assert.equal(found.size, 2);
  });
});

describe('parseJson', () => {
  it('accepts comments and trailing commas', () => {
    assert.deepEqual(parseJson('{ /* x */ "a": [1,], }').errors, []);
  });
  it('reports syntax errors with offsets', () => {
    const r = parseJson('{ "a": 1 "b": 2 }');
    assert.equal(r.errors[0].message, 'comma expected');
    assert.equal(r.errors[0].offset, 9);
  });
  it('strips a byte order mark', () => {
    assert.equal(stripBom('\ufeff{}'), '{}');
  });
});

describe('LineIndex', () => {
  it('maps offsets to zero-based lines and UTF-16 characters across LF and CRLF', () => {
    const idx = new LineIndex('ab\r\ncd\nЖé😀x');
    assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(idx.positionAt(5), { line: 1, character: 1 });
    assert.deepEqual(idx.positionAt(11), { line: 2, character: 4 }); // the emoji is two code units
    assert.equal(idx.offsetAt({ line: 2, character: 4 }), 11);
  });

  it('gives the same positions after an edit within a line when shifted as when built afresh', () => {
    const text = '{\n  "title": "Deals",\r\n  "code": "deals"\n}\n';
    const at = text.indexOf('Deals') + 2;
    for (const next of [text.slice(0, at) + 'xyz' + text.slice(at), text.slice(0, at) + text.slice(at + 2)]) {
      const shifted = new LineIndex(text).shifted(at, next.length - text.length);
      const fresh = new LineIndex(next);
      for (let offset = 0; offset <= next.length; offset++) assert.deepEqual(shifted.positionAt(offset), fresh.positionAt(offset), `offset ${offset}`);
    }
  });
});

describe('rawOffsetInStringToken', () => {
  it('skips escapes when mapping decoded indexes to raw offsets', () => {
    const token = '"a\\n\\u0041Global."';
    assert.equal(JSON.parse(token).indexOf('Global'), 3);
    assert.equal(token.slice(rawOffsetInStringToken(token, 3), rawOffsetInStringToken(token, 9)), 'Global');
  });
});

describe('findGlobalUses', () => {
  const uses = (src: string) => findGlobalUses(src).map((u) => src.slice(u.index, u.index + u.length + 1));
  it('finds the Global object in code', () => {
    assert.deepEqual(uses('const x = await Global.ns.app.search();'), ['Global.']);
    assert.deepEqual(uses('Global\n  .ns'), ['Global\n']);
    assert.deepEqual(uses('Global?.ns'), ['Global?']);
  });
  it('finds Global however it is reached: by index, through an alias, handed on', () => {
    const at = (src: string) => findGlobalUses(src).map((u) => src.slice(u.index, u.index + u.length));
    assert.deepEqual(at('const r = Global["ns"].app;'), ['Global']);
    assert.deepEqual(at('const G = Global; await G.ns.app.search();'), ['Global']);
    assert.deepEqual(at('use(Global); const x = ok ? Global : none;'), ['Global', 'Global']);
    assert.deepEqual(at('const o = { Global: 1, b: 2 }; const p = {a: 1, Global : 2};'), []);
  });
  it('ignores comments, strings, properties and longer identifiers', () => {
    assert.deepEqual(uses('// Global.x\n/* Global.y */ "Global.z"; \'Global.w\'; myGlobal.q; ctx.Global.r; Global2.s'), []);
  });
  it('sees code inside template expressions but not template text', () => {
    assert.deepEqual(uses('`Global.a ${ Global.b } Global.c ${ {x: 1}.x } Global.d`'), ['Global.']);
  });
  const at = (src: string) => findGlobalUses(src).map((u) => src.slice(u.index, u.index + u.length));
  it('reads a `/` after a postfix `++` or `--` as a division, not a regular expression that hides code', () => {
    assert.deepEqual(at('let i = 0; const n = i++ / 1 + (await Global.ns.a.b.search().count()) / 1;'), ['Global']);
    assert.deepEqual(at('const n = i-- / 1 + Global.ns.a / 1;'), ['Global']);
    assert.deepEqual(at('const n = i! / 1 + Global.ns.a / 1;'), ['Global']); // TypeScript's non-null `!`
    // On a new line `++` is prefix: `a\n++/re/.lastIndex` holds a regular expression.
    assert.deepEqual(at("x = a\n++/'/.lastIndex, Global.ns.a;"), ['Global']);
  });
  it('reads a `/` after the `)` of `if`, `while`, `for`, `with` as a regular expression, whose quote opens no string', () => {
    for (const head of ['if (n)', 'while (n)', 'for (;;)', 'with (o)', 'for await (const x of y)', 'do x(); while (n)', 'else if (n)']) {
      assert.deepEqual(at(`${head} /'/.test('x'), await Global.ns.a.b.search().all();`), ['Global'], head);
    }
    assert.deepEqual(at('x = f(n) / 2; y = a.if(n) / 1 + Global.ns / 1;'), ['Global']);
  });
  it('decodes `\\u` escapes in names: `Glob\\u0061l` is `Global`', () => {
    assert.deepEqual(at('const all = await Glob\\u0061l.ns.a.b.search().all();'), ['Glob\\u0061l']);
    assert.deepEqual(at('const G = \\u{47}lobal; x = \\u0047\\u006c\\u006f\\u0062\\u0061\\u006c["ns"];'), ['\\u{47}lobal', '\\u0047\\u006c\\u006f\\u0062\\u0061\\u006c']);
    assert.deepEqual(at('x.Glob\\u0061l; const o = { Glob\\u0061l: 1 }; Glob\\u0061l2.x'), []);
  });
  it('follows both readings where a `/` may divide or start a regular expression', () => {
    assert.deepEqual(at("if (x) {} /'/.test(s), Global.ns.a;"), ['Global']); // a block's `}`
    assert.deepEqual(at("function f(): void {}\n/'/.test(s), Global.ns.a;"), ['Global']);
    assert.deepEqual(at('x = {} / 1 + Global.ns.a / 1;'), ['Global']); // an object's `}`
    assert.deepEqual(at('x = function () {} / 1 + Global.ns.a / 1;'), ['Global']);
    assert.deepEqual(at('x = g<string> / 1 + Global.ns.a / 1;'), ['Global']); // type arguments' `>`
    assert.deepEqual(at("x = a > /'/.test(s), Global.ns.a;"), ['Global']);
    assert.deepEqual(at('x = await / 1 + Global.ns.a / 1;'), ['Global']); // `await` as a name
    assert.deepEqual(at("x = await /'/.exec(s), Global.ns.a;"), ['Global']);
    assert.deepEqual(at('y = x as void / 1 + Global.ns.a / 1; z = x as of / 1 + Global.ns.b / 1;'), ['Global', 'Global']);
    assert.deepEqual(at("for (const x of /'/.exec(s)) Global.ns.a;"), ['Global']);
  });
  it('reads names that are keywords elsewhere, and any letters, as operands', () => {
    assert.deepEqual(at('x = a.return / 1 + Global.ns.a / 1;'), ['Global']);
    assert.deepEqual(at('const of = 2; x = of / 1 + Global.ns.a / 1;'), ['Global']);
    assert.deepEqual(at('const café = 2; x = café / 1 + Global.ns.a / 1;'), ['Global']);
    assert.deepEqual(at('x = a?.typeof / 1 + Global.ns.a / 1; y = this / 1 + Global.ns.b / 1;'), ['Global', 'Global']);
  });
  it('ends comments, strings and regular expressions where JavaScript does', () => {
    assert.deepEqual(at('// a comment\rGlobal.ns.a; // \u2028Global.ns.b; // \u2029Global.ns.c'), ['Global', 'Global', 'Global']);
    assert.deepEqual(at("const s = 'a\\\r\n'; Global.ns.a; //'"), ['Global']); // `\` CRLF continues a string
    assert.deepEqual(at("x = /[/]'/.test(s), Global.ns.a; y = /[[/]'\"]/v.test(s), Global.ns.b;"), ['Global', 'Global']);
    assert.deepEqual(at("#!/usr/bin/env node '\nGlobal.ns.a"), ['Global']);
    assert.deepEqual(at('x = "\u2028" + Global.ns.a; y = `${ `${ Global.ns.b }` }`;'), ['Global', 'Global']);
  });
  it('reads `<!--` and a leading `-->` both as comments and as code, as a classic script and a module do', () => {
    assert.deepEqual(at('--> /*\nGlobal.ns.a;\n// */'), ['Global']);
    assert.deepEqual(at('x = 1 <!-- /*\nGlobal.ns.a;\n// */'), ['Global']);
  });
  it('tells `Global` apart from a property and a key by the tokens, not by the characters before it', () => {
    assert.deepEqual(at('x = [...Global.ns.a]; f(...Global.ns.b);'), ['Global', 'Global']);
    assert.deepEqual(at('// the end.\nGlobal.ns.a; x = 1.\nGlobal.ns.b;'), ['Global', 'Global']);
    assert.deepEqual(at('x = c ? // a,\n  Global : 0;'), ['Global']);
    assert.deepEqual(at('x = a.Global + a?.Global + this.#Global + a. Global + 1..Global;'), []);
  });
  const seen = (src: string) => findGlobalUses(src).map((u) => src.slice(u.index, u.index + u.length) + (u.indirect ? ' (indirect)' : ''));
  it('finds Global as a property of the global object, at the property', () => {
    for (const obj of ['globalThis', 'window', 'self', 'global']) {
      for (const member of ['.Global', '?.Global', '["Global"]', "?.['Global']", '[`Global`]', '!.Global', ' /* c */ .\n  Global', '.glob\\u0061lThis.Global']) {
        assert.deepEqual(seen(`const x = ${obj}${member}.ns.crm.app.deals;`), ['Global'], obj + member);
      }
    }
    assert.deepEqual(seen('x = window.window.Global; y = self.top["Global"]; z = globalThis.Glob\\u0061l'), ['Global', 'Global', 'Glob\\u0061l']);
  });
  it('finds the global object handed on, or read by a name it cannot read, as the way to Global', () => {
    assert.deepEqual(seen('const g = globalThis; await g.Global.ns.crm.app.deals.search();'), ['globalThis (indirect)']);
    assert.deepEqual(seen('const w = window as any; f(self); const { Global: G } = global;'), ['window (indirect)', 'self (indirect)', 'global (indirect)']);
    assert.deepEqual(seen('(globalThis as any).Global.ns;'), ['globalThis (indirect)']);
    assert.deepEqual(seen('x = globalThis["Glo" + "bal"]; y = window[name]; z = self?.[`${a}`]; w = globalThis["Glob\\x61l"];'),
      ['globalThis (indirect)', 'window (indirect)', 'self (indirect)', 'globalThis (indirect)']);
  });
  it('finds code built at run time: eval and Function, whatever text they run', () => {
    assert.deepEqual(seen('eval("Global.x"); new Function("return Global")(); Function("return this")().Global;'),
      ['eval (indirect)', 'Function (indirect)', 'Function (indirect)']);
    assert.deepEqual(seen('const F = Function; (0, eval)(code); window.eval(code); globalThis["Function"]("x"); Function`return this`;'),
      ['Function (indirect)', 'eval (indirect)', 'eval (indirect)', 'Function (indirect)', 'Function (indirect)']);
  });
  it('finds Function handed on as a value after a ternary\'s or an object literal\'s `:`, `??`, `extends`, `export default`', () => {
    const fn = ['Function (indirect)'];
    for (const src of [
      'const F = c ? f : Function; F("return Global")();',
      'const F = c ? (f) : Function;',
      'f(c ? a : Function);',
      'const o = { a: 1, F: Function }; o.F("return this")();',
      'const F = c ? { a: 1 } : { F: Function };',
      'const F = x ?? Function;',
      'class X extends Function {} new X("return this")();',
      'export default Function;',
      'switch (x) { case a ? b : c: break; default: y = c ? 1 : Function; }',
    ]) assert.deepEqual(seen(src), fn, src);
    // A type stays a type: annotations, type literals, a type alias, an interface's optional method.
    for (const src of [
      'type T = { cb: Function }; type U = Function;',
      'interface I { cb: Function; m?(): Function }',
      'function f(o: { cb: Function }, g?: Function): { cb: Function } { return o; }',
      'class A<T extends Function> extends B implements C, D { cb: Function; m?(): Function; }',
      'let y: Array<{ a: Function }> = []; const z = { a: (x: Function) => x };',
    ]) assert.deepEqual(seen(src), [], src);
  });
  it('finds the Function constructor read from a function as `.constructor`, called or handed on', () => {
    const ctor = ['constructor (indirect)'];
    for (const src of [
      '(() => 0).constructor("return this")().Global;',
      'f.constructor("return Global")();',
      'Object.getPrototypeOf(async function () {}).constructor("return this")();',
      '[].filter.constructor("return this")();',
      '({}).constructor.constructor("return this")();',
      'const F = f.constructor; F("return this")();',
      'Reflect.construct(f.constructor, ["return this"])();',
      'f.constructor.call(null, "x"); ',
      'f.constructor?.("x");',
      'f["constructor"]("x"); ',
      'f[`constructor`]("x");',
      'const { constructor: F } = f;',
      'const { constructor } = f;',
    ]) assert.deepEqual(seen(src), ctor, src);
    // Escapes in a key spell the same name: the finding is at the key as written.
    assert.deepEqual(seen('f["c\\x6fnstructor"]("x"); g["c\\157nstructor"]("x");'), ['c\\x6fnstructor (indirect)', 'c\\157nstructor (indirect)']);
    // Its other members, comparisons, an assignment, a class's constructor and a method are not.
    assert.deepEqual(seen([
      'x.constructor.name; x.constructor?.name; x.constructor === Object; if (a.constructor === b.constructor) {}',
      'if (x.constructor !== Array && y.constructor != Map) {} Foo.prototype.constructor = Foo;',
      'class A extends B { constructor(x) { super(x); } } const o = { constructor() {} };',
      'if (!x.constructor || typeof y.constructor !== "function") {} x.constructor && f(x);',
    ].join('\n')), []);
    assert.deepEqual(seen('const F = ok && f.constructor; const G = f.constructor || g;'), ['constructor (indirect)', 'constructor (indirect)']);
  });
  it('finds a string run as code by a timer, and a module loaded from a URL, from data, by a built name, or Node\'s vm', () => {
    assert.deepEqual(seen('setTimeout("Global.x()"); setInterval(`Global`, 1); window.setTimeout(\'Global\');'),
      ['setTimeout (indirect)', 'setInterval (indirect)', 'setTimeout (indirect)']);
    assert.deepEqual(seen('setTimeout(() => run(), 10); setTimeout(fn, 10); await new Promise((r) => setTimeout(r, 5));'), []);
    const at = (src: string) => findGlobalUses(src).map((u) => `${src.slice(u.index, u.index + u.length)} ${u.via}`);
    assert.deepEqual(at('const m = await import("data:text/javascript,export default Global");'), ['data:text/javascript,export default Global module']);
    assert.deepEqual(at('import "https://cdn.example/x.js"; export * from \'blob:abc\'; import vm from "vm"; import * as m from "node:module";'),
      ['https://cdn.example/x.js module', 'blob:abc module', 'vm module', 'node:module module']);
    assert.deepEqual(at('const vm = require("node:vm"); const m = await import(url); const n = require("v" + "m"); import/**/(`data:,${s}`);'),
      ['node:vm module', 'import module', 'require module', 'import module']);
    assert.deepEqual(at('import x from "\\u0076m"; module.require("vm");'), ['\\u0076m module', 'vm module']);
    // A package's or a file's module, import.meta, and `from` as a name are not.
    assert.deepEqual(at([
      'import { a } from "lodash"; import b from "./b"; import "node:fs"; await import("./c.js"); const fs = require("fs");',
      'import.meta.url; typeof require === "function"; const from = 1; f(from); Array.from(x); const o = { from: "data:x" };',
    ].join('\n')), []);
  });
  it('leaves alone what reaches no Global: other objects, other members, strings, keys, types, checks', () => {
    const none = [
      'obj.Global.ns; a.window.Global; x.eval(s); this.self.Global;',
      'const s = "Global"; // globalThis["Global"], eval(x)\nconst t = `window.Global`;',
      'const o = { Global: 1, window: 2, eval: 3, self: 4 };',
      'globalThis.setTimeout(f, 1); window.location.href = u; self.postMessage(m); global.process;',
      'if (typeof window === "undefined" || typeof globalThis.fetch !== "function") {}',
      'declare global { interface Window { x: number } }',
      'const self = this; self.run(); let window = 1; window = 2;',
      'function f(cb: Function, g?: Function): Function | undefined { return x instanceof Function ? undefined : undefined; }',
      'const m = new Map<string, Function>(); const a: Function[] = []; type T = Array<Function>;',
    ];
    for (const src of none) assert.deepEqual(seen(src), [], src);
  });
  it('scans a source without `Global` in it for the global object and eval', () => {
    // Each holds none of the names the old quick look searched for (`Global`, `\\u`).
    assert.deepEqual(seen('const k = "Glo" + "bal"; const all = await globalThis[k].ns.a.b.search();'), ['globalThis (indirect)']);
    assert.deepEqual(seen('eval(atob(s));'), ['eval (indirect)']);
    assert.deepEqual(seen('new Function(s)();'), ['Function (indirect)']);
    assert.deepEqual(seen('const x = 1;'), []);
  });
  it('counts every `Global` when the readings are too many to follow', () => {
    // Each `{} /(/` is read both ways, and the `(` of the division keeps the readings apart.
    const src = (lines: number) => "const s = 'Global';\n" + 'x = {} /(/;\n'.repeat(lines);
    assert.deepEqual(at(src(3)), []);
    assert.deepEqual(at(src(300)), ['Global']);
    // The global object and eval count as well then, whatever they are read as.
    const hidden = (lines: number) => "const s = 'x';\nglobalThis[k].ns; eval(c); self.Global;\n" + 'x = {} /(/;\n'.repeat(lines);
    assert.deepEqual(seen(hidden(300)), ['globalThis (indirect)', 'eval (indirect)', 'Global']);
    // Readings that meet again cost little: a thousand of them leave strings as they are.
    assert.deepEqual(at("const s = 'Global';\n" + "if (x) {} /'/.test(s);\n".repeat(1000)), []);
  });
});

describe('locatePaths: the fast path agrees with the tolerant tokenizer', () => {
  const allPaths = (v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) => {
    out.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...at, i], out));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) allPaths(x, [...at, k], out);
    return out;
  };
  const same = (text: string) => {
    const paths = allPaths(parseJson(text).value);
    const fast = locatePaths(text, paths);
    const slow = locatePaths(text, paths, { tolerantOnly: true });
    assert.equal(fast.size, slow.size);
    for (const [k, v] of slow) assert.deepEqual(fast.get(k), v, k);
  };

  it('on every example manifest', () => {
    const root = path.resolve(__dirname, '../../../examples');
    const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.isola.json') && !f.includes('broken_json'));
    assert.ok(files.length >= 8);
    for (const f of files) same(stripBom(fs.readFileSync(path.join(root, f), 'utf8')));
  });

  it('on escapes, comments in odd places, trailing commas, unicode and empty containers', () => {
    same('{ "a\\"b": { "c\\\\": [ "x\\"y", /* } ] */ 1, ], }, // "z": 2\n "é": {}, "": [], "u\\u0041": "\\\\" }');
    same('[ [], {}, [ { "k": [ 0, -1.5e3, true, null ] } ] ]');
    same('// leading comment\n{ "x": "a/b//c", "y": "/* not a comment */" }');
  });

  it('ends its scan at the last wanted path of a text without repeated names, with the same locations', () => {
    const root = path.resolve(__dirname, '../../../examples');
    const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.isola.json') && !f.includes('broken_json'));
    for (const f of files) {
      const text = stripBom(fs.readFileSync(path.join(root, f), 'utf8'));
      const paths = allPaths(parseJson(text).value);
      // Every path, then a few from the start only (where stopping early skips most of the text).
      for (const wanted of [paths, paths.slice(0, 3), paths.filter((_, i) => i % 7 === 3)]) {
        const whole = locatePaths(text, wanted);
        const early = locatePaths(text, wanted, { uniqueNames: true });
        assert.deepEqual([...early].sort(), [...whole].sort(), f);
      }
    }
  });

  it('finds the occurrence that counts of a repeated name in a manifest: the last, read to the end', () => {
    const text = '{ "kind": "workspace", "code": "a", "title": "first", "title": "second" }';
    const m = buildManifest('/p', '/p/a.isola.json', text);
    assert.ok(m.repeatedKeys?.length);
    const loc = locateInManifest(m, [['title']], false).get(pathKey(['title']));
    assert.equal(loc && text.slice(loc.offset, loc.offset + loc.length), '"second"');
  });

  it('falls back on broken JSON and still finds what the parser recovered', () => {
    const text = '{ "a": 1 "b": { "c": 2 } }';
    const loc = locatePaths(text, [['b', 'c']]).get(pathKey(['b', 'c']));
    assert.equal(loc && text.slice(loc.offset, loc.offset + loc.length), '2');
  });
});

describe('parseJson fast path (JSONC made strict, then JSON.parse)', () => {
  const jsonc = (text: string) => parseJsoncReference(text);
  const cases = [
    '{ "a": 1, }',
    '{ /* c */ "a": [1, 2, /* x */ ], // tail\n "b": "//not a comment", "c": "/*nor this*/", "d": "x,}" , }',
    '[ "a\\\\", "b\\"", "c\\\\\\"", ]',
    '{ "k": { }, "l": [ ], "m": { "n": [ { }, ] }, }',
    '// only a comment before\n{"x": -1.5e3, "y": null, "z": true}',
    '{ "a": 1 } // after',
  ];
  it('gives the same values as jsonc-parser on valid JSONC', () => {
    for (const c of cases) assert.deepEqual(parseJson(c), { value: jsonc(c), errors: [] }, c);
  });
  it('leaves broken text to the tolerant parser, which reports the error', () => {
    for (const c of ['{ "a": 1 "b": 2 }', '{ "a": "unterminated }', '{ /* open comment ', '{ "a": / }', '']) {
      assert.ok(parseJson(c).errors.length > 0, c);
    }
  });
  it('agrees with jsonc-parser on every example manifest', () => {
    const root = path.resolve(__dirname, '../../../examples');
    for (const f of (fs.readdirSync(root, { recursive: true }) as string[]).filter((x) => x.endsWith('.isola.json'))) {
      const text = stripBom(fs.readFileSync(path.join(root, f), 'utf8'));
      const errors: ParseError[] = [];
      const value = parseJsonc(text, errors, { allowTrailingComma: true });
      if (errors.length === 0) assert.deepEqual(parseJson(text).value, value, f);
      else assert.ok(parseJson(text).errors.length > 0, f);
    }
  });
});

function parseJsoncReference(text: string): unknown {
  return parseJsonc(text, [], { allowTrailingComma: true });
}
