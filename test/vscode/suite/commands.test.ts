/// <reference types="mocha" />
/**
 * The contributed commands (category "Isola"): they exist, "Check Workspace" returns the same
 * totals as `isola check` on the workspace folder, and "Restart Language Server" restarts the
 * server, whose diagnostics then come back.
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
  REPO_ROOT,
  TEST_TIMEOUT_MS,
  WAIT_MS,
  describeDiagnostics,
  diagnosticsWith,
  openManifest,
  waitForDiagnostic,
  waitForDiagnostics,
  waitUntil,
  withTimeout,
  workspaceFolder,
} from './helpers';

const COMMANDS = ['isola.checkWorkspace', 'isola.restartServer', 'isola.showOutput'];

interface Totals {
  errors: number;
  warnings: number;
  infos: number;
  files: number;
}

/** `node dist/cli.js check DIR --format json` (exit status 1 means findings, not failure). */
function cliCheck(dir: string): Promise<Totals> {
  const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
  assert.ok(fs.existsSync(cli), `${cli} does not exist: run \`npm run build\` first`);
  return new Promise((resolve, reject) => {
    // process.execPath is Node in the VS Code server's extension host and Electron in desktop
    // VS Code; ELECTRON_RUN_AS_NODE makes the latter behave as Node (the former ignores it).
    execFile(
      process.execPath,
      [cli, 'check', dir, '--format', 'json'],
      { cwd: REPO_ROOT, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 16 * 1024 * 1024, timeout: WAIT_MS },
      (err, stdout, stderr) => {
        // For a non-zero exit, err.code is the exit status (a number); a string is a spawn error.
        const status: unknown = err ? (err as { code?: unknown }).code : 0;
        if (status !== 0 && status !== 1) {
          reject(new Error(`isola check ${dir} failed (${String(status)}): ${stderr || err?.message}`));
          return;
        }
        try {
          resolve((JSON.parse(stdout) as { summary: Totals }).summary);
        } catch (parseError) {
          reject(new Error(`isola check printed no JSON (${String(parseError)}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** Counts of the language server's diagnostics across the workspace, as the Problems panel has them. */
function problemCounts(): Omit<Totals, 'files'> {
  const counts = { errors: 0, warnings: 0, infos: 0 };
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const d of diagnostics) {
      if (d.source !== 'isola') continue;
      if (d.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
      else counts.infos++;
    }
  }
  return counts;
}

suite('Isola commands', () => {
  suiteSetup(async function () {
    this.timeout(TEST_TIMEOUT_MS);
    // Activates the extension and waits until its server has checked the workspace.
    const sales = await openManifest('broken/sales.isola.json');
    await waitForDiagnostic(sales.uri, 'ISO004');
    await waitUntil('the extension to activate', () => vscode.extensions.getExtension(EXTENSION_ID)?.isActive === true, []);
  });

  suiteTeardown(async () => {
    // "Check Workspace" leaves a message until dismissed.
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('the contributed commands are registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((c) => !all.has(c));
    assert.deepStrictEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  test('Show Output runs', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    await withTimeout(vscode.commands.executeCommand('isola.showOutput'), WAIT_MS, 'isola.showOutput');
  });

  test('Check Workspace returns the totals of `isola check` on the folder', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    // The server checks open documents as they are in the editor, the CLI reads the disk.
    await vscode.workspace.saveAll(false);
    const folder = workspaceFolder().uri.fsPath;

    // The command shows a message that stays until dismissed; it must return its result without
    // waiting for it (client/src/commands/checkWorkspace.ts does not await the message). The
    // timeout turns a regression (awaiting the message) into a clear failure instead of a hang.
    const result = await withTimeout(
      vscode.commands.executeCommand<Totals>('isola.checkWorkspace'),
      WAIT_MS,
      'isola.checkWorkspace to return (does it wait for its message to be dismissed?)',
    );
    assert.ok(result && typeof result === 'object', `isola.checkWorkspace returned ${JSON.stringify(result)}`);
    const cli = await cliCheck(folder);
    const totals = { errors: result.errors, warnings: result.warnings, infos: result.infos, files: result.files };
    assert.deepStrictEqual(totals, cli, `Check Workspace ${JSON.stringify(totals)} vs isola check ${JSON.stringify(cli)}`);
    assert.ok(cli.errors > 0 && cli.files > 0, `the fixture should have errors: ${JSON.stringify(cli)}`);

    // What the Problems panel shows agrees with both once the re-check is published.
    const expected = { errors: cli.errors, warnings: cli.warnings, infos: cli.infos };
    await waitUntil(
      `the Problems counts to equal ${JSON.stringify(expected)}`,
      () => JSON.stringify(problemCounts()) === JSON.stringify(expected),
      [vscode.languages.onDidChangeDiagnostics],
      WAIT_MS,
      () => `now ${JSON.stringify(problemCounts())}`,
    );
  });

  test('Restart Language Server: diagnostics go with the old server and come back', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const sales = await openManifest('broken/sales.isola.json');
    const uri = sales.uri;
    const before = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'isola').length;
    assert.ok(before > 0, 'no diagnostics before the restart');

    // Stopping the client disposes its diagnostics; the new server publishes them again.
    let cleared = false;
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && vscode.languages.getDiagnostics(uri).length === 0) {
        cleared = true;
      }
    });
    try {
      await withTimeout(vscode.commands.executeCommand('isola.restartServer'), WAIT_MS, 'isola.restartServer');
      await waitUntil('the diagnostics to be cleared by the restart', () => cleared, [vscode.languages.onDidChangeDiagnostics]);
    } finally {
      listener.dispose();
    }
    await waitForDiagnostics(
      uri,
      `the diagnostics of the new server (${before} before the restart)`,
      (ds) => ds.filter((d) => d.source === 'isola').length === before && diagnosticsWith(uri, 'ISO004').length > 0,
    );

    // The new server answers requests too.
    const lead = sales.getText().indexOf('crm_ext.lead_sources');
    assert.ok(lead >= 0);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, sales.positionAt(lead + 2));
    const text = (hovers ?? [])
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.ok(text.includes('Breaks isolation'), `hover after the restart: ${text || '(none)'}; diagnostics ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`);
  });
});
