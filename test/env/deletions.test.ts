/**
 * What the target deleted stays deleted until the import is told to replace it. ELMA365: when
 * changes were made in both companies, "this leads to conflicts" and the system lists them before
 * anything is installed; a deletion in the target company is such a change, whether or not the
 * update changes the entity too (the deleted flag is not part of an entity's hash, so the history
 * alone does not show it). Runs on PGlite, and on PostgreSQL when ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { actions, entity, expectStatus, importFile, plan, revision, runImport, upload, Workdir } from './fixtures';
import { api, backends, removeData, Service, startService } from './service';

const MANIFEST = 'invoices.isola.json';
const DASHBOARD = 'invoices.dashboard';

for (const backend of backends()) {
  describe(`a deletion made in the target (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service;
    let T: string;
    let v2: string;

    before(async () => {
      work = new Workdir();
      const p = work.copyExample('invoices');
      const v1 = p.build('invoices');
      // The next version changes the page the target is about to delete.
      v2 = p.edit(MANIFEST, ['pages', 1, 'title'], 'Dashboard of invoices').edit(MANIFEST, ['version'], '1.1.0').build('invoices');
      svc = await startService({ databaseUrl: backend.fresh() });
      T = svc.adminToken;
      await importFile(svc, T, v1);
      expectStatus(await api(svc, 'PUT', `/v1/entities/${DASHBOARD}`, { token: T, body: { deleted: true } }), 200, 'delete the page');
    });

    after(async () => {
      await svc?.stop();
      if (svc) removeData(svc);
      work?.dispose();
    });

    it('is a conflict even when the update changes the entity: cancel leaves it deleted, replace brings the new version back', async () => {
      const pkg = await upload(svc, T, v2);
      const p = await plan(svc, T, pkg.id);
      assert.equal(actions(p)[DASHBOARD], 'conflict');
      const row = p.entities.find((e: { id: string }) => e.id === DASHBOARD);
      assert.match(row.reason, /^deleted in the environment \(by admin at \S+\); the package has it$/);
      assert.equal(p.counts.conflict, 1, 'only the deleted page conflicts');

      const rev = await revision(svc);
      const refused = await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id, onConflict: 'cancel' } });
      expectStatus(refused, 409, 'import of a plan with a conflict');
      assert.equal(refused.body.error.reason, 'conflicts');
      assert.equal(await revision(svc), rev, 'nothing was written');
      const kept = await entity(svc, T, DASHBOARD);
      assert.equal(kept.deleted, true);
      assert.equal(kept.body.title, 'Dashboard');

      const job = await runImport(svc, T, p.id, 'replace');
      assert.equal(job.status, 'succeeded', job.error);
      const back = await entity(svc, T, DASHBOARD);
      assert.equal(back.deleted, false);
      assert.equal(back.body.title, 'Dashboard of invoices');
    });
  });
}
