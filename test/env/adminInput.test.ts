/**
 * What the service says when its own state or an administrator's input is not what it should be:
 * a stored package whose file was removed from the store's folder; a user given namespaces that
 * are not namespace codes; a platform that is no version; a request naming another host. Each answer is a JSON refusal
 * naming what to fix, never a 500 quoting the server's paths. Runs the real service on PGlite.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectStatus, plan, upload, Workdir } from './fixtures';
import { api, CLI, removeData, Service, startService } from './service';

/** A GET naming `host` in its Host header (fetch sets Host itself): status and parsed body. */
function getAs(url: string, p: string, host: string, token?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${p}`, { headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => (text += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the service and what an administrator did or sent', () => {
  let svc: Service;
  let work: Workdir;
  let invoices: string;

  before(async () => {
    work = new Workdir();
    invoices = work.copyExample('invoices').build('invoices');
    svc = await startService();
  });

  after(async () => {
    await svc.stop();
    removeData(svc);
    work.dispose();
  });

  it('a stored package whose file was removed: 404 naming the package for download, plan and import, not the server\'s path', async () => {
    const pkg = await upload(svc, svc.adminToken, invoices);
    const made = await plan(svc, svc.adminToken, pkg.id);
    const stored = readdirSync(path.join(svc.dataDir, 'packages')).filter((f) => f.startsWith(pkg.id));
    assert.deepEqual(stored, [`${pkg.id}.isolapkg`]);
    rmSync(path.join(svc.dataDir, 'packages', stored[0]));
    const answers = [
      await api(svc, 'GET', `/v1/packages/${pkg.id}/content`, { token: svc.adminToken }),
      await api(svc, 'POST', '/v1/plans', { token: svc.adminToken, body: { package: pkg.id } }),
      await api(svc, 'POST', '/v1/imports', { token: svc.adminToken, body: { plan: made.id } }),
    ];
    for (const r of answers) {
      const body = expectStatus(r, 404, 'a package whose file is gone');
      assert.equal(body.error.reason, 'not-found');
      assert.equal(body.error.message, `package ${pkg.id} is listed, but its file is no longer in the environment's store; upload the package again`);
    }
    assert.doesNotMatch(svc.output(), /ENOENT/);
    // Uploaded again, it is whole again.
    await upload(svc, svc.adminToken, invoices);
    assert.equal((await api(svc, 'GET', `/v1/packages/${pkg.id}/content`, { token: svc.adminToken })).status, 200);
  });

  it('POST /v1/users takes namespace codes only, at most 1000 of them: 400 naming the first that is not, nothing created', async () => {
    const long = 'a'.repeat(12_000);
    const refused: [unknown[], RegExp][] = [
      [[long], new RegExp(`^a user cannot own namespace "a{80}\\.\\.\\.": owners get workspace and module codes`)],
      [['global'], /^a user cannot own namespace "global": .* global and #orgchart need the environment administrator$/],
      [['#orgchart'], /namespace "#orgchart"/],
      [['invoices', 'Invoices'], /namespace "Invoices"/],
      [['_clients'], /namespace "_clients"/],
      [['a'.repeat(65)], /namespace "a{65}"/],
      [Array.from({ length: 1001 }, (_, i) => `ns_${i}`), /^a user may own at most 1000 namespaces; the request lists 1001$/],
    ];
    let n = 0;
    for (const [namespaces, message] of refused) {
      const r = await api(svc, 'POST', '/v1/users', { token: svc.adminToken, body: { name: `u${++n}`, namespaces } });
      const body = expectStatus(r, 400, `namespaces ${JSON.stringify(namespaces).slice(0, 60)}`);
      assert.equal(body.error.reason, 'bad-request');
      assert.match(body.error.message, message);
    }
    assert.doesNotMatch(svc.output(), /index row|internal error/);
    const users = expectStatus(await api(svc, 'GET', '/v1/users', { token: svc.adminToken }), 200, 'users');
    assert.deepEqual(users.map((u: { name: string }) => u.name), ['admin']);
    // A code of 64 characters and 1000 codes are fine; one listed twice is owned once.
    const made = expectStatus(await api(svc, 'POST', '/v1/users', { token: svc.adminToken, body: { name: 'many', namespaces: [...Array.from({ length: 999 }, (_, i) => `ns_${i}`), 'z'.repeat(64), 'ns_1'] } }), 201, 'a user of 1000 namespaces');
    assert.equal(made.user.namespaces.length, 1000);
  });

  it('a platform that is no dotted version: 400 for PATCH /v1/settings, exit 2 for env serve --platform; plans still pass', async () => {
    const before = expectStatus(await api(svc, 'GET', '/v1/health'), 200, 'health').platform;
    for (const platform of ['latest', '2024.4-beta', '2024..4', ' 2024.4', '1.2.3.4.5']) {
      const r = await api(svc, 'PATCH', '/v1/settings', { token: svc.adminToken, body: { platform } });
      const body = expectStatus(r, 400, `platform ${JSON.stringify(platform)}`);
      assert.equal(body.error.message, `"platform": ${JSON.stringify(platform)} is not a platform version such as "2024.4"`);
    }
    assert.equal(expectStatus(await api(svc, 'GET', '/v1/health'), 200, 'health').platform, before);
    const pkg = await upload(svc, svc.adminToken, invoices);
    assert.ok((await plan(svc, svc.adminToken, pkg.id)).checks.find((c: { name: string }) => c.name === 'platform')?.ok);
    expectStatus(await api(svc, 'PATCH', '/v1/settings', { token: svc.adminToken, body: { platform: '2025.10' } }), 200, 'platform 2025.10');

    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'isola-platform-'));
    try {
      const r = spawnSync(process.execPath, [CLI, 'env', 'serve', '--data', dataDir, '--port', '0', '--platform', 'latest'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.equal(r.stderr, 'isola env: --platform must be a platform version such as 2024.4 (got "latest")\n');
      assert.deepEqual(readdirSync(dataDir), []);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('on loopback, a request naming another host (DNS rebinding) is refused before anything, /v1/health included', async () => {
    const port = new URL(svc.url).port;
    for (const p of ['/v1/health', '/v1/whoami']) {
      const r = await getAs(svc.url, p, `attacker.example:${port}`, svc.adminToken);
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.error.reason, 'bad-host');
      assert.match(r.body.error.message, new RegExp(`not "attacker\\.example:${port}"$`));
      assert.equal(r.body.name, undefined);
    }
    // How the CLI, the editor's local service and a tunnel name it.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost:8080']) {
      assert.equal((await getAs(svc.url, '/v1/whoami', host, svc.adminToken)).status, 200, host);
    }
    const r = spawnSync(process.execPath, [CLI, 'env', 'serve', '--data', path.join(os.tmpdir(), 'isola-never-made'), '--port', '0', '--allowed-host', 'isola.example.com:443'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, 'isola env: --allowed-host must be a host name such as isola.example.com, without a port (got "isola.example.com:443")\n');
  });
});
