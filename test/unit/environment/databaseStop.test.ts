import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { bigPackage, CLI } from '../bigInvoices';
import { FULL_DISK_PRELOAD } from '../fullDisk';

// The embedded database on a full disk (faked by test/unit/fullDisk.ts, loaded into the command): PostgreSQL
// stops at a WAL write it cannot make (PANIC) or fails to start. Before, the command then spun
// for ever (no Ctrl+C, no SIGTERM, no request answered) or said its error and never ended.

/** The CLI in `cwd` with the disk full for files matching `full` once `after` bytes went to them; killed after `ms`. */
function onFullDisk(args: string[], cwd: string, full: string, after = 0, ms = 90_000) {
  return spawnSync(process.execPath, ['--require', FULL_DISK_PRELOAD, CLI, ...args], {
    cwd, encoding: 'utf8', timeout: ms, killSignal: 'SIGKILL',
    env: { ...process.env, ISOLA_TEST_FULL_DISK: full, ISOLA_TEST_FULL_DISK_ROOM: String(after) },
  });
}

const isola = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

describe('the embedded database on a full disk', () => {
  let p: ReturnType<typeof bigPackage>;
  before(() => {
    p = bigPackage('isola-database-stop-');
  });
  after(() => p?.done());

  it('an import whose WAL cannot be written fails with why, the command ends, and the next one finds the environment as before', { timeout: 300_000 }, () => {
    const small = path.join(p.base, 'design.isolapkg');
    assert.equal(isola(['build', p.dir, '--package', 'invoices', '--data', 'none', '--out', small], p.dir).status, 0);
    const first = isola(['import', small], p.dir);
    assert.equal(first.status, 0, first.stdout + first.stderr);

    const r = onFullDisk(['import', p.pkg], p.dir, '[\\\\/]pg_wal[\\\\/]', 1024 * 1024);
    assert.equal(r.error, undefined, `the import did not end: ${r.stdout.slice(-2000)}\n${r.stderr}`);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^isola import: job j_\S+ failed: the environment's embedded database stopped: could not write to log file "?[0-9A-F]+"? at offset \d+, length \d+: No space left on device\. Nothing more is written; free space on the disk that holds .*[\\/]\.isola[\\/]local[\\/]db, then start the environment again \(restart isola env serve; local opens anew with the next command\): an import it was running is then marked failed, and nothing of it is applied\n$/);

    // With room again, the next command recovers the database: nothing of the failed import is there.
    const again = isola(['import', p.pkg, '--dry-run'], p.dir);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /data +invoices\.payment_purposes: 60000 record\(s\) \(0 already there\)/);
  });

  it('`isola env serve` on a database that cannot start ends with exit 2 and PostgreSQL\'s reason', { timeout: 300_000 }, async () => {
    const data = path.join(p.base, 'svc');
    // A service killed outright: the next start recovers the database, and writes its files.
    const svc = spawn(process.execPath, [CLI, 'env', 'serve', '--data', data, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      svc.stdout.on('data', (b) => {
        out += b;
        if (/Administrator token/.test(out)) resolve();
      });
      svc.on('exit', () => reject(new Error(`the service ended: ${out}`)));
    });
    svc.kill('SIGKILL');
    await new Promise((resolve) => svc.once('exit', resolve));

    const r = onFullDisk(['env', 'serve', '--data', data, '--port', '0'], p.base, '[\\\\/]base[\\\\/]', 0, 60_000);
    assert.equal(r.error, undefined, `it did not end: ${r.stdout}\n${r.stderr}`);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^isola env: cannot open the environment's database: the embedded PostgreSQL in .*[\\/]svc[\\/]db did not start: could not (write|extend) .*: No space left on device; free space on that disk, then try again\n$/);
  });
});
