import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeHistory } from '../../../server/src/core/unpack/history';

describe('the history an unpack writes', () => {
  it('ends with the version the package carries, also when that is an older version brought back', () => {
    // The environment went back to v1 (a replace with the older package): its export's history
    // ends with v1, dated when v1 was first made.
    const project = { 'ws.app': [{ hash: 'v1', at: '2026-01-01' }, { hash: 'v2', at: '2026-02-01' }] };
    const pkg = { 'ws.app': [{ hash: 'v2', at: '2026-02-01' }, { hash: 'v1', at: '2026-01-01' }] };
    assert.deepEqual(mergeHistory(project, pkg)['ws.app'].map((e) => e.hash), ['v2', 'v1']);
  });

  it('keeps what only the project recorded, before the package\'s history, and every entity of either', () => {
    const project = { 'ws.a': [{ hash: 'p0', at: '2026-01-01' }, { hash: 'x1', at: '2026-01-02' }], 'ws.b': [{ hash: 'b1', at: '2026-01-01' }] };
    const pkg = { 'ws.a': [{ hash: 'x1', at: '2026-01-02' }, { hash: 'x2', at: '2026-01-03' }], 'ws.c': [{ hash: 'c1', at: '2026-01-05' }] };
    const out = mergeHistory(project, pkg);
    assert.deepEqual(Object.keys(out), ['ws.a', 'ws.b', 'ws.c']);
    assert.deepEqual(out['ws.a'].map((e) => e.hash), ['p0', 'x1', 'x2']);
    assert.deepEqual(out['ws.b'].map((e) => e.hash), ['b1']);
  });
});
