import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkProject } from '../../../server/src/core/check';
import { project } from '../helpers';
import { applyFix, fixable, titled } from './apply';

// A property written twice: the fix removes the occurrence every reader ignores, so the text says
// what the manifest means, and the value that counts stays.

describe('MAN002 quick fix for a repeated property', () => {
  const cases: [string, string, string][] = [
    ['first of a one-line object', '{ "kind": "workspace", "code": "w", "title": "A", "title": "B" }', '{ "kind": "workspace", "code": "w", "title": "B" }'],
    ['first property of its object', '{ "title": "A", "kind": "workspace", "code": "w", "title": "B" }', '{ "kind": "workspace", "code": "w", "title": "B" }'],
    ['on its own lines, with a comment', '{\n  "kind": "workspace",\n  "code": "w",\n  // old\n  "title": "A",\n  "title": "B"\n}\n', '{\n  "kind": "workspace",\n  "code": "w",\n  "title": "B"\n}\n'],
    ['nested, with CRLF', '{\r\n  "kind": "workspace", "code": "w",\r\n  "apps": [{ "code": "a", "title": "X",\r\n    "title": "Y" }]\r\n}\r\n', '{\r\n  "kind": "workspace", "code": "w",\r\n  "apps": [{ "code": "a",\r\n    "title": "Y" }]\r\n}\r\n'],
  ];
  for (const [name, text, want] of cases) {
    it(`${name}: the ignored one goes, the check passes`, async () => {
      const f = await fixable({ 'w.isola.json': text });
      const d = f.one((x) => x.code === 'MAN002');
      const fix = titled(f.fixes(d), 'Remove this "title", which the one below overrides');
      assert.equal(fix.isPreferred, true);
      const after = applyFix(f.project, fix).get('w.isola.json')!;
      assert.equal(after, want);
      assert.deepEqual(JSON.parse(after.replace(/\/\/.*/g, '')), JSON.parse(text.replace(/\/\/.*/g, '')), 'the value is the one it was');
      assert.deepEqual(checkProject(await project({ 'w.isola.json': after })).diagnostics.map((x) => `${x.code} ${x.message}`), []);
    });
  }

  it('three of one name: each ignored one has its fix, and both applied leave the last', async () => {
    const text = '{ "kind": "workspace", "code": "w", "title": "A", "title": "B", "title": "C" }';
    const f = await fixable({ 'w.isola.json': text });
    const ds = f.result.diagnostics.filter((d) => d.code === 'MAN002');
    assert.equal(ds.length, 2);
    const first = applyFix(f.project, f.fixes(ds[0])[0]).get('w.isola.json')!;
    assert.equal(first, '{ "kind": "workspace", "code": "w", "title": "B", "title": "C" }');
    const g = await fixable({ 'w.isola.json': first });
    const second = applyFix(g.project, g.fixes(g.one((d) => d.code === 'MAN002'))[0]).get('w.isola.json')!;
    assert.equal(second, '{ "kind": "workspace", "code": "w", "title": "C" }');
  });

  it('other MAN002 findings get no such fix', async () => {
    const f = await fixable({ 'w.isola.json': '{ "kind": "workspace", "code": "w", "title": 5 }' });
    const d = f.one((x) => x.code === 'MAN002');
    assert.deepEqual(f.fixes(d).filter((x) => /Remove this/.test(x.title)), []);
  });
});
