/// <reference types="mocha" />
/**
 * "Isola: Create Project" in an empty folder of the workspace, answered through its prompts (the
 * kind's quick pick and the code's input box are stubbed, as a user would answer them): the files
 * `isola init` writes appear, the manifest opens and checks clean, and running it again refuses to
 * overwrite anything.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CreateProjectResult } from '../../../client/src/commands/createProject';
import { EXTENSION_ID, TEST_TIMEOUT_MS, WAIT_MS, describeDiagnostics, runCli, withTimeout, workspaceFolder } from './helpers';

type Win = { showQuickPick: unknown; showInputBox: unknown; showErrorMessage: unknown };

suite('Create Project', function () {
  this.timeout(TEST_TIMEOUT_MS);
  const folder = () => path.join(workspaceFolder().uri.fsPath, 'fresh-project');
  const win = vscode.window as unknown as Win;
  const saved = { showQuickPick: win.showQuickPick, showInputBox: win.showInputBox, showErrorMessage: win.showErrorMessage };
  const asked: string[] = [];
  const errors: string[] = [];

  suiteSetup(async () => {
    await withTimeout(vscode.extensions.getExtension(EXTENSION_ID)!.activate(), WAIT_MS, 'activation');
    fs.mkdirSync(folder(), { recursive: true });
    // The kind: the item labelled `workspace`; the code: the input box's own suggestion, from the folder's name.
    win.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      asked.push(`pick: ${options?.title ?? ''}`);
      return (await items).find((i) => i.label === 'workspace');
    };
    win.showInputBox = async (options?: vscode.InputBoxOptions) => {
      asked.push(`input: ${options?.title ?? ''} ${options?.prompt ?? ''}`);
      return options?.value;
    };
    win.showErrorMessage = (m: string) => {
      errors.push(m);
      return Promise.resolve(undefined);
    };
  });

  suiteTeardown(async () => {
    Object.assign(win, saved);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The project's manifest would be one more package in the workspace of the suites that follow.
    fs.rmSync(folder(), { recursive: true, force: true });
  });

  test('in an empty folder it writes the project, opens its manifest, and the manifest checks clean', async () => {
    const result = await vscode.commands.executeCommand<CreateProjectResult>('isola.createProject', { folder: vscode.Uri.file(folder()) });
    assert.ok(result && 'files' in result, `not created: ${JSON.stringify(result)} (errors: ${errors.join(' | ')})`);
    assert.strictEqual(asked.length, 2, `prompts: ${asked.join(' | ')}`);
    assert.deepStrictEqual([...result.files].sort(), ['.github/workflows/isola.yml', '.gitignore', 'fresh_project.isola.json', 'isola.config.json']);
    for (const f of result.files) assert.ok(fs.statSync(path.join(folder(), f)).size > 0, `${f} is missing or empty`);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder(), 'fresh_project.isola.json'), 'utf8'));
    assert.deepStrictEqual([manifest.kind, manifest.code], ['workspace', 'fresh_project']);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, result.manifest.fsPath, 'the manifest was not opened');

    // The server re-reads the workspace (the manifest is in it), then the manifest has no findings.
    const check = await vscode.commands.executeCommand<{ files: number }>('isola.checkWorkspace');
    assert.ok(check && check.files > 0, JSON.stringify(check));
    const findings = vscode.languages.getDiagnostics(result.manifest);
    assert.deepStrictEqual(findings, [], describeDiagnostics(findings));
    // As `isola check` of the folder says.
    const cli = JSON.parse(await runCli(['check', folder(), '--format', 'json'], folder())) as { summary: { errors: number; warnings: number } };
    assert.deepStrictEqual([cli.summary.errors, cli.summary.warnings], [0, 0]);
  });

  test('run again, it refuses and writes nothing: it never overwrites a file', async () => {
    const manifestFile = path.join(folder(), 'fresh_project.isola.json');
    fs.appendFileSync(manifestFile, '\n');
    const before = fs.readFileSync(manifestFile, 'utf8');
    errors.length = 0;
    const result = await vscode.commands.executeCommand<CreateProjectResult>('isola.createProject', { folder: vscode.Uri.file(folder()) });
    assert.ok(result && 'refused' in result, JSON.stringify(result));
    assert.ok(result.refused.includes('fresh_project.isola.json'), result.refused.join(', '));
    assert.strictEqual(fs.readFileSync(manifestFile, 'utf8'), before, 'the manifest was overwritten');
    assert.strictEqual(errors.length, 1, errors.join(' | '));
    assert.ok(errors[0].includes('fresh_project.isola.json'), errors[0]);
  });
});
