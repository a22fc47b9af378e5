/// <reference types="mocha" />
/**
 * Environments in VS Code, against a real `isola env serve` on loopback: "Add Environment" (token
 * into secret storage), "Import Package" with the plan shown and confirmed, a conflicting change
 * made through the service's API, its diff, Cancel (nothing changes) and Replace (applied), a
 * stale plan made again, a production environment that wants its name typed, "Export from
 * Environment" opened in Package Contents, the Environments view, "Restore Backup", and an
 * import into the embedded `local` environment that the extension runs as a child service.
 *
 * The tests build on each other, in order.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IsolaApi } from '../../../client/src/extension';
import type { Job } from '../../../server/src/core/environment/types';
import type { EnvNode } from '../../../client/src/views/environmentsView';
import { Service, startService } from '../../env/service';
import { EXTENSION_ID, REPO_ROOT, TEST_TIMEOUT_MS, WAIT_MS, withTimeout, workspaceFolder } from './helpers';

/** Polls an async condition until it returns a value. */
async function poll<T>(what: string, f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const NODE_ENV = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
/** An app whose title the "production user" changes in the environment. */
const CHANGED = 'payments.payment_requests';

async function call(s: Service, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${s.url}${p}`, { method, headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function children(api: IsolaApi, node?: EnvNode): Promise<EnvNode[]> {
  return (await api.environmentsView.getChildren(node)) ?? [];
}

suite('Environments', function () {
  this.timeout(TEST_TIMEOUT_MS * 2);
  let api: IsolaApi;
  let service: Service;
  let tmp: string;
  let pkgFile: string;
  let packageTitle: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<IsolaApi>(EXTENSION_ID)!;
    api = await withTimeout(ext.activate(), WAIT_MS, 'activation');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-envs-'));
    service = await startService({ dataDir: path.join(tmp, 'staging'), args: ['--name', 'staging'] });
    // The package is built from a copy outside the workspace, so the workspace's history stays as the other suites expect.
    fs.cpSync(path.join(REPO_ROOT, 'examples', 'payments'), path.join(tmp, 'payments'), { recursive: true });
    pkgFile = path.join(tmp, 'payments.isolapkg');
    execFileSync(process.execPath, [CLI, 'build', path.join(tmp, 'payments'), '--package', 'payments_solution', '--out', pkgFile], { env: NODE_ENV });
  });

  suiteTeardown(async () => {
    await service?.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Add Environment writes isola.config.json, keeps the token out of it, and lists it in the view', async () => {
    const name = await vscode.commands.executeCommand('isola.addEnvironment', { name: 'staging', url: service.url, token: service.adminToken, production: false });
    assert.strictEqual(name, 'staging');
    const config = fs.readFileSync(path.join(workspaceFolder().uri.fsPath, 'isola.config.json'), 'utf8');
    assert.match(config, /"staging"/);
    assert.ok(!config.includes(service.adminToken), 'the token must not be written to isola.config.json');
    const roots = await poll('staging in the Environments view', async () => {
      const r = await children(api);
      return r.some((n) => n.type === 'env' && n.env === 'staging') ? r : undefined;
    });
    assert.deepStrictEqual(roots.filter((n) => n.type === 'env').map((n) => (n as { env: string }).env), ['local', 'staging']);
    assert.ok(!roots.some((n) => n.type === 'add'), '"Add Environment…" is offered only while local is alone');
  });

  test('Import Package shows the plan; applying it imports everything', async () => {
    const plan: any = await vscode.commands.executeCommand('isola.importPackage', { file: pkgFile, env: 'staging' });
    assert.ok(plan?.ok, `plan checks: ${JSON.stringify(plan?.checks)}`);
    assert.strictEqual(api.planPanel.session?.plan.id, plan.id, 'the plan is the one on screen');
    assert.ok(plan.counts.create > 20 && plan.counts.update + plan.counts.conflict + plan.counts.unchanged === 0, JSON.stringify(plan.counts));
    const job = await vscode.commands.executeCommand<Job>('isola.importPlan.apply', {});
    assert.strictEqual(job?.status, 'succeeded', job?.error);
    const e = await call(service, 'GET', `/v1/entities/${CHANGED}`);
    packageTitle = e.body.title;
    assert.ok(packageTitle);
  });

  test('a change in the environment is a conflict, with a diff of both versions; Cancel changes nothing', async () => {
    const e = await call(service, 'GET', `/v1/entities/${CHANGED}`);
    await call(service, 'PUT', `/v1/entities/${CHANGED}`, { body: { ...e.body, title: 'Changed in production' } });
    const before = await call(service, 'GET', `/v1/entities/${CHANGED}`);
    const plan: any = await vscode.commands.executeCommand('isola.importPackage', { file: pkgFile, env: 'staging' });
    assert.deepStrictEqual(plan.entities.filter((x: any) => x.action === 'conflict').map((x: any) => x.id), [CHANGED]);

    assert.strictEqual(await vscode.commands.executeCommand('isola.importPlan.showDiff', { id: CHANGED }), true);
    const tab = await poll('a diff editor', () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputTextDiff ? t.input : undefined;
    });
    assert.strictEqual(tab.original.scheme, 'isola-env');
    assert.strictEqual(tab.modified.scheme, 'isola-card');
    const [left, right] = await Promise.all([vscode.workspace.openTextDocument(tab.original), vscode.workspace.openTextDocument(tab.modified)]);
    assert.match(left.getText(), /Changed in production/);
    assert.ok(right.getText().includes(JSON.stringify(packageTitle)) && !right.getText().includes('Changed in production'));

    // Apply without choosing Replace is refused; Cancel closes the plan. Nothing changed either way.
    assert.strictEqual(await vscode.commands.executeCommand('isola.importPlan.apply', { onConflict: 'cancel' }), undefined);
    assert.strictEqual(await vscode.commands.executeCommand('isola.importPlan.cancel'), true);
    assert.strictEqual(api.planPanel.session, undefined);
    const after = await call(service, 'GET', `/v1/entities/${CHANGED}`);
    assert.strictEqual(after.hash, before.hash);
    assert.strictEqual(after.body.title, 'Changed in production');
  });

  test('Replace applies the package\'s version', async () => {
    await vscode.commands.executeCommand('isola.importPackage', { file: pkgFile, env: 'staging' });
    const job = await vscode.commands.executeCommand<Job>('isola.importPlan.apply', { onConflict: 'replace' });
    assert.strictEqual(job?.status, 'succeeded', job?.error);
    assert.strictEqual((await call(service, 'GET', `/v1/entities/${CHANGED}`)).body.title, packageTitle);
  });

  test('a plan older than the environment\'s last change is made again, not applied', async () => {
    const first: any = await vscode.commands.executeCommand('isola.importPackage', { file: pkgFile, env: 'staging' });
    const e = await call(service, 'GET', `/v1/entities/${CHANGED}`);
    await call(service, 'PUT', `/v1/entities/${CHANGED}`, { body: { ...e.body, title: 'Changed again' } });
    assert.strictEqual(await vscode.commands.executeCommand('isola.importPlan.apply', { onConflict: 'replace' }), undefined);
    const fresh = api.planPanel.session?.plan;
    assert.ok(fresh && fresh.id !== first.id, 'a new plan is on screen');
    assert.strictEqual(fresh.counts.conflict, 1);
    assert.strictEqual((await call(service, 'GET', `/v1/entities/${CHANGED}`)).body.title, 'Changed again');
    await vscode.commands.executeCommand('isola.importPlan.cancel');
  });

  test('a production environment is not imported into unless its name is typed', async () => {
    await vscode.commands.executeCommand('isola.addEnvironment', { name: 'prod', url: service.url, token: service.adminToken, production: true });
    const before = (await call(service, 'GET', '/v1/health')).revision;
    await vscode.commands.executeCommand('isola.importPackage', { file: pkgFile, env: 'prod' });
    assert.strictEqual(api.planPanel.session?.production, true);
    assert.strictEqual(await vscode.commands.executeCommand('isola.importPlan.apply', { onConflict: 'replace', typedName: 'staging' }), undefined);
    assert.strictEqual((await call(service, 'GET', '/v1/health')).revision, before);
    await vscode.commands.executeCommand('isola.importPlan.cancel');
    assert.strictEqual(await vscode.commands.executeCommand('isola.removeEnvironment', { env: 'prod', confirmed: true }), true);
  });

  test('Export from Environment saves the package and opens it in Package Contents; Imports and Exports shows it', async () => {
    const out = path.join(tmp, 'exported.isolapkg');
    // The view re-reads a folder only when told its tree changed (as it is after an import).
    let refreshed = 0;
    const listener = api.environmentsView.onDidChangeTreeData(() => refreshed++);
    let saved: string | undefined;
    try {
      saved = await vscode.commands.executeCommand<string>('isola.exportFromEnvironment', { env: 'staging', kind: 'solution', code: 'payments_solution', design: 'all', data: 'none', out });
    } finally {
      listener.dispose();
    }
    assert.ok(refreshed > 0, 'the Environments view was not refreshed after the export');
    const staging = (await children(api)).find((n) => n.type === 'env' && n.env === 'staging')!;
    const jobs = await children(api, (await children(api, staging)).find((f) => f.type === 'folder' && f.folder === 'jobs'));
    assert.ok(jobs.some((j) => j.type === 'job' && j.info.kind === 'export' && j.info.status === 'succeeded'), `jobs: ${jobs.map((j) => (j.type === 'job' ? `${j.info.kind} ${j.info.status}` : j.type)).join(', ')}`);
    assert.strictEqual(saved, out);
    assert.ok(fs.statSync(out).size > 0);
    await poll('the export in Package Contents', () => api.packageContents.file?.fsPath === out);
    const d = api.packageContents.contents!.descriptor;
    assert.strictEqual(d.code, 'payments_solution');
    assert.match(String(d.source), /environment staging/);
  });

  test('the Environments view browses namespaces, entities, jobs and backups', async () => {
    const staging = (await children(api)).find((n) => n.type === 'env' && n.env === 'staging')!;
    const folders = await children(api, staging);
    const namespaces = await children(api, folders.find((f) => f.type === 'folder' && f.folder === 'namespaces'));
    const codes = namespaces.map((n) => (n as { code: string }).code);
    for (const ns of ['payments', 'custom_objects', 'accounting']) assert.ok(codes.includes(ns), codes.join(', '));
    const payments = namespaces.find((n) => n.type === 'namespace' && n.code === 'payments')!;
    const kinds = await children(api, payments);
    const apps = await children(api, kinds.find((k) => k.type === 'kindGroup' && k.entityType === 'app'));
    const item = api.environmentsView.getTreeItem(apps.find((a) => a.type === 'entity' && a.entity.id === CHANGED)!);
    assert.strictEqual(item.label, 'payment_requests');
    assert.strictEqual(item.contextValue, 'isola.exportable');
    const jobs = await children(api, folders.find((f) => f.type === 'folder' && f.folder === 'jobs'));
    const statuses = jobs.map((j) => (j as { info: Job }).info.status);
    assert.ok(statuses.filter((s) => s === 'succeeded').length >= 3, statuses.join(', '));
    const backups = await children(api, folders.find((f) => f.type === 'folder' && f.folder === 'backups'));
    assert.ok(backups.length >= 2, `${backups.length} backups`);
  });

  test('Restore Backup puts the environment back as it was before that import', async () => {
    const backups = await call(service, 'GET', '/v1/backups');
    // The newest backup is the Replace import's: restoring it brings back the production change.
    const r: any = await vscode.commands.executeCommand('isola.restoreBackup', { env: 'staging', backup: backups[0].id, confirmed: true });
    assert.ok(r?.backup.restoredAt);
    assert.strictEqual((await call(service, 'GET', `/v1/entities/${CHANGED}`)).body.title, 'Changed in production');
  });

  test('an environment\'s empty folders say "none yet"', async () => {
    const local = (await children(api)).find((n) => n.type === 'env' && n.env === 'local')!;
    const backups = await children(api, (await children(api, local)).find((f) => f.type === 'folder' && f.folder === 'backups'));
    assert.deepStrictEqual(backups.map((b) => b.type), ['empty'], 'local has no backups before its first import');
    assert.strictEqual(api.environmentsView.getTreeItem(backups[0]).label, 'none yet');
  });

  test('the embedded local environment imports too, run by the extension as a service', async () => {
    await vscode.commands.executeCommand('isola.importPackage', { file: pkgFile, env: 'local' });
    assert.strictEqual(api.planPanel.session?.env, 'local');
    const job = await vscode.commands.executeCommand<Job>('isola.importPlan.apply', {});
    assert.strictEqual(job?.status, 'succeeded', job?.error);
    assert.ok(fs.existsSync(path.join(workspaceFolder().uri.fsPath, '.isola', 'local', 'db')));
  });
});
