import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkProject } from '../../../server/src/core/check';
import { project } from '../helpers';
import { workspace } from '../rules/fixtures';
import { applyFix, fixable, titled } from './apply';

// One line with two warnings: ISO005 (an import outside the package) and ISO007 (a licensed built-in).
const W = [
  '{',
  '  "kind": "workspace", "code": "w", "title": "W", "version": "1.0.0",',
  '  "processes": [',
  '    // isola-disable-next-line ISO005 -- the import goes with the next release',
  '    { "code": "p", "app": "_projects._tasks", "scripts": [{ "code": "s", "source": "export async function s() {}", "imports": ["other"] }] }',
  '  ]',
  '}',
  '',
].join('\n');

describe('suppression quick fix', () => {
  it('adds the code to the directive already above the line, keeping its reason', async () => {
    const files = { 'w.isola.json': W, 'other/other.isola.json': workspace('other') };
    const f = await fixable(files);
    const fix = titled(f.fixes(f.one((d) => d.code === 'ISO007')), 'Suppress ISO007 on this line (with a reason)');
    const after = applyFix(f.project, fix).get('w.isola.json')!;
    assert.equal(after.split('\n')[3], '    // isola-disable-next-line ISO005, ISO007 -- the import goes with the next release');
    assert.equal(after.split('\n').length, W.split('\n').length, 'no second directive');
    const again = checkProject(await project({ ...files, 'w.isola.json': after }));
    assert.deepEqual(again.diagnostics.filter((d) => d.file === 'w.isola.json').map((d) => `${d.code} ${d.message}`), []);
  });
});
