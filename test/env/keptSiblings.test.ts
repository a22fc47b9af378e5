/**
 * An update deletes nothing: a menu page or an org-chart unit the environment holds and the new
 * version of a package no longer carries stays. Where the package put another in its place, the
 * kept one now follows the package's (and the plan says so), so the siblings keep one order an
 * export can carry; before, both followed one sibling. Restoring the import's backup puts it back.
 * Runs on PGlite, and on PostgreSQL when ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { entity, expectStatus, importFile, plan, Project, revision, runImport, siblingChain, upload, Workdir } from './fixtures';
import { api, backends, removeData, Service, startService, waitJob } from './service';

type Linked = { id: string; type: string; code: string; body: { after?: string; parent?: string } };

for (const backend of backends()) {
  describe(`an update that puts a page where a kept one stood (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service;
    let T: string;

    const pages = async () => (await expectStatus(await api(svc, 'GET', '/v1/namespaces/km/entities', { token: T }), 200, 'entities of km') as Linked[]).filter((e) => e.type === 'page');
    const units = async (parent: string) => (await expectStatus(await api(svc, 'GET', '/v1/namespaces/%23orgchart/entities', { token: T }), 200, 'units') as Linked[]).filter((e) => e.body.parent === parent);

    /** The next version of the project of `manifest`'s code, built as its author builds it (its history file kept). */
    function build(manifest: Record<string, unknown>): string {
      const dir = path.join(work.root, String(manifest.code));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${manifest.code}.isola.json`), JSON.stringify(manifest, null, 2));
      return new Project(dir, work).build(String(manifest.code), []);
    }
    const workspace = (codes: string[]) => ({ kind: 'workspace', code: 'km', title: 'Kept', version: '1.0.0', pages: codes.map((code) => ({ code, title: code.toUpperCase() })) });

    before(async () => {
      work = new Workdir();
      svc = await startService({ databaseUrl: backend.fresh() });
      T = svc.adminToken;
      await importFile(svc, T, build(workspace(['a', 'b', 'c', 'd'])));
    });

    after(async () => {
      await svc?.stop();
      if (svc) removeData(svc);
      work?.dispose();
    });

    it('the plan says the kept page moves; the import leaves one order, the package\'s pages as it gives them', async () => {
      const v2 = build(workspace(['a', 'x', 'c', 'd']));
      const p = await plan(svc, T, (await upload(svc, T, v2)).id);
      assert.ok(p.ok, JSON.stringify(p.checks.filter((c: { ok: boolean }) => !c.ok)));
      const b = p.entities.find((e: { id: string }) => e.id === 'km.b');
      assert.equal(b.action, 'kept');
      assert.equal(b.reason, 'in the environment but not in the package; an import never deletes, and moves it to follow d, since the package changes the order around it');
      assert.deepEqual(b.said, { key: 'plan.reason.keptMoved', args: { after: 'd' } });
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      assert.deepEqual(siblingChain(await pages(), 'the menu'), ['a', 'x', 'c', 'd', 'b']);
      const kept = await entity(svc, T, 'km.b');
      assert.deepEqual(kept.body, { code: 'b', title: 'B', after: 'd' });
      assert.equal(kept.history[kept.history.length - 1].hash, kept.hash, 'its history holds the new version');
      const logs = expectStatus(await api(svc, 'GET', `/v1/jobs/${job.id}/log`, { token: T }), 200, 'logs');
      assert.ok(JSON.stringify(logs).includes('menu: km.b kept (not in the package), now after d: the package changes the order around it'), JSON.stringify(logs));

      // The same package again moves nothing more.
      const again = await plan(svc, T, (await upload(svc, T, v2)).id);
      assert.equal(again.entities.find((e: { id: string }) => e.id === 'km.b').said.key, 'plan.reason.notInPackage');

      // Restoring the import's backup puts the kept page back where it stood.
      const rev = await revision(svc);
      expectStatus(await api(svc, 'POST', `/v1/backups/${job.result.backupId}/restore`, { token: T }), 200, 'restore');
      assert.ok((await revision(svc)) > rev);
      assert.deepEqual((await entity(svc, T, 'km.b')).body, { code: 'b', title: 'B', after: 'a' });
    });

    it('an org-chart unit whose place the package gives to a new one follows it, within its parent', async () => {
      const corp = (fin: { code: string }[]) => ({ kind: 'configuration', code: 'kc', version: '1.0.0', orgChart: { code: 'ceo', children: [{ code: 'fin', children: fin }, { code: 'ops' }] } });
      await importFile(svc, T, build(corp([{ code: 'acc' }, { code: 'tre' }])));
      const { job } = await importFile(svc, T, build(corp([{ code: 'new' }, { code: 'tre' }])));
      assert.deepEqual(siblingChain(await units('fin'), 'the units under fin'), ['new', 'tre', 'acc']);
      assert.deepEqual(siblingChain(await units('ceo'), 'the units under ceo'), ['fin', 'ops']);
      const done = await waitJob(svc, T, job.id);
      assert.equal(done.status, 'succeeded');
    });
  });
}
