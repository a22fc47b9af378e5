/// <reference types="mocha" />
/**
 * The "Get started with Isola" walkthrough: it is contributed with its six steps and their media,
 * and each step's completion event (a context key, `onContext:isola.walkthrough.*`) is set by the
 * real thing happening: a project created, an isolation error published, then fixed, a package
 * built, imported into `local`, retrieved back. Context keys cannot be read through the API, so
 * the tests read how many times each moment happened from the extension's exports
 * (`walkthrough.timesReached`), before and after the action; a refused build does not count.
 *
 * The tests build on each other, in order.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CreateProjectResult } from '../../../client/src/commands/createProject';
import type { IsolaApi } from '../../../client/src/extension';
import type { UnpackOutcome } from '../../../client/src/packages/unpackEdit';
import type { WalkthroughMoment } from '../../../client/src/walkthrough';
import type { Job } from '../../../server/src/core/environment/types';
import { EXTENSION_ID, TEST_TIMEOUT_MS, WAIT_MS, waitForDiagnostics, waitUntil, withTimeout, workspaceFile, workspaceFolder } from './helpers';

const STEPS: [string, WalkthroughMoment][] = [
  ['project', 'hasProject'], ['seeError', 'sawIsolationError'], ['fixError', 'fixedIsolationError'],
  ['build', 'built'], ['import', 'imported'], ['retrieve', 'retrieved'],
];
const CLEAN_REF = '"app": "_clients._companies"';
const ISO004_REF = '"app": "invoices.invoices"';

suite('Walkthrough: each step completes on the real event', function () {
  this.timeout(TEST_TIMEOUT_MS);
  let api: IsolaApi;
  let tmp: string;
  const folder = () => path.join(workspaceFolder().uri.fsPath, 'walkthrough_demo');
  const manifest = () => workspaceFile('walkthrough_demo/walkthrough_demo.isola.json');
  const times = (m: WalkthroughMoment) => api.walkthrough.timesReached(m);

  /** Runs `action` and asserts it made `moment` happen (its count went up, waiting for events the server sends). */
  async function completes(moment: WalkthroughMoment, action: () => Promise<unknown>): Promise<void> {
    const before = times(moment);
    await action();
    await waitUntil(`walkthrough moment ${moment}`, () => times(moment) > before, [vscode.languages.onDidChangeDiagnostics]);
  }

  /** Replaces `from` by `to` in the demo manifest with a workspace edit, and saves. */
  async function replaceInManifest(from: string, to: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(manifest());
    const at = doc.getText().indexOf(from);
    assert.ok(at >= 0, `${from} is not in the manifest`);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
  }

  const isoErrors = (d: readonly vscode.Diagnostic[]) => d.filter((x) => x.severity === vscode.DiagnosticSeverity.Error && /^ISO/.test(String(typeof x.code === 'object' ? x.code.value : x.code)));

  suiteSetup(async () => {
    api = await withTimeout(vscode.extensions.getExtension<IsolaApi>(EXTENSION_ID)!.activate(), WAIT_MS, 'activation');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-walkthrough-e2e-'));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(folder(), { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('is contributed: six steps, each completed by its context key, with media that ship', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { walkthroughs: { id: string; steps: { id: string; completionEvents: string[]; media: { markdown: string } }[] }[] } };
    const walkthrough = pkg.contributes.walkthroughs.find((w) => w.id === 'isola.getStarted');
    assert.ok(walkthrough, 'no walkthrough isola.getStarted');
    assert.deepStrictEqual(walkthrough.steps.map((s) => [s.id, s.completionEvents]), STEPS.map(([id, m]) => [id, [`onContext:isola.walkthrough.${m}`]]));
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    for (const s of walkthrough.steps) assert.ok(fs.existsSync(path.join(root, s.media.markdown)), `${s.media.markdown} is missing`);
  });

  test('a workspace with manifests has a project; Create Project makes one', async () => {
    // In English and Russian, as the examples: `local` takes the languages of its first import and refuses packages with others.
    assert.ok(times('hasProject') >= 1, 'the examples in the workspace did not count as a project');
    await completes('hasProject', async () => {
      fs.mkdirSync(folder(), { recursive: true });
      const r = await vscode.commands.executeCommand<CreateProjectResult>('isola.createProject', { folder: vscode.Uri.file(folder()), kind: 'workspace', code: 'walkthrough_demo', languages: ['en', 'ru'] });
      assert.ok(r && 'files' in r, JSON.stringify(r));
    });
  });

  test('an ISO error published on the manifest completes "see", its fix completes "fix"', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(manifest()));
    await completes('sawIsolationError', async () => {
      await replaceInManifest(CLEAN_REF, ISO004_REF);
      await waitForDiagnostics(manifest(), 'an ISO004 error', (d) => isoErrors(d).length > 0);
    });
    await completes('fixedIsolationError', async () => {
      await replaceInManifest(ISO004_REF, CLEAN_REF);
      await waitForDiagnostics(manifest(), 'no ISO error', (d) => isoErrors(d).length === 0);
    });
  });

  test('a refused build does not complete "build"; a written package does', async () => {
    const before = times('built');
    const refused = await vscode.commands.executeCommand<{ refused?: unknown }>('isola.buildPackage', { uri: workspaceFile('broken/sales.isola.json').toString(), title: 't', comment: '', data: 'none', out: path.join(tmp, 'refused.isolapkg') });
    assert.ok(refused?.refused, 'broken/sales built');
    assert.strictEqual(times('built'), before, 'a refused build counted');
    await completes('built', async () => {
      const r = await vscode.commands.executeCommand<{ built?: { file: string } }>('isola.buildPackage', { uri: manifest().toString(), title: 'Walkthrough', comment: '', data: 'none', out: path.join(tmp, 'demo.isolapkg') });
      assert.ok(r?.built && fs.existsSync(r.built.file), JSON.stringify(r));
    });
  });

  test('a plan alone does not complete "import"; the import job that succeeds does', async () => {
    const before = times('imported');
    await vscode.commands.executeCommand('isola.importPackage', { file: path.join(tmp, 'demo.isolapkg'), env: 'local' });
    assert.strictEqual(times('imported'), before, 'showing the plan counted as an import');
    await completes('imported', async () => {
      const job = await vscode.commands.executeCommand<Job>('isola.importPlan.apply', {});
      assert.strictEqual(job?.status, 'succeeded', job?.error);
    });
  });

  test('retrieving from local completes "retrieve"', async () => {
    await completes('retrieved', async () => {
      const outcome = await vscode.commands.executeCommand<UnpackOutcome>('isola.retrieveFromEnvironment', { env: 'local', kind: 'namespace', code: 'walkthrough_demo', dir: folder(), confirm: false });
      assert.ok(outcome && (outcome.applied || outcome.nothingToChange), JSON.stringify(outcome));
    });
  });
});
