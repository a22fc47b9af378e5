import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keptRelinks } from '../../../server/src/core/environment/keptSiblings';
import type { Place } from '../../../server/src/core/environment/siblingLinks';

/** A menu as links: `['a', 'b', 'c']` is a first, b after a, c after b. */
const menu = (codes: string[]): Map<string, Place> => new Map(codes.map((c, i) => [c, i ? { after: codes[i - 1] } : {}]));

/** The order the links give, asserting that they give one (one first, no two following one, all reached). */
function chain(places: Map<string, Place>): string[] {
  const heads = [...places].filter(([, p]) => p.after === undefined).map(([c]) => c);
  assert.equal(heads.length, 1, `one first, not ${heads.join(', ')}`);
  const followers = new Map<unknown, string[]>();
  for (const [c, p] of places) followers.set(p.after, [...(followers.get(p.after) ?? []), c]);
  const out = [heads[0]];
  for (;;) {
    const next = followers.get(out[out.length - 1]) ?? [];
    assert.ok(next.length <= 1, `${next.join(' and ')} both follow ${out[out.length - 1]}`);
    if (!next.length) break;
    out.push(next[0]);
  }
  assert.equal(out.length, places.size, `the links reach ${out.join(', ')} of ${[...places.keys()].join(', ')}`);
  return out;
}

/** The environment's places after an import of `carried` re-links what `keptRelinks` says. */
function imported(type: string, held: Map<string, Place>, carried: Map<string, Place>): { places: Map<string, Place>; moved: string[] } {
  const places = new Map(held);
  for (const [c, p] of carried) places.set(c, p);
  const relinks = keptRelinks(type, held, carried);
  for (const r of relinks) places.set(r.code, { ...places.get(r.code), after: r.after });
  return { places, moved: relinks.map((r) => r.code) };
}

describe('kept siblings an import re-links', () => {
  it('a page the package dropped and replaced follows the package\'s run of pages that took its place', () => {
    const { places, moved } = imported('page', menu(['a', 'b', 'c', 'd']), menu(['a', 'x', 'c', 'd']));
    assert.deepEqual(chain(places), ['a', 'x', 'c', 'd', 'b']);
    assert.deepEqual(moved, ['b']);
  });

  it('a page dropped with nothing in its place keeps its link, and so does everything else', () => {
    assert.deepEqual(keptRelinks('page', menu(['a', 'b', 'c']), new Map([['a', {}], ['c', { after: 'a' }]])), [
      { code: 'b', after: 'c' },
    ], 'c took b\'s place after a');
    // The package carries pages around the kept one without taking its place: nothing moves.
    assert.deepEqual(keptRelinks('page', menu(['a', 'b', 'c']), new Map([['a', {}], ['c', { after: 'b' }]])), []);
  });

  it('a kept first page follows the package\'s first run; kept pages that followed it stay with it', () => {
    const { places, moved } = imported('page', menu(['k1', 'k2', 'a']), new Map([['n', {}], ['a', { after: 'n' }]]));
    assert.deepEqual(chain(places), ['n', 'a', 'k1', 'k2']);
    assert.deepEqual(moved, ['k1']);
  });

  it('several kept pages that lost their place keep their order among themselves by code, after the package\'s', () => {
    const held = new Map<string, Place>([['a', {}], ['b', { after: 'a' }], ['c', { after: 'b' }]]);
    const carried = new Map<string, Place>([['a', {}], ['x', { after: 'a' }]]);
    const { places } = imported('page', held, carried);
    assert.deepEqual(chain(places), ['a', 'x', 'b', 'c']);
  });

  it('an org-chart unit: kept units move only within their own parent\'s list', () => {
    const held = new Map<string, Place>([
      ['ceo', {}], ['fin', { parent: 'ceo' }], ['ops', { parent: 'ceo', after: 'fin' }],
      ['acc', { parent: 'fin' }], ['tre', { parent: 'fin', after: 'acc' }],
    ]);
    // The package carries fin's list anew: `new` first, where acc stood; ops is not carried.
    const carried = new Map<string, Place>([['ceo', {}], ['fin', { parent: 'ceo' }], ['new', { parent: 'fin' }], ['tre', { parent: 'fin', after: 'new' }]]);
    const { places, moved } = imported('orgUnit', held, carried);
    const under = (p: string) => new Map([...places].filter(([, x]) => x.parent === p));
    assert.deepEqual(chain(under('fin')), ['new', 'tre', 'acc']);
    assert.deepEqual(chain(under('ceo')), ['fin', 'ops']);
    assert.deepEqual(moved, ['acc']);
  });

  it('a kept unit that followed a unit the package moved to another parent closes up', () => {
    const held = new Map<string, Place>([['ceo', {}], ['a', { parent: 'ceo' }], ['b', { parent: 'ceo', after: 'a' }], ['c', { parent: 'ceo', after: 'b' }]]);
    const carried = new Map<string, Place>([['b', { parent: 'a' }]]);
    const { places, moved } = imported('orgUnit', held, carried);
    assert.deepEqual(chain(new Map([...places].filter(([, x]) => x.parent === 'ceo'))), ['a', 'c']);
    assert.deepEqual(moved, ['c']);
    assert.deepEqual(keptRelinks('orgUnit', held, carried), [{ code: 'c', after: 'a' }]);
  });

  it('a long chain of units moved away, each followed by a kept unit, closes up into one order', () => {
    // ceo's children: m0, k0, m1, k1, ...: the package moves every m under `away`; each k followed an m.
    const n = 5000;
    const held = new Map<string, Place>([['ceo', {}], ['away', { parent: 'ceo' }]]);
    let prev = 'away';
    for (let i = 0; i < n; i++) {
      held.set(`m${i}`, { parent: 'ceo', after: prev });
      held.set(`k${i}`, { parent: 'ceo', after: `m${i}` });
      prev = `k${i}`;
    }
    const carried = new Map<string, Place>([...Array(n).keys()].map((i) => [`m${i}`, { parent: 'away', ...(i ? { after: `m${i - 1}` } : {}) }]));
    const { places } = imported('orgUnit', held, carried);
    const order = chain(new Map([...places].filter(([, p]) => p.parent === 'ceo')));
    assert.deepEqual(order, ['away', ...[...Array(n).keys()].map((i) => `k${i}`)]);
  });

  it('leaves alone a list the package carries nothing of, and a cycle of links the environment holds', () => {
    assert.deepEqual(keptRelinks('page', menu(['a', 'b']), new Map()), []);
    const cycle = new Map<string, Place>([['a', {}], ['p', { after: 'q' }], ['q', { after: 'p' }]]);
    assert.deepEqual(keptRelinks('page', cycle, new Map([['a', {}]])), []);
  });
});
