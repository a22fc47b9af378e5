/**
 * The plan panel's choice, without VS Code: the inputs shown for a plan's choice (the data part
 * only when the package holds data), the page's script that posts the choice, and the check of
 * the messages the page sends.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { CHOICE_SCRIPT, choiceHtml } from '../../client/src/environments/planChoice';
import { isPlanMessage } from '../../client/src/environments/planMessages';
import type { PlanChoice } from '../../server/src/core/environment/importChoice';
import type { ImportPlan } from '../../server/src/core/environment/types';

const plan = (choice: PlanChoice): ImportPlan => ({
  id: 'p_1', package: { id: 'k_1', kind: 'workspace', code: 'invoices', sha256: 'x' }, namespaces: ['invoices'], checks: [], ok: true,
  entities: [], data: [], counts: { create: 0, update: 0, unchanged: 0, conflict: 0, kept: 0 }, choice, revision: 0, createdAt: '', createdBy: 'me',
});
const apps = [{ app: 'invoices.payment_purposes', records: 6 }, { app: 'invoices.invoices', records: 1 }];

describe('the plan panel\'s choice', () => {
  it('shows the choice the plan was made with, and what it leaves out', () => {
    const html = choiceHtml(plan({ design: 'none', data: ['invoices.invoices'], offered: { entities: 13, apps }, leftOut: { entities: 13, apps: [apps[0]] } }), true);
    assert.match(html, /<input type="radio" name="design" value="none" checked>/);
    assert.match(html, /<input type="radio" name="data" value="some" checked>/);
    assert.match(html, /<input type="checkbox" name="app" value="invoices.invoices" checked>/);
    assert.match(html, /<input type="checkbox" name="app" value="invoices.payment_purposes">/);
    assert.match(html, /Left out by this choice: 13 design entities; data of <code>invoices.payment_purposes<\/code> \(6 records\)\./);
  });

  it('offers data only when the package holds data, and nothing once the plan is used', () => {
    const none = choiceHtml(plan({ design: 'all', data: 'all', offered: { entities: 13, apps: [] }, leftOut: { entities: 0, apps: [] } }), true);
    assert.doesNotMatch(none, /name="data"/);
    assert.match(none, /name="design"/);
    const used = choiceHtml(plan({ design: 'all', data: 'all', offered: { entities: 13, apps }, leftOut: { entities: 0, apps: [] } }), false);
    assert.ok([...used.matchAll(/<input [^>]*>/g)].every((m) => m[0].includes(' disabled')), used);
    assert.equal(choiceHtml({ ...plan({ design: 'all', data: 'all', offered: { entities: 0, apps: [] }, leftOut: { entities: 0, apps: [] } }), choice: undefined }, true), '');
  });

  it('the page posts the whole choice when an input changes', () => {
    const input = (name: string, value: string, checked: boolean) => ({ name, value, checked, disabled: false });
    const inputs = [input('design', 'all', false), input('design', 'none', true), input('data', 'some', true), input('app', 'invoices.invoices', true), input('app', 'invoices.payment_purposes', false)];
    let onChange: () => void = () => undefined;
    const form = {
      addEventListener: (_: string, f: () => void) => (onChange = f),
      querySelector: (sel: string) => inputs.find((i) => sel === `input[name=${i.name}]:checked` && i.checked),
      querySelectorAll: (sel: string) => inputs.filter((i) => sel === 'input' || sel === `input[name=${i.name}]`),
    };
    const posted: unknown[] = [];
    const buttons = [{ disabled: false }, { disabled: false }];
    const document = { getElementById: () => form, querySelectorAll: (sel: string) => (sel === 'button' ? buttons : []) };
    runInNewContext(CHOICE_SCRIPT, { document, vscode: { postMessage: (m: unknown) => posted.push(m) } });
    onChange();
    assert.deepEqual(JSON.parse(JSON.stringify(posted)), [{ command: 'choose', design: 'none', data: ['invoices.invoices'] }]);
    assert.ok(isPlanMessage(posted[0]));
    assert.ok(inputs.every((i) => i.disabled) && buttons.every((b) => b.disabled), 'inputs and buttons wait for the new plan');
  });

  it('only messages of the documented shapes are taken from the page', () => {
    for (const m of [{ command: 'apply' }, { command: 'diff', id: 'a.b' }, { command: 'choose', design: 'all', data: 'none' }, { command: 'choose', design: 'none', data: ['a.b'] }]) assert.ok(isPlanMessage(m), JSON.stringify(m));
    for (const m of [null, 'apply', { command: 'run' }, { command: 'diff' }, { command: 'choose', design: 'some', data: 'all' }, { command: 'choose', design: 'all', data: [1] }]) assert.ok(!isPlanMessage(m), JSON.stringify(m));
  });
});
