import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appWithRef, configuration, expectDiagnostic, run, solution, workspace } from './fixtures';

const PAYMENTS = workspace('payments', {
  apps: [{ code: 'payments', fields: [
    { code: 'counterparty', type: 'app', app: 'custom_objects.counterparties' },
    { code: 'previous', type: 'app', app: 'payments' },
    { code: 'company', type: 'app', app: '_clients._companies' },
  ] }],
});
const CUSTOM = workspace('custom_objects', { apps: [{ code: 'counterparties' }] });

describe('ISO009 resolved through the solution', () => {
  it('informs about a cross-namespace reference inside a solution', async () => {
    const c = await run({
      'payments/payments.isola.json': PAYMENTS,
      'custom_objects/custom_objects.isola.json': CUSTOM,
      'payments_solution.isola.json': solution('payments_solution', ['payments/payments.isola.json', 'custom_objects/custom_objects.isola.json']),
    });
    expectDiagnostic(c, c.one('ISO009'), {
      code: 'ISO009', severity: 'info', file: 'payments/payments.isola.json', covers: 'custom_objects.counterparties',
      package: 'payments_solution',
      message: ['resolves only because solution `payments_solution` includes both workspace `payments` and workspace `custom_objects`',
        'workspace `payments` alone cannot be exported'],
    });
    c.none('ISO004');
    assert.equal(c.result.summary.infos, 1);
    assert.equal(c.result.summary.errors, 0);
  });

  it('does not inform about same-namespace or built-in references inside a solution', async () => {
    const c = await run({
      'payments/payments.isola.json': workspace('payments', { apps: [{ code: 'payments' }, appWithRef('refunds', 'payments'), appWithRef('x', 'payments.payments'), appWithRef('y', '_clients._companies')] }),
      'payments_solution.isola.json': solution('payments_solution', ['payments/payments.isola.json']),
    });
    c.none('ISO009');
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('does not inform outside solutions: a standalone workspace gets ISO004 instead', async () => {
    const c = await run({ 'payments/payments.isola.json': PAYMENTS, 'custom_objects/custom_objects.isola.json': CUSTOM });
    c.none('ISO009');
    assert.equal(c.of('ISO004').length, 1);
  });

  it('does not inform inside a configuration that includes both namespaces', async () => {
    const c = await run({
      'payments/payments.isola.json': PAYMENTS,
      'custom_objects/custom_objects.isola.json': CUSTOM,
      'company.isola.json': configuration('company', ['payments/payments.isola.json', 'custom_objects/custom_objects.isola.json']),
    });
    c.none('ISO009');
    c.none('ISO004');
  });

  // Suspected checker bug: a member's reference to its solution's own group (`<solution>.<group>`,
  // the documented way to share a group) is reported as if the solution "included" itself as a namespace.
  it('does not describe a solution group as a namespace the solution includes', async () => {
    const c = await run({
      'payments/payments.isola.json': workspace('payments', { processes: [{ code: 'pay', lanes: [{ code: 'l', group: 'payments_solution.approvers' }] }] }),
      'payments_solution.isola.json': solution('payments_solution', ['payments/payments.isola.json'], { groups: [{ code: 'approvers' }] }),
    });
    for (const d of c.of('ISO009')) assert.ok(!d.message.includes('and solution `payments_solution`'), d.message);
  });
});
