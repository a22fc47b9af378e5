import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appManifest, configuration, expectDiagnostic, run, solution, workspace } from './fixtures';

const LANE_TO_UNIT = { code: 'approve', lanes: [{ code: 'head', title: 'Head of sales', orgUnit: 'sales_dept' }] };
const LANE_TO_GROUP = { code: 'approve', lanes: [{ code: 'head', title: 'Head of sales', group: 'managers' }] };

describe('ISO002 org-chart reference', () => {
  it('fires for a lane `orgUnit` in a workspace, naming the way out', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { processes: [LANE_TO_UNIT] }) });
    expectDiagnostic(c, c.one('ISO002'), {
      code: 'ISO002', severity: 'error', file: 'sales/sales.isola.json', covers: 'sales_dept', package: 'sales',
      message: ['`sales_dept`', 'workspace `sales`', 'only with a configuration', 'use a group', '`group` in place of `orgUnit`'],
    });
    c.none('ISO006'); // one finding per broken reference
  });

  it('fires for a permission `orgUnit` and a notification `orgUnit` in an app manifest', async () => {
    const c = await run({
      'sales/orders.isola.json': appManifest('orders', 'sales', {
        permissions: [{ orgUnit: 'board', access: 'read' }],
        processes: [{ code: 'notify', notifications: [{ code: 'n1', orgUnit: 'accounting' }] }],
      }),
    });
    const ds = c.of('ISO002');
    assert.deepEqual(ds.map((d) => c.text(d)), ['board', 'accounting']);
    for (const d of ds) assert.equal(d.package, 'orders');
    assert.ok(ds[0].message.includes('app `orders`'), ds[0].message);
  });

  it('does not fire for a lane that names a group', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { groups: [{ code: 'managers' }], processes: [LANE_TO_GROUP] }),
    });
    c.none('ISO002');
    assert.equal(c.result.diagnostics.length, 0);
  });

  it('fires in a workspace checked inside a solution (a solution does not carry the org chart)', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { processes: [LANE_TO_UNIT] }),
      'sales_solution.isola.json': solution('sales_solution', ['sales/sales.isola.json']),
    });
    expectDiagnostic(c, c.one('ISO002'), {
      code: 'ISO002', severity: 'error', file: 'sales/sales.isola.json', covers: 'sales_dept', package: 'sales_solution',
      message: ['solution `sales_solution`'],
    });
  });

  it('does not fire in a workspace checked inside a configuration that declares the unit', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { processes: [LANE_TO_UNIT] }),
      'company.isola.json': configuration('company', ['sales/sales.isola.json'], {
        orgChart: [{ code: 'board', children: [{ code: 'sales_dept', title: 'Sales department' }] }],
      }),
    });
    c.none('ISO002');
    c.none('ISO006');
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('inside a configuration, a unit the org chart lacks is ISO006, not ISO002', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { processes: [LANE_TO_UNIT] }),
      'company.isola.json': configuration('company', ['sales/sales.isola.json'], { orgChart: [{ code: 'sales_dep' }] }),
    });
    c.none('ISO002');
    const d = c.one('ISO006');
    assert.equal(c.text(d), 'sales_dept');
    assert.ok(d.message.includes('`sales_dep`'), d.message);
  });
});
