import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appManifest, expectDiagnostic, moduleManifest, processWithScript, run, solution, workspace } from './fixtures';

const TAX = moduleManifest('tax', { settings: [{ code: 'rate', type: 'number' }] });
const importing = (...imports: string[]) =>
  workspace('sales', { processes: [processWithScript('approve', { code: 'sync', imports })] });

describe('ISO005 script import outside the package', () => {
  it('warns for an import of a namespace the package does not carry', async () => {
    const c = await run({ 'sales/sales.isola.json': importing('tax'), 'tax/tax.isola.json': TAX });
    expectDiagnostic(c, c.one('ISO005'), {
      code: 'ISO005', severity: 'warning', file: 'sales/sales.isola.json', covers: 'tax', package: 'sales',
      message: ['script `sync` of process `approve`', 'imports module `tax`', 'workspace `sales` does not carry',
        'export still works', 'export both in one solution'],
    });
  });

  it('says when the imported namespace is not in the project', async () => {
    const c = await run({ 'sales/sales.isola.json': importing('nowhere') });
    expectDiagnostic(c, c.one('ISO005'), {
      code: 'ISO005', severity: 'warning', file: 'sales/sales.isola.json', covers: 'nowhere', package: 'sales',
      message: ['namespace `nowhere` (not in this project)'],
    });
  });

  it('points at each offending import, not at the allowed ones', async () => {
    const c = await run({ 'sales/sales.isola.json': importing('sales', '_clients', 'tax', '_system'), 'tax/tax.isola.json': TAX });
    const d = c.one('ISO005');
    assert.equal(c.text(d), 'tax');
  });

  it('does not warn for built-in namespaces or the package own namespace', async () => {
    const c = await run({ 'sales/sales.isola.json': importing('_clients', '_system_catalogs', '_projects', 'sales') });
    c.none('ISO005');
  });

  it('does not warn when a solution includes the imported namespace', async () => {
    const c = await run({
      'sales/sales.isola.json': importing('tax'),
      'tax/tax.isola.json': TAX,
      'sales_solution.isola.json': solution('sales_solution', ['sales/sales.isola.json', 'tax/tax.isola.json']),
    });
    c.none('ISO005');
  });

  it('warns in a solution that does not include the imported namespace', async () => {
    const c = await run({
      'sales/sales.isola.json': importing('tax'),
      'tax/tax.isola.json': TAX,
      'sales_solution.isola.json': solution('sales_solution', ['sales/sales.isola.json']),
    });
    expectDiagnostic(c, c.one('ISO005'), {
      code: 'ISO005', severity: 'warning', file: 'sales/sales.isola.json', covers: 'tax', package: 'sales_solution',
      message: ['solution `sales_solution` does not carry'],
    });
  });

  it('an app package may import its own namespace but not another', async () => {
    const c = await run({
      'sales/orders.isola.json': appManifest('orders', 'sales', {
        processes: [processWithScript('approve', { code: 'sync', imports: ['sales', 'tax'] })],
      }),
      'tax/tax.isola.json': TAX,
    });
    expectDiagnostic(c, c.one('ISO005'), {
      code: 'ISO005', severity: 'warning', file: 'sales/orders.isola.json', covers: 'tax', package: 'orders',
      message: ['app `orders` does not carry'],
    });
  });
});
