import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { followJob } from '../../../server/src/env/client';
import { LocalClient } from '../../../server/src/env/localClient';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { build, contentOf } from './roundTrip';

const REPO = path.resolve(__dirname, '../../../..');

const EXAMPLES = [
  { dir: 'examples/invoices', kind: 'workspace', exportKind: 'namespace', code: 'invoices' },
  { dir: 'examples/payments', kind: 'solution', exportKind: 'solution', code: 'payments_solution' },
  { dir: 'examples/company', kind: 'configuration', exportKind: 'configuration', code: 'company' },
] as const;

describe('a package exported from an environment, unpacked and built again, imports back as all unchanged', () => {
  for (const ex of EXAMPLES) {
    it(ex.dir, async () => {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-exported-'));
      const env = await LocalClient.open(path.join(tmp, 'env'), 'ann');
      try {
        const importFile = async (file: string) => (await env.plan((await env.uploadPackage(file)).id, undefined, { data: 'all' }));
        const first = path.join(tmp, 'first.isolapkg');
        await build(path.join(REPO, ex.dir), ex.kind, ex.code, first);
        const plan = await importFile(first);
        const imported = await followJob(env, (await env.startImport(plan.id, 'cancel')).id, () => undefined, 20);
        assert.equal(imported.status, 'succeeded', imported.error);

        const exported = await followJob(env, (await env.startExport({ kind: ex.exportKind, code: ex.code, design: 'all', data: 'all' })).id, () => undefined, 20);
        assert.equal(exported.status, 'succeeded', exported.error);
        const p = path.join(tmp, 'exported.isolapkg');
        await env.downloadPackage(String(exported.result!.package), p);

        const dir = path.join(tmp, 'unpacked');
        await unpackPackage({ file: p, dir });
        const again = path.join(tmp, 'again.isolapkg');
        await build(dir, ex.kind, ex.code, again);
        const back = await importFile(again);
        assert.deepEqual(back.entities.filter((e) => e.action !== 'unchanged').map((e) => `${e.action} ${e.id}`), []);
        assert.deepEqual((await contentOf(again)).data, (await contentOf(p)).data);
      } finally {
        await env.close();
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});

describe('a configuration exported from an environment that holds other namespaces', () => {
  it('unpacks into a configuration manifest that includes every unit, so its build carries them all again', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-exported-conf-'));
    const env = await LocalClient.open(path.join(tmp, 'env'), 'ann');
    try {
      for (const ex of EXAMPLES) {
        const file = path.join(tmp, `${ex.code}.isolapkg`);
        await build(path.join(REPO, ex.dir), ex.kind, ex.code, file);
        const plan = await env.plan((await env.uploadPackage(file)).id, undefined, { data: 'all' });
        const job = await followJob(env, (await env.startImport(plan.id, 'cancel')).id, () => undefined, 20);
        assert.equal(job.status, 'succeeded', job.error);
      }
      const exported = await followJob(env, (await env.startExport({ kind: 'configuration', code: 'company', design: 'all', data: 'all' })).id, () => undefined, 20);
      assert.equal(exported.status, 'succeeded', exported.error);
      const p = path.join(tmp, 'exported.isolapkg');
      await env.downloadPackage(String(exported.result!.package), p);
      const dir = path.join(tmp, 'unpacked');
      await unpackPackage({ file: p, dir });
      const again = path.join(tmp, 'again.isolapkg');
      await build(dir, 'configuration', 'company', again);
      const [before, after] = [await contentOf(p), await contentOf(again)];
      assert.ok(Object.keys(before.cards).some((k) => k.startsWith('app invoices.')), 'the export carries the other workspaces');
      assert.deepEqual(Object.keys(after.cards).sort(), Object.keys(before.cards).sort());
      assert.deepEqual(after.data, before.data);
    } finally {
      await env.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
