import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appWithRef, configuration, expectDiagnostic, run, workspace } from './fixtures';

const ordersWith = (body: Record<string, unknown>) => workspace('sales', {
  groups: [{ code: 'sales_managers' }],
  apps: [{ code: 'orders', ...body }, { code: 'invoices' }],
  processes: [{ code: 'approve_order' }],
});

describe('ISO006 unknown reference', () => {
  it('fires for a typo of a built-in app and suggests it', async () => {
    const c = await run({ 'sales/sales.isola.json': ordersWith({ fields: [{ code: 'payer', type: 'app', app: '_clients._companys' }] }) });
    expectDiagnostic(c, c.one('ISO006'), {
      code: 'ISO006', severity: 'error', file: 'sales/sales.isola.json', covers: '_clients._companys', package: 'sales',
      message: ['unknown app `_clients._companys`', 'built-in namespace `_clients`', 'did you mean `_clients._companies`?'],
    });
  });

  it('fires for a typo of a local process and suggests the bare code', async () => {
    const c = await run({ 'sales/sales.isola.json': ordersWith({ buttons: [{ code: 'approve', process: 'approve_ordr' }] }) });
    expectDiagnostic(c, c.one('ISO006'), {
      code: 'ISO006', severity: 'error', file: 'sales/sales.isola.json', covers: 'approve_ordr', package: 'sales',
      message: ['unknown process `approve_ordr`', 'no process `approve_ordr` exists in namespace `sales`', 'did you mean `approve_order`?'],
    });
  });

  it('suggests a local app for a misspelt bare app code', async () => {
    const c = await run({ 'sales/sales.isola.json': ordersWith({ fields: [{ code: 'inv', type: 'app', app: 'invoce' }] }) });
    const d = c.one('ISO006');
    assert.equal(c.text(d), 'invoce');
    assert.match(d.message, /did you mean `invoices`\?/);
  });

  it('suggests a built-in group for a misspelt group', async () => {
    const c = await run({ 'sales/sales.isola.json': ordersWith({ permissions: [{ group: '_system.all_user', access: 'read' }] }) });
    const d = c.one('ISO006');
    assert.equal(c.text(d), '_system.all_user');
    assert.match(d.message, /did you mean `_system\.all_users`\?/);
  });

  it('says when the namespace exists nowhere, without a wild guess', async () => {
    const c = await run({ 'sales/sales.isola.json': ordersWith({ fields: [{ code: 'x', type: 'app', app: 'nowhere.thing' }] }) });
    const d = c.one('ISO006');
    expectDiagnostic(c, d, {
      code: 'ISO006', severity: 'error', file: 'sales/sales.isola.json', covers: 'nowhere.thing',
      message: ['namespace `nowhere` exists nowhere'],
    });
    assert.doesNotMatch(d.message, /did you mean/);
  });

  it('does not fire for built-ins: `_clients._companies`, `_system._users`, `_system.all_users`, `_system.administrators`', async () => {
    const c = await run({
      'sales/sales.isola.json': ordersWith({
        fields: [
          { code: 'customer', type: 'app', app: '_clients._companies' },
          { code: 'owner', type: 'app', app: '_system._users' },
          { code: 'currency', type: 'app', app: '_system_catalogs._currencies' },
        ],
        permissions: [{ group: '_system.all_users', access: 'read' }, { group: '_system.administrators', access: 'full' }],
      }),
    });
    c.none('ISO006');
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('does not fire for local and cross-namespace entities that exist', async () => {
    const c = await run({
      'sales/sales.isola.json': ordersWith({
        fields: [{ code: 'inv', type: 'app', app: 'invoices' }, { code: 'lead', type: 'app', app: 'crm.leads' }],
        buttons: [{ code: 'approve', process: 'approve_order' }],
        permissions: [{ group: 'sales_managers', access: 'full' }],
      }),
      'crm/crm.isola.json': workspace('crm', { apps: [{ code: 'leads' }] }),
    });
    c.none('ISO006');
  });

  it('the kind matters: a built-in group is not an app', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { apps: [appWithRef('orders', '_system.all_users')] }) });
    const d = c.one('ISO006');
    assert.equal(c.text(d), '_system.all_users');
    assert.ok(d.message.includes('no app `all_users`'), d.message);
  });

  it('does not fire outside a configuration for `global.` and `orgUnit` references (ISO003/ISO002 do)', async () => {
    const c = await run({
      'sales/sales.isola.json': ordersWith({ permissions: [{ group: 'global.nobody', access: 'read' }, { orgUnit: 'nowhere', access: 'read' }] }),
    });
    c.none('ISO006');
    assert.equal(c.of('ISO003').length, 1);
    assert.equal(c.of('ISO002').length, 1);
  });

  it('fires in a configuration for an org unit its org chart lacks', async () => {
    const c = await run({
      'company.isola.json': configuration('company', ['sales/sales.isola.json'], { orgChart: [{ code: 'sales_department' }] }),
      'sales/sales.isola.json': ordersWith({ permissions: [{ orgUnit: 'sales_departmnt', access: 'read' }] }),
    });
    expectDiagnostic(c, c.one('ISO006'), {
      code: 'ISO006', severity: 'error', file: 'sales/sales.isola.json', covers: 'sales_departmnt', package: 'company',
      message: ['the org chart', 'did you mean `sales_department`?'],
    });
  });

  it('takes no property named like an Object method for a reference (constructor, toString, __proto__)', async () => {
    const c = await run({ 'sales/sales.isola.json': JSON.stringify({
      kind: 'workspace', code: 'sales', title: 'Sales',
      apps: [{ code: 'orders', title: 'Orders', constructor: 'x', fields: [{ code: 'f', type: 'string', toString: 'y', hasOwnProperty: 'z' }] }],
    }) });
    c.none('ISO006');
    assert.equal(c.result.diagnostics.filter((d) => /native code/.test(d.message)).length, 0);
  });
});
