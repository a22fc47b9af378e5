import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../server/src/core/environment/environment';
import { PackageReader } from '../../server/src/core/packaging/reader';
import { isola } from '../unit/packaging/hostile';
import { backends } from './service';

// Records that repeat one phrase deflate about 500 times. Each import below carries less than
// 1 MiB of them (the size from which a reader checks the ratio), but the namespace's export puts
// them all in one chunk of 3.8 MB: deflated, its reader refused it as a zip bomb, so the
// namespace could never be exported again. The writer stores such a chunk instead.

const BATCH = 80;
const record = (i: number) => JSON.stringify({ id: `r${String(i).padStart(4, '0')}`, t: 'lorem '.repeat(2000) });

for (const backend of backends()) {
  describe(`an export of highly repetitive records (${backend.name})`, () => {
    let dir: string;
    let env: Environment;
    const me = Environment.localCaller('dev');

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'isola-repetitive-env-'));
      env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local', databaseUrl: backend.fresh() });
    });
    after(async () => {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const build = (n: number): string => {
      const src = path.join(dir, `p${n}`);
      mkdirSync(path.join(src, 'data'), { recursive: true });
      writeFileSync(path.join(src, 'rep.isola.json'), JSON.stringify({
        kind: 'workspace', code: 'rep', title: 'Repetitive', version: '1.0.0',
        apps: [{ code: 'r', fields: [{ code: 't', type: 'text' }] }],
        data: { r: 'data/r.jsonl' },
      }));
      const lines = Array.from({ length: BATCH }, (_, i) => record(n * BATCH + i));
      writeFileSync(path.join(src, 'data', 'r.jsonl'), lines.join('\n') + '\n');
      const out = path.join(dir, `p${n}.isolapkg`);
      const r = isola(['build', src, '--package', 'rep', '--data', 'all', '--out', out]);
      assert.equal(r.code, 0, r.out + r.err);
      return out;
    };

    it('four imports succeed, and the export of their records is a package its reader and an import take', async () => {
      for (let n = 0; n < 4; n++) {
        const plan = await env.plan(me, { package: (await env.registerFile(me, build(n))).id });
        assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
        const job = await env.waitForJob((await env.startImport(me, { plan: plan.id, onConflict: 'replace' })).id);
        assert.equal(job.status, 'succeeded', job.error);
      }
      const job = await env.waitForJob((await env.startExport(me, { kind: 'namespace', code: 'rep', data: 'all' })).id);
      assert.equal(job.status, 'succeeded', job.error);
      const stored = await env.package(me, (job.result as { package: string }).package);

      const reader = await PackageReader.open(stored.file);
      try {
        await reader.verify();
        const chunk = reader.descriptor.data.find((d) => d.app === 'rep.r')!.chunks[0];
        // Deflated whole it would pass for a zip bomb: its start is kept as it is, under the reader's limit.
        const e = reader.entries.get(chunk)!;
        assert.equal(e.compressionMethod, 8);
        assert.ok(e.uncompressedSize / e.compressedSize <= 100 && e.uncompressedSize >= 1024 * 1024, `${e.uncompressedSize} bytes in ${e.compressedSize}`);
        const ids: unknown[] = [];
        for await (const r of reader.records('rep.r')) ids.push(r.id);
        assert.deepEqual(ids, Array.from({ length: 4 * BATCH }, (_, i) => JSON.parse(record(i)).id));
      } finally {
        reader.close();
      }
      const inspect = isola(['inspect', stored.file]);
      assert.equal(inspect.code, 0, inspect.err);
      assert.match(inspect.out, /rep\.r: 320 records/);
      // Taken back in as any package, its chunk read by the import as any other.
      const again = await env.plan(me, { package: (await env.registerFile(me, stored.file)).id });
      assert.ok(again.ok, JSON.stringify(again.checks.filter((c) => !c.ok)));
      const back = await env.waitForJob((await env.startImport(me, { plan: again.id, onConflict: 'replace' })).id);
      assert.equal(back.status, 'succeeded', back.error);
      assert.deepEqual((back.result as { records: { app: string; written: number }[] }).records.map((r) => [r.app, r.written]), [['rep.r', 4 * BATCH]]);
    });
  });
}
