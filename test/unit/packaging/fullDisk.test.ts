import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { Database } from '../../../server/src/core/environment/db/database';
import { EnvError } from '../../../server/src/core/environment/errors';
import { PackageStore } from '../../../server/src/core/environment/packages';
import type { RecordLines } from '../../../server/src/core/packaging/dataChunks';
import { PACKAGE_FORMAT, FORMAT_VERSION } from '../../../server/src/core/packaging/format';
import { writePackage } from '../../../server/src/core/packaging/writer';
import { fillDisk } from '../fullDisk';

// A disk that fills while a package is written (a build, an export job, the editor's Build):
// the writer's promise rejects with the file system's error, it reads no more records, its
// temporary file is removed and an earlier package stays as it was. The failed write was an
// unhandled rejection that ended the process (a service with all its jobs) before the temporary
// file could be removed, and the writer went on reading every record.

const temporary: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'isola-fulldisk-'));
  temporary.push(d);
  return d;
};
after(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A package at `out` whose records come from `source`, as an export job's come from its database. */
function write(out: string, source: RecordLines) {
  return writePackage({
    out, cards: [], files: [], data: [{ app: 'sales.deals', source }],
    descriptor: {
      format: PACKAGE_FORMAT, formatVersion: FORMAT_VERSION, kind: 'workspace', code: 'sales', createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'tester', source: 'test', tool: { name: 'isola', version: '0' }, history: {}, options: { design: 'all', data: 'all' },
    },
  });
}

/** `n` records made as they are read; `pulled()` says how many were. */
function records(n: number): RecordLines & { pulled(): number } {
  let pulled = 0;
  async function* lines() {
    // Random-looking text: deflate keeps it near its size, so the zip writes while records stream in.
    for (let i = 0; i < n; i++, pulled++) yield JSON.stringify({ id: `d${i}`, note: Math.random().toString(36).repeat(4) });
  }
  return { lines: lines(), label: 'sales.deals', close: () => undefined, pulled: () => pulled };
}

describe('a package written to a full disk', () => {
  it('rejects with ENOSPC, stops reading records, removes its temporary file and keeps the earlier package', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const out = path.join(dir, 'sales.isolapkg');
    await write(out, records(1000));
    const earlier = readFileSync(out);
    const stray: unknown[] = [];
    const onStray = (e: unknown) => stray.push(e);
    process.on('unhandledRejection', onStray);
    const restore = fillDisk({ match: new RegExp(`^${escape(out)}\\.partial-`), room: 64 * 1024 });
    const many = records(1_000_000);
    try {
      await assert.rejects(write(out, many), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC' && e.syscall === 'write');
    } finally {
      restore();
    }
    await new Promise((r) => setImmediate(r));
    process.off('unhandledRejection', onStray);
    assert.deepEqual(stray, [], 'no rejection went unhandled');
    // It read (and compressed) every remaining record for nothing: an export's whole scope from its database.
    assert.ok(many.pulled() < 100_000, `${many.pulled()} records read after the disk was full`);
    assert.deepEqual(readdirSync(dir), ['sales.isolapkg']);
    assert.ok(readFileSync(out).equals(earlier), 'the earlier package is as it was');
  });
});

describe('an upload to a service whose disk is full', () => {
  it('is 507 no-space in words without the server\'s path, and no partial upload stays', async () => {
    const dir = tempDir();
    // The upload fails before anything is registered: the store never reaches its database.
    const store = new PackageStore(undefined as unknown as Database, dir, 1 << 30);
    const restore = fillDisk({ match: new RegExp(`^${escape(dir)}/upload_`), room: 1024 });
    try {
      await assert.rejects(store.upload(Readable.from([Buffer.alloc(64 * 1024, 1)]), () => undefined, 'admin'), (e: unknown) => {
        assert.ok(e instanceof EnvError, String(e));
        assert.equal(e.status, 507);
        assert.equal(e.reason, 'no-space');
        assert.equal(e.message, "no space left on device storing the upload in the environment's data folder; nothing was stored (free space on its disk, then try again)");
        return true;
      });
    } finally {
      restore();
    }
    assert.deepEqual(readdirSync(dir), []);
  });
});
