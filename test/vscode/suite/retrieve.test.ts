/// <reference types="mocha" />
/**
 * The round trip in VS Code (issue 11): "Retrieve from Environment" against the embedded `local`
 * environment, and "Unpack Package into Workspace". Both apply one workspace edit; by default
 * every entry needs confirmation, so VS Code shows its refactor preview, every change unticked,
 * and waits. The tests answer the preview with VS Code's own commands `refactorPreview.discard`
 * and `refactorPreview.apply` (what its Discard and Apply buttons run); ticking checkboxes needs
 * the mouse, so the changes are applied with `confirm: false`, the argument for scripts and tests
 * that skips the preview.
 *
 * The tests build on each other, in order.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { UnpackOutcome } from '../../../client/src/packages/unpackEdit';
import type { Job } from '../../../server/src/core/environment/types';
import { EXTENSION_ID, REPO_ROOT, TEST_TIMEOUT_MS, WAIT_MS, waitUntil, withTimeout, workspaceFolder } from './helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const NODE_ENV = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
const TITLE = '"title": "Invoice number"';
const CHANGED_TITLE = '"title": "Invoice number (changed in local)"';

/**
 * Runs a command that shows the refactor preview and answers the preview with `answer` once it
 * is up (the command's promise settles only then). Before the preview exists the answer does
 * nothing, so it is repeated until the command returns.
 */
async function throughPreview(command: Thenable<UnpackOutcome | undefined>, answer: 'refactorPreview.apply' | 'refactorPreview.discard'): Promise<UnpackOutcome | undefined> {
  let settled = false;
  const done = Promise.resolve(command).finally(() => (settled = true));
  const end = Date.now() + WAIT_MS;
  while (!settled) {
    if (Date.now() > end) throw new Error(`the refactor preview was not answered by ${answer} within ${WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 300));
    if (!settled) await vscode.commands.executeCommand(answer);
  }
  return done;
}

/** The lines of `after` that differ from the line at the same place in `before` (same number of lines). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.strictEqual(b.length, a.length, `line count ${a.length} -> ${b.length}`);
  return b.filter((l, i) => l !== a[i]).map((l) => l.trim());
}

suite('Round trip: Retrieve from Environment and Unpack Package into Workspace', function () {
  this.timeout(TEST_TIMEOUT_MS * 2);
  let tmp: string;
  const manifest = () => path.join(workspaceFolder().uri.fsPath, 'invoices', 'invoices.isola.json');
  const unpacked = () => path.join(workspaceFolder().uri.fsPath, 'unpacked');
  const forcedDir = () => path.join(workspaceFolder().uri.fsPath, 'forced');
  let before: string;

  suiteSetup(async () => {
    await withTimeout(vscode.extensions.getExtension(EXTENSION_ID)!.activate(), WAIT_MS, 'activation');
    // The unpack compares with the files on disk and asks first when some are unsaved.
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-retrieve-e2e-'));
    // The workspace's invoices as they are now (other suites edit them), with one field title
    // changed: imported into local, it is what a change made in the environment looks like.
    const copy = path.join(tmp, 'invoices');
    fs.cpSync(path.join(workspaceFolder().uri.fsPath, 'invoices'), copy, { recursive: true });
    before = fs.readFileSync(manifest(), 'utf8');
    assert.ok(before.includes(TITLE), 'the workspace manifest has the field title the test changes');
    fs.writeFileSync(path.join(copy, 'invoices.isola.json'), before.replace(TITLE, CHANGED_TITLE));
    execFileSync(process.execPath, [CLI, 'build', copy, '--package', 'invoices', '--out', path.join(tmp, 'invoices.isolapkg')], { env: NODE_ENV });
    await vscode.commands.executeCommand('isola.importPackage', { file: path.join(tmp, 'invoices.isolapkg'), env: 'local' });
    const job = await vscode.commands.executeCommand<Job>('isola.importPlan.apply', {});
    assert.strictEqual(job?.status, 'succeeded', job?.error);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The unpacked configuration would add manifests to the workspace of the suites that follow.
    if (fs.existsSync(unpacked())) fs.rmSync(unpacked(), { recursive: true, force: true });
    if (fs.existsSync(forcedDir())) fs.rmSync(forcedDir(), { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('Retrieve shows the changes in the refactor preview; Discard writes nothing', async () => {
    const outcome = await throughPreview(vscode.commands.executeCommand<UnpackOutcome>('isola.retrieveFromEnvironment', { env: 'local', kind: 'namespace', code: 'invoices' }), 'refactorPreview.discard');
    assert.ok(outcome, 'the command returned nothing');
    assert.strictEqual(outcome.applied, false);
    assert.ok(outcome.files.some((f) => f.file === 'invoices/invoices.isola.json' && f.status === 'changed' && f.entities === 1), JSON.stringify(outcome.files));
    assert.strictEqual(fs.readFileSync(manifest(), 'utf8'), before, 'a discarded preview changed the manifest');
  });

  test('Apply in the preview without ticking anything writes nothing: every change needs the user\'s confirmation', async () => {
    const outcome = await throughPreview(vscode.commands.executeCommand<UnpackOutcome>('isola.retrieveFromEnvironment', { env: 'local', kind: 'namespace', code: 'invoices' }), 'refactorPreview.apply');
    assert.strictEqual(outcome?.applied, false, JSON.stringify(outcome));
    assert.strictEqual(fs.readFileSync(manifest(), 'utf8'), before, 'changes nobody ticked were applied');
  });

  test('Retrieve applied (confirm: false) edits the manifest on disk in place: one line, comments kept; the history merged as it is then', async () => {
    // A build in a terminal records a version while the edit is being applied: the history is
    // merged after the edit, as it is then, so that version stays.
    const historyFile = path.join(workspaceFolder().uri.fsPath, 'invoices', 'isola.history.json');
    const built = [{ hash: 'b'.repeat(64), at: '2026-12-06T10:00:00.000Z' }];
    const apply = vscode.workspace.applyEdit;
    (vscode.workspace as { applyEdit: unknown }).applyEdit = (...args: Parameters<typeof apply>) => {
      const h = fs.existsSync(historyFile) ? JSON.parse(fs.readFileSync(historyFile, 'utf8')) : {};
      fs.writeFileSync(historyFile, JSON.stringify({ ...h, e2e_concurrent: built }, null, 2) + '\n');
      return apply(...args);
    };
    let outcome: UnpackOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<UnpackOutcome>('isola.retrieveFromEnvironment', { env: 'local', kind: 'namespace', code: 'invoices', confirm: false });
    } finally {
      (vscode.workspace as { applyEdit: unknown }).applyEdit = apply;
    }
    assert.strictEqual(outcome?.applied, true, JSON.stringify(outcome));
    const history = JSON.parse(fs.readFileSync(historyFile, 'utf8'));
    assert.deepStrictEqual(history.e2e_concurrent, built, 'the version recorded meanwhile was dropped');
    assert.ok(outcome.taken?.includes('invoices/isola.history.json'), `the package's history was not merged: ${JSON.stringify(outcome)}`);
    delete history.e2e_concurrent;
    fs.writeFileSync(historyFile, JSON.stringify(history, null, 2) + '\n');
    // The manifest and the history the environment's versions are merged into; nothing else.
    const touched = outcome.files.map((f) => f.file).sort();
    assert.ok(touched.every((f) => f === 'invoices/invoices.isola.json' || f === 'invoices/isola.history.json'), touched.join(', '));
    assert.deepStrictEqual([...(outcome.taken ?? [])].sort(), touched, 'without the preview, every planned file is taken');
    const after = fs.readFileSync(manifest(), 'utf8');
    const line = before.split('\n').find((l) => l.includes(TITLE))!.trim();
    assert.deepStrictEqual(changedLines(before, after), [line.replace(TITLE, CHANGED_TITLE)]);
    assert.ok(after.startsWith('// Case 1 of the ELMA365'), 'the comments stay');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === manifest());
    assert.ok(!doc?.isDirty, 'the edited manifest was left unsaved');
  });

  test('Retrieving again changes no file and says "Nothing to change"', async () => {
    const said: string[] = [];
    const show = vscode.window.showInformationMessage;
    (vscode.window as { showInformationMessage: unknown }).showInformationMessage = (m: string, ...rest: never[]) => {
      said.push(m);
      return show(m, ...rest);
    };
    let outcome: UnpackOutcome | undefined;
    const text = fs.readFileSync(manifest(), 'utf8');
    try {
      outcome = await vscode.commands.executeCommand<UnpackOutcome>('isola.retrieveFromEnvironment', { env: 'local', kind: 'namespace', code: 'invoices' });
    } finally {
      (vscode.window as { showInformationMessage: unknown }).showInformationMessage = show;
    }
    assert.strictEqual(outcome?.nothingToChange, true, JSON.stringify(outcome));
    assert.deepStrictEqual(outcome.files, []);
    assert.strictEqual(fs.readFileSync(manifest(), 'utf8'), text);
    assert.ok(said.some((m) => /Nothing to change/.test(m)), `messages: ${said.join(' | ')}`);
  });

  test('Unpack Package into Workspace writes a built configuration\'s manifests, scripts and history (confirm: false applies at once)', async () => {
    const src = path.join(tmp, 'company');
    fs.cpSync(path.join(REPO_ROOT, 'examples', 'company'), src, { recursive: true });
    const pkg = path.join(tmp, 'company.isolapkg');
    execFileSync(process.execPath, [CLI, 'build', src, '--package', 'company', '--out', pkg], { env: NODE_ENV });
    const outcome = await vscode.commands.executeCommand<UnpackOutcome>('isola.unpackPackage', { file: pkg, dir: unpacked(), confirm: false });
    assert.strictEqual(outcome?.applied, true, JSON.stringify(outcome));
    assert.deepStrictEqual(outcome.package && [outcome.package.kind, outcome.package.code], ['configuration', 'company']);
    const files = outcome.files.map((f) => f.file);
    for (const f of ['company.isola.json', 'hr/hr.isola.json', 'isola.history.json']) assert.ok(files.includes(f), files.join(', '));
    assert.ok(files.some((f) => f.endsWith('.ts')), `no script among ${files.join(', ')}`);
    for (const f of outcome.files) {
      assert.strictEqual(f.status, 'created');
      assert.ok(fs.statSync(path.join(unpacked(), ...f.file.split('/'))).size > 0, `${f.file} is missing or empty on disk`);
    }
    // What was unpacked checks as the source did, and builds again.
    const check = JSON.parse(execFileSync(process.execPath, [CLI, 'check', unpacked(), '--format', 'json'], { env: NODE_ENV, encoding: 'utf8' }));
    assert.strictEqual(check.summary.errors, 0, JSON.stringify(check.diagnostics));
    assert.strictEqual(JSON.parse(fs.readFileSync(path.join(unpacked(), 'company.isola.json'), 'utf8')).kind, 'configuration');

    const again = await vscode.commands.executeCommand<UnpackOutcome>('isola.unpackPackage', { file: pkg, dir: unpacked(), confirm: false });
    assert.strictEqual(again?.nothingToChange, true, JSON.stringify(again));
  });

  test('A refusal force overrides offers "Unpack Anyway…": the modal quotes it, and the forced retrieve applies from the same download', async () => {
    // A manifest of invoices that cannot be read: the retrieve would write a second one beside it.
    fs.mkdirSync(forcedDir(), { recursive: true });
    fs.writeFileSync(path.join(forcedDir(), 'old.isola.json'), '{\n  "kind": "workspace",\n  "code": "invoices"\n  "title": "Invoices"\n}\n');
    // The buttons need the mouse: the extension host shares this `vscode` object, so the
    // messages are answered by wrapping them (the notification's button, then the modal's).
    const w = vscode.window as { showErrorMessage: unknown; showWarningMessage: unknown };
    const [error, warning] = [vscode.window.showErrorMessage, vscode.window.showWarningMessage];
    const errors: { message: string; items: string[] }[] = [];
    const modals: { message: string; detail?: string; items: string[] }[] = [];
    w.showErrorMessage = (message: string, ...items: string[]) => {
      errors.push({ message, items });
      return Promise.resolve(items[0]);
    };
    w.showWarningMessage = (message: string, options: vscode.MessageOptions, ...items: string[]) => {
      modals.push({ message, detail: options?.detail, items });
      return Promise.resolve(options?.modal ? items[0] : undefined);
    };
    let outcome: UnpackOutcome | undefined;
    const created = path.join(forcedDir(), 'invoices', 'invoices.isola.json');
    try {
      outcome = await vscode.commands.executeCommand<UnpackOutcome>('isola.retrieveFromEnvironment', { env: 'local', kind: 'namespace', code: 'invoices', dir: forcedDir(), confirm: false });
      assert.strictEqual(outcome?.forceable, true, JSON.stringify(outcome));
      assert.match(outcome.refused ?? '', /^old\.isola\.json declares workspace invoices, which the package carries, but cannot be read/);
      // The forced unpack runs after the command returned, from the download it kept.
      await waitUntil('the forced retrieve to write the new manifest', () => fs.existsSync(created), [], WAIT_MS, () => JSON.stringify({ errors, modals }));
    } finally {
      w.showErrorMessage = error;
      w.showWarningMessage = warning;
    }
    assert.deepStrictEqual(errors[0].items, ['Unpack Anyway…'], JSON.stringify(errors));
    assert.strictEqual(errors.length, 1, `the forced retrieve was refused too: ${JSON.stringify(errors)}`);
    assert.strictEqual(modals.length, 1, JSON.stringify(modals));
    assert.deepStrictEqual(modals[0].items, ['Unpack Anyway']);
    assert.ok(modals[0].detail?.includes(outcome!.refused!), `the modal does not quote the refusal: ${modals[0].detail}`);
    assert.ok(fs.readFileSync(path.join(forcedDir(), 'old.isola.json'), 'utf8').includes('"title": "Invoices"\n'), 'the unreadable manifest was touched');
  });

  test('A refusal force does not override offers no button', async () => {
    const bad = path.join(tmp, 'not-a-package.isolapkg');
    fs.writeFileSync(bad, 'not a zip');
    const w = vscode.window as { showErrorMessage: unknown };
    const error = vscode.window.showErrorMessage;
    const errors: { message: string; items: unknown[] }[] = [];
    w.showErrorMessage = (message: string, ...items: unknown[]) => {
      errors.push({ message, items });
      return Promise.resolve(undefined);
    };
    let outcome: UnpackOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<UnpackOutcome>('isola.unpackPackage', { file: bad, dir: unpacked(), confirm: false });
    } finally {
      w.showErrorMessage = error;
    }
    assert.ok(outcome?.refused, JSON.stringify(outcome));
    assert.strictEqual(outcome.forceable, undefined);
    assert.deepStrictEqual(errors.map((e) => e.items), [[]], JSON.stringify(errors));
  });
});
