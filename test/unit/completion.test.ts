import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { referenceCompletions } from '../../server/src/core/language/completion';
import { project } from './helpers';

describe('reference completion past its limit', () => {
  // Workspace `aaa` comes first in the index and has more apps than the list below holds.
  const files = {
    'aaa.isola.json': { kind: 'workspace', code: 'aaa', version: '1.0.0', apps: Array.from({ length: 30 }, (_, i) => ({ code: `a${i}` })) },
    'zzz.isola.json': { kind: 'workspace', code: 'zzz', version: '1.0.0', apps: [{ code: 'my_orders' }, { code: 'x' }] },
  };
  const load = async () => {
    const p = await project(files);
    return { p, zzz: p.manifests.find((m) => m.code === 'zzz')! };
  };

  it('keeps the package\'s own entities and the built-ins, cuts those that break isolation, and says so', async () => {
    const { p, zzz } = await load();
    const whole = referenceCompletions(p, zzz, 'app');
    assert.equal(whole.incomplete, false);
    const builtins = whole.items.filter((c) => c.isolation === 'builtin').length;
    const limit = builtins + 5;
    const r = referenceCompletions(p, zzz, 'app', { limit });
    assert.equal(r.items.length, limit);
    assert.equal(r.incomplete, true);
    assert.deepEqual(r.items.slice(0, 2).map((c) => [c.label, c.isolation]), [['my_orders', 'inside'], ['x', 'inside']]);
    assert.equal(r.items.filter((c) => c.isolation === 'builtin').length, builtins);
    assert.equal(r.items.filter((c) => c.isolation === 'breaks').length, 3);
  });

  it('narrows a list that would be cut to the labels holding what is typed, in any case', async () => {
    const { p, zzz } = await load();
    const r = referenceCompletions(p, zzz, 'app', { limit: 5, typed: 'AAA.a29' });
    assert.deepEqual(r.items.map((c) => [c.label, c.isolation]), [['aaa.a29', 'breaks']]);
    assert.equal(r.incomplete, true, 'what is typed left some out: deleting it must ask again');
    // Its characters in order, not only at the start (editors filter so).
    assert.ok(referenceCompletions(p, zzz, 'app', { limit: 5, typed: 'mord' }).items.some((c) => c.label === 'my_orders'));
  });

  it('gives a list that fits whole, whatever is typed, for the editor to filter', async () => {
    const { p, zzz } = await load();
    const r = referenceCompletions(p, zzz, 'app', { typed: 'a29' });
    assert.equal(r.incomplete, false);
    assert.ok(r.items.some((c) => c.label === 'my_orders') && r.items.some((c) => c.label === 'aaa.a0'));
  });
});
