import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import type { ExportRequest, Job } from '../../../server/src/core/environment/types';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { isola, REPO } from '../packaging/hostile';

// What an export of the environment carries, and what it refuses, through the Environment API
// the CLI and the HTTP service both call.

describe('the export path of an environment', () => {
  let dir: string;
  let env: Environment;
  const me = Environment.localCaller('dev');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-export-path-'));
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const src = path.join(dir, 'invoices');
    cpSync(path.join(REPO, 'examples', 'invoices'), src, { recursive: true });
    await imported(build(src, 'invoices', 'invoices.isolapkg', ['--data', 'all']));
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const imported = async (file: string) => {
    const plan = await env.plan(me, { package: (await env.registerFile(me, file)).id });
    assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
    const job = await env.waitForJob((await env.startImport(me, { plan: plan.id, onConflict: 'replace' })).id);
    assert.equal(job.status, 'succeeded', job.error);
  };
  const build = (src: string, pkg: string, name: string, args: string[] = []) => {
    const out = path.join(dir, name);
    const r = isola(['build', src, '--package', pkg, '--out', out, ...args]);
    assert.equal(r.code, 0, r.out + r.err);
    return out;
  };
  const exported = async (r: ExportRequest): Promise<Job> => env.waitForJob((await env.startExport(me, r)).id);

  it('takes a bare app code for the data to carry, as build and import do', async () => {
    const job = await exported({ kind: 'namespace', code: 'invoices', data: ['payment_purposes'] });
    assert.equal(job.status, 'succeeded', job.error);
    const r = await PackageReader.open((await env.package(me, (job.result as { package: string }).package)).file);
    try {
      assert.deepEqual(r.descriptor.data.map((d) => d.app), ['invoices.payment_purposes']);
      assert.deepEqual(r.descriptor.options.data, ['invoices.payment_purposes']);
    } finally {
      r.close();
    }
    const none = await exported({ kind: 'namespace', code: 'invoices', data: ['no_such_app'] });
    assert.equal(none.status, 'failed');
    assert.match(none.error ?? '', /no records of no_such_app in workspace `invoices` \(apps with records: .*invoices\.payment_purposes/);
  });
});
