/// <reference types="mocha" />
/**
 * Quick fixes through VS Code itself: the code actions VS Code collects from the language client
 * (`vscode.executeCodeActionProvider`), applied with `workspace.applyEdit` the way the light bulb
 * applies them, then the server's re-check seen as diagnostics.
 *
 * These tests change the workspace: the runners (runServer.ts, runElectron.ts) copy
 * examples/broken and examples/payments into a temporary folder per run, so nothing is restored. Every
 * change is saved, so that later tests (and `isola check` on the folder) see the same files as
 * the language server.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  TEST_TIMEOUT_MS,
  codeActions,
  describeDiagnostics,
  diagnosticsWith,
  openManifest,
  waitForDiagnostic,
  waitForDiagnostics,
  workspaceFile,
} from './helpers';

function titles(actions: readonly vscode.CodeAction[]): string {
  return actions.length ? actions.map((a) => JSON.stringify(a.title)).join(', ') : '(none)';
}

async function save(document: vscode.TextDocument): Promise<void> {
  const saved = await document.save();
  assert.ok(saved, `could not save ${vscode.workspace.asRelativePath(document.uri)}`);
}

suite('Isola quick fixes', () => {
  test('ISO006 "did you mean": Change to `_clients._companies`', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const document = await openManifest('broken/sales.isola.json');
    const uri = document.uri;

    const typo = await waitForDiagnostic(uri, 'ISO006', '`_clients._companys`');
    assert.strictEqual(document.getText(typo.range), '_clients._companys', `ISO006 range covers ${JSON.stringify(document.getText(typo.range))}`);
    assert.ok(diagnosticsWith(uri, 'ISO004').length > 0, `no ISO004 before the fix: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`);

    const actions = await codeActions(uri, typo.range);
    const fix = actions.find((a) => a.title === 'Change to `_clients._companies`');
    assert.ok(fix, `no "Change to \`_clients._companies\`" among the code actions: ${titles(actions)}`);
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `kind is ${fix.kind?.value}`);
    assert.ok(fix.isPreferred, 'the first "did you mean" should be the preferred fix');
    assert.ok(fix.edit, 'the quick fix carries no edit');
    // (`vscode.executeCodeActionProvider` does not hand back the actions' `diagnostics`.)

    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'workspace.applyEdit refused the quick fix');
    assert.strictEqual(
      document.lineAt(typo.range.start.line).text.trim(),
      '{ "code": "payer", "title": "Payer", "type": "app", "app": "_clients._companies" },',
    );

    await waitForDiagnostics(
      uri,
      'the ISO006 on `_clients._companys` to go while ISO004 and the other ISO006 stay',
      () =>
        diagnosticsWith(uri, 'ISO006', '_clients._companys').length === 0 &&
        diagnosticsWith(uri, 'ISO004', '`crm_ext.lead_sources`').length > 0 &&
        diagnosticsWith(uri, 'ISO006', '`approve_ordr`').length > 0,
    );
    await save(document);
  });

  test('ISO004: Add workspace `custom_objects` to solution `payments_solution`', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const member = 'custom_objects/custom_objects.isola.json';
    const paymentsUri = workspaceFile('payments/payments/payments.isola.json');
    const customObjectsUri = workspaceFile('payments/custom_objects/custom_objects.isola.json');

    // The scenario: someone drops `custom_objects` from the solution and saves.
    const solution = await openManifest('payments/payments_solution.isola.json');
    const includeLine = Array.from({ length: solution.lineCount }, (_, i) => solution.lineAt(i)).find((l) =>
      l.text.includes(`"${member}"`),
    );
    assert.ok(includeLine, `${member} is not in the solution's includes:\n${solution.getText()}`);
    const removal = new vscode.WorkspaceEdit();
    removal.delete(solution.uri, includeLine.rangeIncludingLineBreak);
    assert.ok(await vscode.workspace.applyEdit(removal), 'workspace.applyEdit refused to remove the include');
    await save(solution);

    // payments.isola.json references custom_objects apps, now outside the solution.
    const payments = await openManifest('payments/payments/payments.isola.json');
    const finding = await waitForDiagnostic(paymentsUri, 'ISO004', '`custom_objects.vat_rates`');
    assert.strictEqual(payments.getText(finding.range), 'custom_objects.vat_rates');
    assert.strictEqual(finding.severity, vscode.DiagnosticSeverity.Error);
    // custom_objects references payments' groups: an ISO004 there too, as `isola check` reports.
    await waitForDiagnostic(customObjectsUri, 'ISO004', '`payments.treasurers`');

    const actions = await codeActions(paymentsUri, finding.range);
    const title = 'Add workspace `custom_objects` to solution `payments_solution`';
    const fix = actions.find((a) => a.title === title);
    assert.ok(fix, `no "${title}" among the code actions: ${titles(actions)}`);
    assert.ok(fix.edit, 'the quick fix carries no edit');
    assert.deepStrictEqual(
      fix.edit.entries().map(([u]) => vscode.workspace.asRelativePath(u)),
      [vscode.workspace.asRelativePath(solution.uri)],
      'the fix should edit the solution only',
    );

    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'workspace.applyEdit refused the quick fix');
    assert.ok(solution.isDirty, 'the fix did not change the solution document');
    await save(solution);
    const includes = (JSON.parse(solution.getText().replace(/^\s*\/\/.*$/gm, '')) as { includes: string[] }).includes;
    assert.ok(includes.includes(member), `includes after the fix: ${JSON.stringify(includes)}`);

    await waitForDiagnostics(paymentsUri, 'every ISO004 to go', () => diagnosticsWith(paymentsUri, 'ISO004').length === 0);
    await waitForDiagnostics(customObjectsUri, 'every ISO004 to go', () => diagnosticsWith(customObjectsUri, 'ISO004').length === 0);
    // Back to the fixture's state: the cross-workspace references resolve through the solution (ISO009).
    await waitForDiagnostic(paymentsUri, 'ISO009', '`custom_objects.vat_rates`');
  });
});
