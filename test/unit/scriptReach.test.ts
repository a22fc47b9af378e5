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
