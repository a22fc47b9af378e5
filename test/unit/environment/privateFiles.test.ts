import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, createReadStream, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { isola } from '../packaging/hostile';

// An environment's data folder holds its records (the database, its write-ahead log) and the
// packages uploaded to it: with the usual umask (022) nothing in it may be open to other users.

/** Every path under `dir` whose mode gives group or others any permission, with that mode. */
function openToOthers(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.mode & 0o077) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) out.push(...openToOthers(p));
  }
  return out;
}

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

/** Gives group and others read access (and write to files, as PGlite does) to everything under `dir`. */
function loosen(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) loosen(p);
    else if (st.isFile()) chmodSync(p, 0o666);
  }
}

describe('an environment\'s files are private', { skip: process.platform === 'win32' && 'no POSIX modes on Windows' }, () => {
  let dir: string;
  let umask: number;
  const me = Environment.localCaller('dev');

  before(() => {
    umask = process.umask(0o022);
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-private-'));
  });
  after(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its folders 0700 and its files 0600, and tightens an older one as it opens', async () => {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'data'), { recursive: true });
    writeFileSync(path.join(src, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'items', fields: [{ code: 'name', type: 'string' }] }], data: { items: 'data/items.jsonl' } }));
    writeFileSync(path.join(src, 'data', 'items.jsonl'), '{"id":"r1","name":"SALARY-OF-CEO"}\n');
    const pkg = path.join(dir, 'sales.isolapkg');
    const r = isola(['build', src, '--package', 'sales', '--data', 'all', '--out', pkg]);
    assert.equal(r.code, 0, r.out + r.err);

    const dataDir = path.join(dir, 'new', 'env');
    let env = await Environment.open({ dataDir, name: 'test' });
    let exported: string;
    try {
      const uploaded = await env.upload(me, createReadStream(pkg));
      const plan = await env.plan(me, { package: uploaded.id });
      const imported = await env.waitForJob((await env.startImport(me, { plan: plan.id })).id);
      assert.equal(imported.status, 'succeeded', imported.error);
      const job = await env.waitForJob((await env.startExport(me, { kind: 'workspace', code: 'sales', data: 'all' })).id);
      assert.equal(job.status, 'succeeded', job.error);
      exported = (await env.package(me, (job.result as { package: string }).package)).file;
      assert.equal(mode(uploaded.file), '600', 'the uploaded package');
      assert.equal(mode(exported), '600', 'the exported package');
    } finally {
      await env.close();
    }
    assert.deepEqual([mode(path.join(dir, 'new')), mode(dataDir), mode(path.join(dataDir, 'db')), mode(path.join(dataDir, 'packages'))], ['700', '700', '700', '700']);
    assert.deepEqual(openToOthers(dataDir), []);

    // A data folder an older version wrote (folders 0755, files 0666): tightened when opened.
    loosen(path.join(dataDir, 'db'));
    loosen(path.join(dataDir, 'packages'));
    chmodSync(dataDir, 0o755);
    env = await Environment.open({ dataDir, name: 'test' });
    await env.close();
    // The data folder itself is the user's to share if they made it so; what is in it is not.
    assert.equal(mode(dataDir), '755');
    assert.deepEqual(openToOthers(dataDir), []);
  });
});
