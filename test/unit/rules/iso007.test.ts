import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appWithRef, configuration, expectDiagnostic, run, workspace } from './fixtures';

describe('ISO007 licensed built-in', () => {
  it('warns for `_projects._tasks`', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { apps: [appWithRef('orders', '_projects._tasks')] }) });
    expectDiagnostic(c, c.one('ISO007'), {
      code: 'ISO007', severity: 'warning', file: 'sales/sales.isola.json', covers: '_projects._tasks', package: 'sales',
      message: ['licensed built-in namespace `_projects`', 'Projects', 'without that licence'],
    });
    assert.equal(c.result.diagnostics.length, 1, 'a licensed built-in is otherwise a valid reference');
  });

  it('warns for `_projects._projects`, also inside a configuration', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { apps: [appWithRef('orders', '_projects._projects')] }),
      'company.isola.json': configuration('company', ['sales/sales.isola.json']),
    });
    expectDiagnostic(c, c.one('ISO007'), {
      code: 'ISO007', severity: 'warning', file: 'sales/sales.isola.json', covers: '_projects._projects', package: 'company',
    });
  });

  it('does not warn for unlicensed built-ins', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', {
        apps: [{ code: 'orders', fields: [
          { code: 'deal', type: 'app', app: '_clients._deals' },
          { code: 'file', type: 'app', app: '_system._files' },
        ] }],
      }),
    });
    c.none('ISO007');
  });

  it('does not warn for an app the licensed namespace lacks (that is ISO006)', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { apps: [appWithRef('orders', '_projects._bugs')] }) });
    c.none('ISO007');
    assert.equal(c.text(c.one('ISO006')), '_projects._bugs');
  });

  it('does not warn for a project namespace whose code merely resembles it', async () => {
    const c = await run({
      'sales/sales.isola.json': workspace('sales', { apps: [appWithRef('orders', 'projects.tasks')] }),
      'projects/projects.isola.json': workspace('projects', { apps: [{ code: 'tasks' }] }),
    });
    c.none('ISO007');
  });
});
