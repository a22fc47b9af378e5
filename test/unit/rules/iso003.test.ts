import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configuration, expectDiagnostic, run, solution, workspace } from './fixtures';

const ordersWithPermission = (group: string) => ({ code: 'orders', permissions: [{ group, access: 'read' }] });

describe('ISO003 global object reference', () => {
  it('fires for a `global.<code>` group in a workspace, naming the way out', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { apps: [ordersWithPermission('global.all_staff')] }) });
    expectDiagnostic(c, c.one('ISO003'), {
      code: 'ISO003', severity: 'error', file: 'sales/sales.isola.json', covers: 'global.all_staff', package: 'sales',
      message: ['global group `global.all_staff`', 'workspace `sales`', 'create group `all_staff` in this package'],
    });
    c.none('ISO006'); // one finding per broken reference
    c.none('ISO004');
  });

  it('fires for a global widget on a page and in `uses`', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', {
        pages: [{ code: 'home', widget: 'global.header' }],
        widgets: [{ code: 'dashboard', uses: ['global.footer'] }],
      }),
    });
    const ds = c.of('ISO003');
    assert.deepEqual(ds.map((d) => c.text(d)).sort(), ['global.footer', 'global.header']);
    assert.ok(ds.every((d) => d.message.includes('Global widget')), ds.map((d) => d.message).join('\n'));
  });

  it('fires inside a solution too', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { apps: [ordersWithPermission('global.all_staff')] }),
      'sales_solution.isola.json': solution('sales_solution', ['sales/sales.isola.json']),
    });
    expectDiagnostic(c, c.one('ISO003'), {
      code: 'ISO003', severity: 'error', file: 'sales/sales.isola.json', covers: 'global.all_staff', package: 'sales_solution',
      message: ['solution `sales_solution`'],
    });
  });

  it('does not fire for a local group, even one whose code is `global`', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', {
        groups: [{ code: 'global' }, { code: 'managers' }],
        apps: [{ code: 'orders', permissions: [{ group: 'global', access: 'read' }, { group: 'managers', access: 'full' }] }],
      }),
    });
    c.none('ISO003');
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('does not fire for a built-in group `_system.all_users`', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { apps: [ordersWithPermission('_system.all_users')] }) });
    c.none('ISO003');
  });

  it('does not fire inside a configuration that declares the global group', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { apps: [ordersWithPermission('global.all_staff')] }),
      'company.isola.json': configuration('company', ['sales/sales.isola.json'], { globals: { groups: [{ code: 'all_staff' }] } }),
    });
    c.none('ISO003');
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('inside a configuration, a global object it does not declare is ISO006', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { apps: [ordersWithPermission('global.all_staf')] }),
      'company.isola.json': configuration('company', ['sales/sales.isola.json'], { globals: { groups: [{ code: 'all_staff' }] } }),
    });
    c.none('ISO003');
    const d = c.one('ISO006');
    assert.equal(c.text(d), 'global.all_staf');
    assert.ok(d.message.includes('did you mean `global.all_staff`'), d.message);
  });
});
