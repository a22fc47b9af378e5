/**
 * The recycle-bin flag and a body's `deleted: true` say the same thing everywhere: a restore made
 * in the environment is a change there (the next import of a package that deletes the entity is a
 * conflict, and a retrieve shows it), and a workspace's own `deleted: true` travels as its card's
 * flag both ways. Runs the CLI on a `local` environment, changed as a user would (PUT).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../server/src/core/environment/environment';
import { PackageReader } from '../../server/src/core/packaging/reader';
import { isola } from '../unit/packaging/hostile';

const me = Environment.localCaller('ops');

async function withEnv<T>(dir: string, f: (env: Environment) => Promise<T>): Promise<T> {
  const env = await Environment.open({ dataDir: path.join(dir, '.isola', 'local'), name: 'local' });
  try {
    return await f(env);
  } finally {
    await env.close();
  }
}

function ok(r: { code: number | null; out: string; err: string }, what: string): string {
  assert.equal(r.code, 0, `${what}:\n${r.out}\n${r.err}`);
  return r.out;
}

describe('a page restored from the recycle bin in the environment', () => {
  let dir: string;
  let v1: string;
  const manifest = () => path.join(dir, 'u.isola.json');
  const pages = () => (JSON.parse(readFileSync(manifest(), 'utf8')) as { pages: { code: string; deleted?: boolean }[] }).pages;
  const write = (pages: unknown[]) => writeFileSync(manifest(), JSON.stringify({ kind: 'workspace', code: 'uw', title: 'U', version: '1.0.0', languages: ['en'], apps: [{ code: 'a' }], pages }, null, 2));

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-restore-'));
    // v0 has `home`; v1 deletes it and brings `extra` already deleted.
    write([{ code: 'home', title: 'Home', app: 'a' }, { code: 'other', app: 'a' }]);
    ok(isola(['build', '--package', 'uw', '--out', 'v0.isolapkg'], dir), 'build v0');
    ok(isola(['import', 'v0.isolapkg'], dir), 'import v0');
    write([{ code: 'home', title: 'Home', app: 'a', deleted: true }, { code: 'other', app: 'a' }, { code: 'extra', app: 'a', deleted: true }]);
    v1 = path.join(dir, 'v1.isolapkg');
    ok(isola(['build', '--package', 'uw', '--out', v1], dir), 'build v1');
    ok(isola(['import', v1], dir), 'import v1');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('drops the body\'s deleted, so the entity and its body agree and its hash moves', async () => {
    await withEnv(dir, async (env) => {
      for (const id of ['uw.home', 'uw.extra']) {
        const before = await env.entity(me, id);
        assert.equal(before.body.deleted, true, `${id} as the package brought it`);
        const after = await env.changeEntity(me, id, { deleted: false });
        assert.equal(after.deleted, false);
        assert.equal(after.body.deleted, undefined, `${id}: the body no longer says deleted`);
        assert.notEqual(after.hash, before.hash, `${id}: the design changed`);
      }
      await assert.rejects(env.changeEntity(me, 'uw.other', { deleted: false, body: { code: 'other', app: 'a', deleted: true } }), /"body" says "deleted": true and "deleted" says false/);
    });
  });

  it('is shown by retrieve: the manifest no longer says deleted', () => {
    ok(isola(['retrieve', '--package', 'uw'], dir), 'retrieve');
    const byCode = new Map(pages().map((p) => [p.code, p]));
    assert.equal(byCode.get('home')?.deleted, undefined);
    assert.equal(byCode.get('extra')?.deleted, undefined);
  });

  it('is a conflict for the package that deleted it, even when the restore went back to a version of its history', async () => {
    const r = isola(['import', v1], dir);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /conflict {2}page {9}uw\.home \[deleted\] {2}\(restored from the recycle bin in the environment \(by ops at \S+\); the package deletes it\)/);
    assert.match(r.out, /conflict {2}page {9}uw\.extra \[deleted\]/);
    await withEnv(dir, async (env) => {
      assert.equal((await env.entity(me, 'uw.home')).deleted, false, 'nothing was imported');
      assert.equal((await env.entity(me, 'uw.extra')).deleted, false);
    });
  });
});

describe('a workspace\'s own deleted flag', () => {
  let dir: string;
  const unit = (deleted: boolean) => JSON.stringify({ kind: 'workspace', code: 'dws', ...(deleted ? { deleted: true } : {}), title: 'D', version: '1.0.0', languages: ['en'], apps: [{ code: 'a' }] }, null, 2);

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-deleted-unit-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-unpacked`, { recursive: true, force: true });
  });

  it('in its manifest deletes the workspace on import', async () => {
    writeFileSync(path.join(dir, 'd.isola.json'), unit(true));
    ok(isola(['build', '--package', 'dws', '--out', 'd1.isolapkg'], dir), 'build');
    ok(isola(['import', 'd1.isolapkg'], dir), 'import');
    await withEnv(dir, async (env) => assert.equal((await env.entity(me, 'dws')).deleted, true));
  });

  it('set in the environment is written by retrieve and unpack', async () => {
    writeFileSync(path.join(dir, 'd.isola.json'), unit(false));
    ok(isola(['build', '--package', 'dws', '--out', 'd2.isolapkg'], dir), 'build');
    ok(isola(['import', 'd2.isolapkg'], dir), 'import');
    await withEnv(dir, async (env) => assert.equal((await env.entity(me, 'dws')).deleted, false, 'restored by the package'));
    await withEnv(dir, (env) => env.changeEntity(me, 'dws', { deleted: true }));
    ok(isola(['export', '--package', 'dws', '--out', 'exp.isolapkg'], dir), 'export');
    // Outside the project: a second manifest of dws there would be one too many for retrieve.
    const into = path.join(dir, '..', `${path.basename(dir)}-unpacked`);
    mkdirSync(into);
    ok(isola(['unpack', path.join(dir, 'exp.isolapkg')], into), 'unpack');
    assert.equal(JSON.parse(readFileSync(path.join(into, 'dws', 'dws.isola.json'), 'utf8')).deleted, true);
    ok(isola(['retrieve', '--package', 'dws'], dir), 'retrieve');
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'd.isola.json'), 'utf8')).deleted, true);
  });

  it('set in the environment is the version its export, unpacked and built again, carries', async () => {
    const into = path.join(dir, '..', `${path.basename(dir)}-unpacked`);
    ok(isola(['build', '--package', 'dws', '--out', path.join(into, 'again.isolapkg')], into), 'build the unpacked project');
    const cardOf = async (file: string) => {
      const r = await PackageReader.open(file);
      try {
        return (await r.cards()).find((c) => c.card.id === 'dws')!.card;
      } finally {
        r.close();
      }
    };
    const exported = await cardOf(path.join(dir, 'exp.isolapkg'));
    const rebuilt = await cardOf(path.join(into, 'again.isolapkg'));
    assert.equal(exported.deleted, true);
    assert.equal(exported.body.deleted, true, 'the body says deleted, as a build\'s does');
    assert.equal(rebuilt.hash, exported.hash, 'the same version, not a new one nobody made');
    const env = await withEnv(dir, (env) => env.entity(me, 'dws'));
    assert.equal(env.hash, exported.hash);
  });
});
