/// <reference types="mocha" />
/**
 * Smoke test of the harness and the extension: the extension is there, activates on a
 * `*.isola.json` document, and its language server publishes diagnostics.
 * The workspace is a temporary copy of test/vscode/fixtures/.workspace (examples/broken and
 * examples/payments).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'isola.isola';
const LANGUAGE_ID = 'isola-manifest';
/** How long to wait for an event; the tests' own mocha timeout is longer, so a wait that times out reports what it saw. */
const WAIT_MS = 60_000;
const TEST_TIMEOUT_MS = WAIT_MS + 30_000;

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workbench has no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? code.value : code;
}

function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `${String(codeOf(d))}@${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`)
    .join('; ');
}

/** Resolves when `condition()` holds, re-checking whenever one of `events` fires. */
function waitUntil(
  description: string,
  condition: () => boolean,
  events: vscode.Event<unknown>[],
  timeoutMs = WAIT_MS,
  details: () => string = () => '',
): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    let timer: NodeJS.Timeout | undefined;
    // Extension activation has no public event: re-check on a short interval as well.
    let poll: NodeJS.Timeout | undefined;
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      clearInterval(poll);
      subscriptions.forEach((s) => s.dispose());
      if (err) reject(err);
      else resolve();
    };
    const check = (): void => {
      try {
        if (condition()) finish();
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    };
    for (const event of events) subscriptions.push(event(check));
    timer = setTimeout(() => {
      const more = details();
      finish(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${description}${more ? `: ${more}` : ''}`));
    }, timeoutMs);
    poll = setInterval(check, 100);
    check();
  });
}

async function waitForDiagnostic(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic> {
  const matching = (): vscode.Diagnostic | undefined =>
    vscode.languages.getDiagnostics(uri).find((d) => String(codeOf(d)) === code);
  await waitUntil(
    `a ${code} diagnostic on ${vscode.workspace.asRelativePath(uri)}`,
    () => matching() !== undefined,
    [vscode.languages.onDidChangeDiagnostics],
    WAIT_MS,
    () => `diagnostics now: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`,
  );
  return matching()!;
}

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
