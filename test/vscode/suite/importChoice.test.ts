/// <reference types="mocha" />
/**
 * Choosing what to import in the plan panel, against a real `isola env serve`: the plan opens
 * with everything chosen; choosing design none, then one app's data, makes a new plan each time
 * and the panel shows it; Apply imports what that plan says (the other app's records stay out).
 * The panel's inputs run `isola.importPlan.choose` with the choice, as this test does.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IsolaApi } from '../../../client/src/extension';
import type { ImportPlan, Job } from '../../../server/src/core/environment/types';
import { Service, startService } from '../../env/service';
import { EXTENSION_ID, REPO_ROOT, TEST_TIMEOUT_MS, WAIT_MS, withTimeout } from './helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const NODE_ENV = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
const ENV = 'choices';
const PURPOSES = 'invoices.payment_purposes';
const INVOICES = 'invoices.invoices';

async function records(s: Service, app: string): Promise<unknown[]> {
  const res = await fetch(`${s.url}/v1/records/${app}`, { headers: { authorization: `Bearer ${s.adminToken}` } });
  assert.strictEqual(res.status, 200);
  return (await res.json()) as unknown[];
}

suite('Import choice in the plan panel', function () {
  this.timeout(TEST_TIMEOUT_MS * 2);
  let api: IsolaApi;
  let service: Service;
  let tmp: string;
  let pkgFile: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<IsolaApi>(EXTENSION_ID)!;
    api = await withTimeout(ext.activate(), WAIT_MS, 'activation');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-choice-'));
    service = await startService({ dataDir: path.join(tmp, 'env'), args: ['--name', ENV] });
    // The invoices example with a second data app, built outside the workspace.
    const project = path.join(tmp, 'invoices');
    fs.cpSync(path.join(REPO_ROOT, 'examples', 'invoices'), project, { recursive: true });
    const manifest = path.join(project, 'invoices.isola.json');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('"payment_purposes": "data/payment_purposes.jsonl"', '"payment_purposes": "data/payment_purposes.jsonl", "invoices": "data/invoices.jsonl"'));
    fs.writeFileSync(path.join(project, 'data', 'invoices.jsonl'), '{"id":"inv-1","number":"INV-1"}\n{"id":"inv-2","number":"INV-2"}\n');
    pkgFile = path.join(tmp, 'invoices.isolapkg');
    execFileSync(process.execPath, [CLI, 'build', project, '--package', 'invoices', '--data', 'all', '--out', pkgFile], { env: NODE_ENV });
    await vscode.commands.executeCommand('isola.addEnvironment', { name: ENV, url: service.url, token: service.adminToken, production: false });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('isola.importPlan.cancel');
    await vscode.commands.executeCommand('isola.removeEnvironment', { env: ENV, confirmed: true });
    await service?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('changing the choice makes a new plan, shown in the panel; Apply imports that plan', async () => {
    const first = await vscode.commands.executeCommand<ImportPlan>('isola.importPackage', { file: pkgFile, env: ENV });
    assert.ok(first?.ok, JSON.stringify(first?.checks));
    assert.deepStrictEqual({ design: first.choice?.design, data: first.choice?.data }, { design: 'all', data: 'all' });
    assert.deepStrictEqual(first.choice?.offered.apps.map((a) => a.app).sort(), [INVOICES, PURPOSES], 'the package holds data, so data is offered');
    assert.strictEqual(first.counts.create, 13);

    // Design none: no design rows; the environment has neither app yet, so the data check says so.
    const dataOnly = await vscode.commands.executeCommand<ImportPlan>('isola.importPlan.choose', { design: 'none' });
    assert.ok(dataOnly && dataOnly.id !== first.id, 'a new plan');
    assert.strictEqual(api.planPanel.session?.plan.id, dataOnly.id, 'the panel shows the new plan');
    assert.deepStrictEqual(api.planPanel.session?.choice, { design: 'none', data: 'all' });
    assert.deepStrictEqual(dataOnly.entities, []);
    assert.strictEqual(dataOnly.choice?.leftOut.entities, 13);
    assert.strictEqual(dataOnly.checks.find((c) => c.name === 'data')?.ok, false);

    // Design back, data of one app: the data part follows.
    const oneApp = await vscode.commands.executeCommand<ImportPlan>('isola.importPlan.choose', { design: 'all', data: [PURPOSES] });
    assert.ok(oneApp?.ok, JSON.stringify(oneApp?.checks));
    assert.strictEqual(api.planPanel.session?.plan.id, oneApp.id);
    assert.deepStrictEqual(oneApp.data.map((d) => d.app), [PURPOSES]);
    assert.deepStrictEqual(oneApp.choice?.leftOut.apps.map((a) => a.app), [INVOICES]);
    assert.strictEqual(oneApp.counts.create, 13);

    // A choice the environment refuses leaves the plan on screen as it was.
    assert.strictEqual(await vscode.commands.executeCommand('isola.importPlan.choose', { design: 'none', data: 'none' }), undefined);
    assert.strictEqual(api.planPanel.session?.plan.id, oneApp.id);

    const job = await vscode.commands.executeCommand<Job>('isola.importPlan.apply', {});
    assert.strictEqual(job?.status, 'succeeded', job?.error);
    assert.strictEqual(job.plan?.id, oneApp.id, 'the plan on screen was imported');
    assert.strictEqual((await records(service, PURPOSES)).length, 6);
    assert.strictEqual((await records(service, INVOICES)).length, 0, 'the app left out got no records');
  });
});
