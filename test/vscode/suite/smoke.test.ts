/// <reference types="mocha" />
/**
 * Smoke test of the harness and the extension: the extension is there, activates on a
 * `*.isola.json` document, and its language server publishes diagnostics.
 * The workspace is a temporary copy of examples/broken and examples/payments.
 *
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, LANGUAGE_ID, TEST_TIMEOUT_MS, describeDiagnostics, waitForDiagnostic, waitUntil, workspaceFile } from './helpers';

suite('Isola extension smoke test', () => {
  test('the extension is installed', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} not found`);
  });

  test('opening a *.isola.json manifest activates the extension', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const uri = workspaceFile('payments/payments_solution.isola.json');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.languageId, LANGUAGE_ID);

    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} not found`);
    await waitUntil(`${EXTENSION_ID} to activate`, () => extension.isActive, []);
  });

  test('a broken manifest gets an ISO004 diagnostic from the language server', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const uri = workspaceFile('broken/sales.isola.json');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.languageId, LANGUAGE_ID);

    const diagnostic = await waitForDiagnostic(uri, 'ISO004');
    // examples/broken/README.md: ISO004 on line 27, `"app": "crm_ext.lead_sources"`.
    assert.strictEqual(diagnostic.range.start.line + 1, 27, `ISO004 on the wrong line: ${describeDiagnostics([diagnostic])}`);
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
  });
});
