import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, sameJson } from '../../../server/src/core/packaging/canonical';

// sameJson walks both values instead of serializing them; it must say exactly what comparing the
// canonical JSON says, which is what the merge and the in-place edit were written against.
const leaf = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer({ min: -2, max: 2 }),
  fc.constant(-0), fc.constant(Number.NaN), fc.constantFrom('', 'a', 'b'),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'code', '__proto__', 'toString'), tie('v'), { maxKeys: 3 })),
})).v;
const canonicalSame = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

describe('sameJson', () => {
  it('agrees with comparing canonical JSON on any two values', () => {
    fc.assert(fc.property(value, value, (a, b) => sameJson(a, b) === canonicalSame(a, b)), { numRuns: 20_000 });
  });

  it('agrees on a value and its copy through JSON (keys reordered, undefined dropped)', () => {
    fc.assert(fc.property(value, (a) => {
      const b: unknown = JSON.parse(JSON.stringify(a) ?? 'null');
      return sameJson(a, b) === canonicalSame(a, b);
    }), { numRuns: 5_000 });
  });

  it('ignores key order and absent keys, not values', () => {
    assert.equal(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 }), true);
    assert.equal(sameJson({ a: 1, b: undefined }, { a: 1 }), true);
    assert.equal(sameJson({ a: 1 }, { a: 1, toString: 1 }), false);
    assert.equal(sameJson({}, { toString: undefined }), true);
    assert.equal(sameJson([1, 2], [2, 1]), false);
    assert.equal(sameJson([], {}), false);
    assert.equal(sameJson(undefined, null), true);
  });
});
