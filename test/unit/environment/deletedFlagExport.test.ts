import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { isola } from '../packaging/hostile';

// Earlier versions of the environment stored bodies that contradict their entity's recycle-bin
// flag (a restore kept the body's `deleted: true`). A package's reader refuses a card saying both,
// so an export must write such an entity as its flag says, or no import would take the package.

describe('an export of entities whose stored body contradicts their deleted flag', () => {
  let dir: string;
  const me = Environment.localCaller('dev');

  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'isola-deleted-flag-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function imported(env: Environment, file: string): Promise<void> {
    const plan = await env.plan(me, { package: (await env.registerFile(me, file)).id });
    assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
    const job = await env.waitForJob((await env.startImport(me, { plan: plan.id })).id);
    assert.equal(job.status, 'succeeded', job.error);
  }

  it('is a package a fresh environment imports, each entity as its flag said', async () => {
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'df.isola.json'), JSON.stringify({ kind: 'workspace', code: 'df', title: 'D', version: '1.0.0', languages: ['en'], apps: [{ code: 'a' }], pages: [{ code: 'home', app: 'a' }, { code: 'gone', app: 'a' }, { code: 'other', app: 'a' }] }));
    const v1 = path.join(dir, 'df.isolapkg');
    const built = isola(['build', src, '--package', 'df', '--out', v1]);
    assert.equal(built.code, 0, built.out + built.err);

    const source = await Environment.open({ dataDir: path.join(dir, 'source'), name: 'local' });
    let file: string;
    try {
      await imported(source, v1);
      // As earlier versions stored them: a body saying deleted on an entity that is not (restored
      // from the recycle bin), and one saying not deleted on an entity that is.
      await source.db.query(`UPDATE entities SET body = body || '{"deleted": true}'::jsonb WHERE id = 'df.home'`);
      await source.db.query(`UPDATE entities SET deleted = true, body = body || '{"deleted": false}'::jsonb WHERE id = 'df.gone'`);
      const job = await source.waitForJob((await source.startExport(me, { kind: 'workspace', code: 'df' })).id);
      assert.equal(job.status, 'succeeded', job.error);
      file = (await source.package(me, (job.result as { package: string }).package)).file;
    } finally {
      await source.close();
    }
    const r = await PackageReader.open(file);
    try {
      const cards = new Map((await r.cards()).map((c) => [c.card.id, c.card]));
      assert.deepEqual([cards.get('df.home')?.deleted, cards.get('df.home')?.body.deleted], [false, undefined]);
      assert.deepEqual([cards.get('df.gone')?.deleted, cards.get('df.gone')?.body.deleted], [true, undefined]);
    } finally {
      r.close();
    }

    const target = await Environment.open({ dataDir: path.join(dir, 'target'), name: 'local' });
    try {
      await imported(target, file);
      const home = await target.entity(me, 'df.home');
      const gone = await target.entity(me, 'df.gone');
      assert.deepEqual([home.deleted, home.body.deleted, gone.deleted, gone.body.deleted], [false, undefined, true, undefined]);
    } finally {
      await target.close();
    }
  });
});
