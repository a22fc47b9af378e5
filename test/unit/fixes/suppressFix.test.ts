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

// A licensed built-in (ISO007, a warning) on the line below `"apps": [`, in each kind of line break.
const LICENSED = [
  '{',
  '  "kind": "workspace", "code": "sales", "title": "Sales", "version": "1.0.0",',
  '  "apps": [',
  '    { "code": "orders", "title": "Orders", "fields": [ { "code": "c", "title": "C", "type": "app", "app": "_projects._tasks" } ] }',
  '  ]',
  '}',
  '',
];
const BREAKS = { LF: '\n', CRLF: '\r\n', CR: '\r' };

describe('suppressions in every kind of line break (LF, CRLF, a lone CR), as positions count lines', () => {
  for (const [name, eol] of Object.entries(BREAKS)) {
    const findings = async (text: string) =>
      checkProject(await project({ 'sales.isola.json': text })).diagnostics.filter((d) => d.file === 'sales.isola.json').map((d) => `${d.range.start.line} ${d.code}`);

    it(`${name}: a directive above the line suppresses its warning`, async () => {
      const lines = [...LICENSED];
      lines.splice(3, 0, '    // isola-disable-next-line ISO007 -- licensed there');
      assert.deepEqual(await findings(lines.join(eol)), []);
    });

    it(`${name}: the quick fix inserts a directive with the file's line break, and it suppresses the warning`, async () => {
      const text = LICENSED.join(eol);
      assert.deepEqual(await findings(text), ['3 ISO007']);
      const f = await fixable({ 'sales.isola.json': text });
      const after = applyFix(f.project, titled(f.fixes(f.one((d) => d.code === 'ISO007')), 'Suppress ISO007 on this line (with a reason)')).get('sales.isola.json')!;
      const lines = [...LICENSED];
      lines.splice(3, 0, '    // isola-disable-next-line ISO007 -- reason');
      assert.equal(after, lines.join(eol));
      assert.deepEqual(await findings(after), []);
    });

    it(`${name}: a directive that suppresses nothing is reported on its line, and its quick fix removes that line`, async () => {
      const lines = [...LICENSED];
      lines.splice(2, 0, '  // isola-disable-next-line ISO005 -- nothing here');
      const text = lines.join(eol);
      assert.deepEqual(await findings(text), ['2 MAN004', '4 ISO007']);
      const f = await fixable({ 'sales.isola.json': text });
      const after = applyFix(f.project, titled(f.fixes(f.one((d) => d.code === 'MAN004')), /Remove/)).get('sales.isola.json')!;
      assert.equal(after, LICENSED.join(eol));
    });
  }
});
