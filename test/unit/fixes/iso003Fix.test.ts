import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, ParseError } from 'jsonc-parser';
import { checkProject } from '../../../server/src/core/check';
import { appManifest, workspace } from '../rules/fixtures';
import { project } from '../helpers';
import { applyFix, fixable, titled } from './apply';
import { formatOf } from '../../../server/src/core/fixes/fix';

describe('ISO003 quick fix', () => {
  it('on a one-line last property, sends edits that do not overlap and leave valid JSON', async () => {
    const text = [
      '{',
      '  "kind": "workspace", "code": "w", "title": "W", "version": "1.0.0",',
      '  "apps": [ { "code":"a","permissions":[{"group":"global.managers","access":"read"}] } ]',
      '}',
      '',
    ].join('\n');
    const f = await fixable({ 'w.isola.json': text });
    const fix = titled(f.fixes(f.one((d) => d.code === 'ISO003')), 'Create group `managers` in workspace `w` and use it');
    const after = applyFix(f.project, fix).get('w.isola.json')!;
    const errors: ParseError[] = [];
    const value = parse(after, errors);
    assert.deepEqual(errors, [], after);
    assert.deepEqual(value.groups, [{ code: 'managers', title: 'Managers' }]);
    assert.equal(value.apps[0].permissions[0].group, 'managers');
    const again = checkProject(await project({ 'w.isola.json': after }));
    assert.deepEqual(again.diagnostics.map((d) => `${d.code} ${d.message}`), []);
  });

  it('writes the new group with the file\'s own tabs and line breaks (CR alone, or CRLF)', async () => {
    for (const eol of ['\r', '\r\n']) {
      const text = [
        '{',
        '\t"kind": "workspace",',
        '\t"code": "w",',
        '\t"groups": [',
        '\t\t{ "code": "staff" }',
        '\t],',
        '\t"apps": [',
        '\t\t{ "code": "a", "permissions": [ { "group": "global.managers", "access": "read" } ] }',
        '\t]',
        '}',
        '',
      ].join(eol);
      const f = await fixable({ 'w.isola.json': text });
      const after = applyFix(f.project, titled(f.fixes(f.one((d) => d.code === 'ISO003')), 'Create group `managers` in workspace `w` and use it')).get('w.isola.json')!;
      const other = eol === '\r' ? /\n/ : /\r(?!\n)|(?<!\r)\n/;
      assert.doesNotMatch(after, other, JSON.stringify(after));
      const lines = after.split(eol);
      // Every line the fix wrote starts with tabs, none with spaces.
      assert.deepEqual(lines.filter((l) => /^ /.test(l)), [], JSON.stringify(after));
      assert.ok(lines.some((l) => /^\t\t\t"code": "managers"/.test(l) || /^\t\t\{ ?"code": "managers"/.test(l)), JSON.stringify(after));
      assert.deepEqual(parse(after).groups, [{ code: 'staff' }, { code: 'managers', title: 'Managers' }]);
    }
  });

  it('in an app manifest, uses the group its namespace\'s workspace declares instead of creating another', async () => {
    const files = {
      'orders/orders.isola.json': workspace('orders', { groups: [{ code: 'managers', title: 'Managers' }] }),
      'orders/apps/order.isola.json': appManifest('order', 'orders', { permissions: [{ group: 'global.managers', access: 'read' }] }),
    };
    const f = await fixable(files);
    const fixes = f.fixes(f.one((d) => d.code === 'ISO003'));
    assert.ok(!fixes.some((x) => x.title.startsWith('Create group')), fixes.map((x) => x.title).join(' | '));
    const fix = titled(fixes, 'Use group `managers` of this package');
    const changed = applyFix(f.project, fix);
    assert.deepEqual([...changed.keys()], ['orders/apps/order.isola.json']);
    const again = checkProject(await project({ ...files, 'orders/apps/order.isola.json': changed.get('orders/apps/order.isola.json')! }));
    assert.deepEqual(again.diagnostics.map((d) => `${d.code} ${d.message}`), []);
  });

  it('in an app package, offers no group of the namespace outside the package: using it would be an ISO004', async () => {
    // No workspace `shop`: each app manifest is its own package, which carries that one app.
    const f = await fixable({
      'a.isola.json': appManifest('orders', 'shop', { groups: [{ code: 'staff' }] }),
      'b.isola.json': appManifest('items', 'shop', { permissions: [{ group: 'global.staff', access: 'read' }] }),
    });
    const fixes = f.fixes(f.one((d) => d.code === 'ISO003'));
    assert.deepEqual(fixes.filter((x) => /group/.test(x.title)).map((x) => x.title), []);
  });

  it('in an app package, still uses a group its own manifest declares', async () => {
    const files = {
      'a.isola.json': appManifest('orders', 'shop', { groups: [{ code: 'staff' }], permissions: [{ group: 'global.staff', access: 'read' }] }),
    };
    const f = await fixable(files);
    const changed = applyFix(f.project, titled(f.fixes(f.one((d) => d.code === 'ISO003')), 'Use group `staff` of this package'));
    const again = checkProject(await project({ 'a.isola.json': changed.get('a.isola.json')! }));
    assert.deepEqual(again.diagnostics.map((d) => `${d.code} ${d.message}`), []);
  });

  it('creates no group whose card id another entity of the namespace has (MAN001)', async () => {
    const f = await fixable({
      'ws.isola.json': workspace('sales', { apps: [{ code: 'orders', permissions: [{ group: 'global.staff', access: 'read' }] }], pages: [{ code: 'staff' }] }),
    });
    const fixes = f.fixes(f.one((d) => d.code === 'ISO003'));
    assert.deepEqual(fixes.filter((x) => /group/.test(x.title)).map((x) => x.title), []);
  });

  it('creates no group whose code differs from another group\'s only in letter case (MAN001)', async () => {
    const f = await fixable({
      'ws.isola.json': workspace('sales', { apps: [{ code: 'orders', permissions: [{ group: 'global.Staff', access: 'read' }] }], groups: [{ code: 'staff' }] }),
    });
    const fixes = f.fixes(f.one((d) => d.code === 'ISO003'));
    assert.deepEqual(fixes.filter((x) => /group/.test(x.title)).map((x) => x.title), []);
  });
});

describe('formatOf (how a fix indents and breaks lines)', () => {
  it('reads four spaces, tabs, CR alone, and falls back to two spaces and LF', () => {
    assert.deepEqual(formatOf('{\n    "a": {\n        "b": 1\n    }\n}\n'), { insertSpaces: true, tabSize: 4, eol: '\n' });
    assert.deepEqual(formatOf('{\r\t"a": 1\r}'), { insertSpaces: false, tabSize: 1, eol: '\r' });
    assert.deepEqual(formatOf('{\r\n  "a": 1\r\n}'), { insertSpaces: true, tabSize: 2, eol: '\r\n' });
    assert.deepEqual(formatOf('{"a": 1}'), { insertSpaces: true, tabSize: 2, eol: '\n' });
  });
});
