import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findGlobalUses } from '../../server/src/core/manifest/scriptScan';

const seen = (src: string) => findGlobalUses(src).map((u) => src.slice(u.index, u.index + u.length) + (u.indirect ? ' (indirect)' : ''));

describe('findGlobalUses: locals named like the global object', () => {
  it('leaves alone a parameter or a variable named self, window, global or globalThis, where it is declared', () => {
    const quiet = [
      'function f(self: Item) { return self.Global; }',
      'function f(self)\n{\n  return self.Global;\n}',
      'const window = getWindow(); window.Global; f(window);',
      'items.map((self) => self.Global); items.map(self => self[k]); items.map(async (global) => f(global));',
      'const f = (self: Item): Item =>\n  self.Global;',
      'class A { m(self: X) { return self.Global; } constructor(window) { this.w = window[k]; } set v(globalThis) { f(globalThis); } }',
      'const o = { m(self) { return self.Global; }, async n(window) { return window[k]; } };',
      'try { x(); } catch (self) { f(self); }',
      'for (const self of items) { self.Global; }',
      'const { self } = item; self.Global; const { a: window } = item; window[k]; const [global] = list; f(global);',
      'const { Global } = item;',
      // Later names of a declaration's list, on one line or several, with or without a value.
      'let a = 1, self = this; f(self);',
      'let a, window; f(window);',
      'var a = function () {\n  return 1;\n}, global = g,\n  globalThis = h\n  , self = k;\nf(self, global, globalThis);',
      'for (let i = 0, self = list; i < 3; i++) { f(self); }',
      // Patterns inside patterns, and parameters that are patterns (of functions, methods, catch, arrows).
      'const { a: { self } } = x; f(self); const [[window]] = y; f(window); const [a, { global }] = z; f(global);',
      'function f({ self }, [window], { a: [global] } = {}) { return g(self, window, global); }',
      'class A { m({ self }) { return self.Global; } }',
      'try { x(); } catch ({ self }) { f(self); }',
      'items.map(({ self }) => self.Global); const h = ({ a: window }) => f(window);',
    ];
    for (const src of quiet) assert.deepEqual(seen(src), [], src);
  });
  it('still finds the global object where no declaration of that name reaches', () => {
    const cases: [string, string[]][] = [
      ['function g(self) {} self.Global;', ['Global']],
      ['{ const self = 1; } self.Global;', ['Global']],
      ['for (const self of items) foo(); self.Global;', ['Global']],
      ['const f = self => 0\nself.Global;', ['Global']],
      ['x = c ? self => 0 : self.Global; f(self => 0, self.Global);', ['Global', 'Global']],
      ['f(self); (self); c ? (self) : 0;', ['self (indirect)', 'self (indirect)', 'self (indirect)']],
      ['foo(self)\n{ self.Global; }', ['self (indirect)', 'Global']],
      ['switch (self) { default: self.Global; }', ['self (indirect)', 'Global']],
      ['class B extends mix(self) { m() { return self.Global; } }', ['self (indirect)', 'Global']],
      ['x = { a: 1 * f(self) }; class C { x = c ?(self) : 0; }', ['self (indirect)', 'self (indirect)']],
      ['{ x = a +\nc ?(self) : 0; }', ['self (indirect)']],
      ['self.Global; const self2 = 1;', ['Global']],
      // A declaration's list ends with its statement, at a line break, and in its own brackets.
      ['let a = 1\nf(), g(self);', ['self (indirect)']],
      ['let a = f(1, self), b = 2; g(self);', ['self (indirect)', 'self (indirect)']],
      ['let a = { b: self }, c = [self]; f(x as const, self);', ['self (indirect)', 'self (indirect)', 'self (indirect)']],
      // A parameter's pattern declares only in its function; a default value or computed key is a use.
      ['function f({ self }) { return 1; } g(self);', ['self (indirect)']],
      ['function f({ a = self, [window.Global]: b }) {}', ['self (indirect)', 'Global']],
      // An object handed to a call, not an arrow's parameters, hands the global object on.
      ['g(({ window })); g({ a: window }); const f = ({ self }) => 0; g(self);', ['window (indirect)', 'window (indirect)', 'self (indirect)']],
    ];
    for (const [src, want] of cases) assert.deepEqual(seen(src), want, src);
  });
});

describe('findGlobalUses: other ways to Global an author may try', () => {
  it('finds Function constructed or handed on, indirect eval, a built or destructured member, with, a template key', () => {
    const cases: [string, string[]][] = [
      ['Reflect.construct(Function, ["return this"])().Global;', ['Function (indirect)']],
      ['new (Function)("return this")();', ['Function (indirect)']],
      ['(0, eval)("Global.x");', ['eval (indirect)']],
      ['const name = "Glo" + "bal"; globalThis[name].ns;', ['globalThis (indirect)']],
      ['const { Global: G } = globalThis;', ['globalThis (indirect)']],
      ['with (globalThis) { Global.ns; }', ['globalThis (indirect)', 'Global']],
      ['self[`Glo${"bal"}`].ns; window[`Global`].ns;', ['self (indirect)', 'Global']],
      ['Reflect.get(globalThis, "Global"); Object.values(window);', ['globalThis (indirect)', 'window (indirect)']],
    ];
    for (const [src, want] of cases) assert.deepEqual(seen(src), want, src);
  });
});
