/**
 * An export job that fills the service's disk fails alone: its job says so in words, no partial
 * package stays, and the service goes on answering. It ended the whole service before (exit 2,
 * `internal error: ENOSPC`), every other job with it, and the job read as exporting forever.
 * The disk is full only for the export's files (test/unit/fullDisk.ts), so the rest works. Runs
 * the real service on PGlite.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { FULL_DISK_PRELOAD } from '../unit/fullDisk';
import { expectStatus, importFile, purposeRecords, upload, Workdir } from './fixtures';
import { api, removeData, Service, startService, waitJob } from './service';

describe('an export job on a full disk', () => {
  const work = new Workdir();
  let s: Service;
  let pkg: string;
  before(async () => {
    const p = work.copyExample('invoices');
    // Enough records (4 MB) to outgrow the zip writer's buffers: the disk fills while they stream in.
    p.write('data/payment_purposes.jsonl', purposeRecords(60_000));
    pkg = p.build('invoices');
    s = await startService({
      env: {
        NODE_OPTIONS: `--require=${FULL_DISK_PRELOAD}`,
        ISOLA_TEST_FULL_DISK: '/packages/j_[^/]*\\.isolapkg\\.partial-',
        ISOLA_TEST_FULL_DISK_ROOM: String(16 * 1024),
      },
    });
    await importFile(s, s.adminToken, pkg);
  });
  after(async () => {
    await s?.stop();
    if (s) removeData(s);
    work.dispose();
  });

  it('fails the job in words, leaves no partial package, and the service keeps serving', { timeout: 180_000 }, async () => {
    const token = s.adminToken;
    const started = expectStatus(await api(s, 'POST', '/v1/exports', { token, body: { kind: 'namespace', code: 'invoices', data: 'all' } }), 202, 'export');
    const job = await waitJob(s, token, started.id);
    assert.equal(job.status, 'failed', JSON.stringify(job));
    assert.equal(job.error, "no space left on device writing the exported package in the environment's data folder; nothing was exported (free space on its disk, then try again)");
    assert.equal(s.process.exitCode, null, `the service ended:\n${s.output()}`);
    assert.equal((await api(s, 'GET', '/v1/health')).status, 200);
    assert.deepEqual(readdirSync(`${s.dataDir}/packages`).filter((f) => f.startsWith('j_')), [], 'no partial or stored export');
    // Other work goes on: an upload (not on the full disk) is stored.
    const again = await upload(s, token, pkg);
    assert.match(again.id, /^k_/);
  });
});
