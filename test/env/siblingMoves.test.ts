/**
 * Moving a menu page or an org-chart unit with one `PUT /v1/entities/:id`, as a user of the
 * platform moves one in its UI: the page goes where its new `after` says, and the rest keep their
 * relative order. The page that followed its new place now follows it and the one that followed
 * its old place follows its old predecessor, in the same change; before, both stayed where they
 * were linked, so two pages followed one and the export carried no order a retrieve could give
 * back. Runs on PGlite, and on PostgreSQL when ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { canonicalJson, sha256 } from '../../server/src/core/packaging/canonical';
import { isola } from '../unit/packaging/hostile';
import { actions, entity, expectStatus, importFile, plan, Project, revision, siblingChain, upload, Workdir } from './fixtures';
import { api, backends, removeData, Service, startService, waitJob } from './service';

type Linked = { code: string; body: { after?: string; parent?: string }; deleted: boolean; hash: string; updatedAt: string };

const MENU = ['p_a', 'p_b', 'p_c', 'p_d'];

for (const backend of backends()) {
  describe(`moving a menu page or an org-chart unit with one PUT (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service;
    let fresh: Service;
    let T: string;

    const all = async (s: Service, ns: string): Promise<Linked[]> =>
      expectStatus(await api(s, 'GET', `/v1/namespaces/${encodeURIComponent(ns)}/entities`, { token: s.adminToken }), 200, `entities of ${ns}`);
    const menu = async (s = svc) => siblingChain((await all(s, 'mv')).filter((e: any) => e.type === 'page'), 'the menu of mv');
    /** Each parent's units in order (`-` for the top of the chart). */
    const chart = async (s = svc): Promise<Record<string, string[]>> => {
      const units = await all(s, '#orgchart');
      const parents = [...new Set(units.map((u) => u.body.parent ?? '-'))].sort();
      return Object.fromEntries(parents.map((p) => [p, siblingChain(units.filter((u) => (u.body.parent ?? '-') === p), `the units under ${p}`)]));
    };
    const put = async (id: string, change: Record<string, unknown>) => api(svc, 'PUT', `/v1/entities/${encodeURIComponent(id)}`, { token: T, body: change });
    const move = async (id: string, links: Record<string, unknown>) => {
      const e = await entity(svc, T, encodeURIComponent(id));
      return expectStatus(await put(id, { body: { ...e.body, ...links } }), 200, `move ${id} ${JSON.stringify(links)}`);
    };
    const byCode = async (ns: string) => new Map((await all(svc, ns)).map((e) => [e.code, e]));

    /** A project of one manifest, built; returns the package file. */
    function build(name: string, manifest: Record<string, unknown>): string {
      const dir = path.join(work.root, name);
      mkdirSync(dir);
      writeFileSync(path.join(dir, `${name}.isola.json`), JSON.stringify(manifest, null, 2));
      return new Project(dir, work).build(String(manifest.code), []);
    }

    before(async () => {
      work = new Workdir();
      const mv = build('mv', { kind: 'workspace', code: 'mv', title: 'Moves', version: '1.0.0', pages: MENU.map((code) => ({ code, title: code.slice(2).toUpperCase() })) });
      const corp = build('corp', {
        kind: 'configuration', code: 'corp', version: '1.0.0',
        orgChart: { code: 'ceo', title: 'CEO', children: [{ code: 'fin', children: [{ code: 'acc' }, { code: 'tre' }, { code: 'aud' }] }, { code: 'ops', children: [{ code: 'x' }, { code: 'y' }] }] },
      });
      [svc, fresh] = await Promise.all([startService({ databaseUrl: backend.fresh() }), startService({ databaseUrl: backend.fresh() })]);
      T = svc.adminToken;
      await importFile(svc, T, mv);
      await importFile(svc, T, corp);
      assert.deepEqual(await menu(), MENU);
    });

    after(async () => {
      for (const s of [svc, fresh]) {
        await s?.stop();
        if (s) removeData(s);
      }
      work?.dispose();
    });

    it('moving C up (after A) puts B after C and D after B, each change recorded as a PUT of that page would record it', async () => {
      const was = await byCode('mv');
      const bHistory = (await entity(svc, T, 'mv.p_b')).history;
      const rev = await revision(svc);
      const c = await move('mv.p_c', { after: 'p_a' });
      assert.deepEqual(await menu(), ['p_a', 'p_c', 'p_b', 'p_d']);
      const b = await entity(svc, T, 'mv.p_b');
      assert.deepEqual(b.body, { code: 'p_b', title: 'B', after: 'p_c' });
      assert.equal(b.hash, sha256(canonicalJson(b.body)), 'the hash of its new body, as a PUT gives it');
      assert.deepEqual(b.history, [...bHistory, { hash: b.hash, at: c.updatedAt }], 'its history holds the new version');
      assert.equal(b.updatedBy, 'admin');
      assert.equal(b.updatedAt, c.updatedAt, 'in the same change');
      // D followed C's old place: it now follows what C followed there.
      const d = await entity(svc, T, 'mv.p_d');
      assert.deepEqual(d.body, { code: 'p_d', title: 'D', after: 'p_b' });
      assert.equal(d.history[d.history.length - 1].hash, d.hash);
      assert.deepEqual((await byCode('mv')).get('p_a'), was.get('p_a'), 'A did not move and is untouched');
      assert.equal(await revision(svc), rev + 1, 'one change');
    });

    it('moving a page first ("after": null), to the end, or leaving "after" out keeps the others in their order', async () => {
      await move('mv.p_b', { after: null });
      assert.deepEqual(await menu(), ['p_b', 'p_a', 'p_c', 'p_d']);
      await move('mv.p_a', { after: 'p_d' });
      assert.deepEqual(await menu(), ['p_b', 'p_c', 'p_d', 'p_a']);
      // A page moved right behind the one it followed (a swap) changes the links of three.
      await move('mv.p_c', { after: 'p_d' });
      assert.deepEqual(await menu(), ['p_b', 'p_d', 'p_c', 'p_a']);
      const was = await byCode('mv');
      expectStatus(await put('mv.p_d', { body: { code: 'p_d', title: 'D renamed' } }), 200, 'rename D');
      assert.deepEqual(await menu(), ['p_b', 'p_d', 'p_c', 'p_a']);
      const now = await byCode('mv');
      for (const code of ['p_a', 'p_b', 'p_c']) assert.deepEqual(now.get(code), was.get(code), `${code} is untouched by a change that moves nothing`);
    });

    it('a page deleted while others follow it keeps its place, so a restore puts it back there; a move past it keeps one order', async () => {
      const was = await byCode('mv');
      expectStatus(await put('mv.p_d', { deleted: true }), 200, 'delete D');
      const deleted = await byCode('mv');
      assert.equal(deleted.get('p_d')?.deleted, true);
      assert.deepEqual(await menu(), ['p_b', 'p_d', 'p_c', 'p_a'], 'in the recycle bin, as a manifest lists a deleted page where it was');
      for (const code of ['p_a', 'p_b', 'p_c']) assert.deepEqual(deleted.get(code), was.get(code), `${code} is untouched by the deletion`);
      await move('mv.p_a', { after: 'p_b' });
      assert.deepEqual(await menu(), ['p_b', 'p_a', 'p_d', 'p_c']);
      expectStatus(await put('mv.p_d', { deleted: false }), 200, 'restore D');
      assert.equal((await entity(svc, T, 'mv.p_d')).deleted, false);
      assert.deepEqual(await menu(), ['p_b', 'p_a', 'p_d', 'p_c'], 'back where it stood');
    });

    it('a unit moved under another parent leaves its old siblings and its new ones each in one order', async () => {
      assert.deepEqual(await chart(), { '-': ['ceo'], ceo: ['fin', 'ops'], fin: ['acc', 'tre', 'aud'], ops: ['x', 'y'] });
      await move('#orgchart.tre', { parent: 'ops', after: 'x' });
      assert.deepEqual(await chart(), { '-': ['ceo'], ceo: ['fin', 'ops'], fin: ['acc', 'aud'], ops: ['x', 'tre', 'y'] });
      await move('#orgchart.acc', { parent: 'ops', after: null });
      assert.deepEqual(await chart(), { '-': ['ceo'], ceo: ['fin', 'ops'], fin: ['aud'], ops: ['acc', 'x', 'tre', 'y'] });
      await move('#orgchart.ops', { after: null });
      assert.deepEqual(await chart(), { '-': ['ceo'], ceo: ['ops', 'fin'], fin: ['aud'], ops: ['acc', 'x', 'tre', 'y'] });
    });

    it('refuses a move into a cycle, to nothing or after itself, and changes nothing', async () => {
      const rev = await revision(svc);
      const before = [await all(svc, 'mv'), await all(svc, '#orgchart')];
      const cases: [string, Record<string, unknown>, RegExp][] = [
        ['#orgchart.ops', { code: 'ops', parent: 'tre' }, /^"body": "parent" "tre" is inside ops \(ops → tre → ops\): a unit cannot sit in its own subtree; /],
        ['#orgchart.fin', { code: 'fin', parent: 'fin' }, /^"body": "parent" names the unit itself; /],
        ['mv.p_c', { code: 'p_c', title: 'C', after: 'p_c' }, /^"body": "after" names the page itself; /],
        ['mv.p_c', { code: 'p_c', title: 'C', after: 'p_gone' }, /^"body": "after" "p_gone" names no top-level menu page of namespace `mv`; /],
        ['#orgchart.x', { code: 'x', after: 'aud' }, /^"body": "after" "aud" is a unit under "fin" and x under "ops": a unit follows one of the same parent; /],
      ];
      for (const [id, body, message] of cases) {
        const r = await put(id, { body });
        assert.equal(r.status, 400, `${id} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.error.message, message);
      }
      assert.equal(await revision(svc), rev, 'nothing was written');
      assert.deepEqual([await all(svc, 'mv'), await all(svc, '#orgchart')], before);
    });

    it('moves made at the same time leave one order', async () => {
      const moves: [string, Record<string, unknown>][] = [['mv.p_a', { after: null }], ['mv.p_b', { after: 'p_c' }], ['mv.p_c', { after: 'p_a' }], ['mv.p_d', { after: 'p_a' }]];
      const bodies = await Promise.all(moves.map(async ([id]) => (await entity(svc, T, id)).body));
      const answers = await Promise.all(moves.map(([id, links], i) => put(id, { body: { ...bodies[i], ...links } })));
      for (const r of answers) expectStatus(r, 200, 'a move');
      assert.equal((await menu()).length, 4);
    });

    it('the export gives the order back: unpacked as a retrieve does, planned again as unchanged, and imported elsewhere as it is', async () => {
      const pages = await menu();
      const units = await chart();
      const started = expectStatus(await api(svc, 'POST', '/v1/exports', { token: T, body: { kind: 'configuration', code: 'corp' } }), 202, 'export');
      const job = await waitJob(svc, T, started.id);
      assert.equal(job.status, 'succeeded', job.error);
      const res = await fetch(`${svc.url}/v1/packages/${job.result.package}/content`, { headers: { authorization: `Bearer ${T}` } });
      const file = work.file('corp-export.isolapkg');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));

      const out = path.join(work.root, 'unpacked');
      const r = isola(['unpack', file, '--dir', out]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.doesNotMatch(r.out + r.err, /does not give the (whole )?order/);
      const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(out, dir, readdirSync(path.join(out, dir)).find((f) => f.endsWith('.isola.json'))!), 'utf8'));
      assert.deepEqual(manifestOf('mv').pages.map((p: { code: string }) => p.code), pages);

      const again = await plan(svc, T, (await upload(svc, T, file)).id);
      assert.equal(again.checks.find((c: { name: string }) => c.name === 'order')?.ok, true);
      assert.deepEqual(Object.entries(actions(again)).filter(([, a]) => a !== 'unchanged'), []);

      await importFile(fresh, fresh.adminToken, file);
      assert.deepEqual(await menu(fresh), pages);
      assert.deepEqual(await chart(fresh), units);
    });
  });
}
