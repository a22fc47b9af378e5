import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FULL_DISK_PRELOAD } from './fullDisk';

// A disk that fills while the CLI writes: a build, an unpack, the export job of the embedded
// environment and retrieve's download each say "no space left on device writing FILE" and exit
// 1, leave no temporary file, and replace nothing. The disk is full only for the paths a test
// names (fullDisk.ts: no mount, no root). The build and the export job ended in `internal
// error: ENOSPC` (exit 2) from an unhandled rejection, leaving `*.isolapkg.partial-*` and the
// history's temporary file; unpack and retrieve said `internal error` too.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `isola ARGS` in `cwd` on a disk with `room` bytes free for the paths `full` matches. */
function isola(args: string[], cwd: string, full?: { match: string; room: number }, env: NodeJS.ProcessEnv = {}) {
  const fill = full ? { NODE_OPTIONS: `--require=${FULL_DISK_PRELOAD}`, ISOLA_TEST_FULL_DISK: full.match, ISOLA_TEST_FULL_DISK_ROOM: String(full.room) } : {};
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...fill, ...env } });
  assert.equal(r.signal, null, `isola ${args.join(' ')} was killed (${r.signal}): it hung`);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('a full disk', () => {
  let base: string;
  let proj: string;
  let pkg: string;
  before(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'isola-cli-fulldisk-'));
    proj = path.join(base, 'proj');
    cpSync(path.join(REPO, 'examples/invoices'), proj, { recursive: true });
    // Enough records (4 MB) to outgrow the zip writer's buffers: the disk fills while they stream in.
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(JSON.stringify({ id: `id-${i}`, name: `Purpose ${i}`, accounting_code: `60.${i % 100}`, active: i % 2 === 0 }));
    writeFileSync(path.join(proj, 'data/payment_purposes.jsonl'), lines.join('\n') + '\n');
    mkdirSync(path.join(base, 'out'));
    pkg = path.join(base, 'out', 'invoices.isolapkg');
    const b = isola(['build', 'proj', '--package', 'invoices', '--data', 'all', '--out', pkg], base);
    assert.equal(b.code, 0, b.out + b.err);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('isola build: one line, exit 1, no partial file, the earlier package and the history as they were', () => {
    const earlier = readFileSync(pkg);
    const manifest = path.join(proj, 'invoices.isola.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"title": "Invoices"', '"title": "Invoices (edited)"'));
    const history = readFileSync(path.join(proj, 'isola.history.json'), 'utf8');
    const r = isola(['build', 'proj', '--package', 'invoices', '--data', 'all', '--out', pkg], base, { match: `^${escape(pkg)}\\.partial-`, room: 64 * 1024 });
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(r.err, `isola build: no space left on device writing ${path.join('out', 'invoices.isolapkg')}; nothing was written\n`);
    assert.deepEqual(readdirSync(path.join(base, 'out')), ['invoices.isolapkg']);
    assert.ok(readFileSync(pkg).equals(earlier), 'the earlier package is as it was');
    assert.equal(readFileSync(path.join(proj, 'isola.history.json'), 'utf8'), history);
    assert.deepEqual(readdirSync(proj).filter((f) => f.includes('.partial-')), [], 'no temporary history left');
  });

  it('isola unpack: one line naming the file, exit 1, the folder as it was', () => {
    const fresh = path.join(base, 'fresh');
    mkdirSync(fresh);
    const r = isola(['unpack', pkg, '--dir', 'fresh'], base, { match: `^${escape(fresh)}/`, room: 4096 });
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /^isola unpack: no space left on device writing fresh\/\S+; nothing was written: fresh is as it was \(the temporary files are removed\)\n$/);
    assert.deepEqual(readdirSync(fresh), []);
  });

  describe('with the embedded environment', () => {
    before(() => {
      const r = isola(['import', pkg, '--env', 'local'], proj);
      assert.equal(r.code, 0, r.out + r.err);
    });

    it('isola export: the export job fails in words, exit 1; the process lives to say so and nothing is left', { timeout: 180_000 }, () => {
      const packages = path.join(proj, '.isola', 'local', 'packages');
      const before = readdirSync(packages).sort();
      const out = path.join(base, 'exported.isolapkg');
      const r = isola(['export', '--package', 'invoices', '--kind', 'workspace', '--env', 'local', '--data', 'all', '--out', out], proj, { match: `^${escape(packages)}/j_[^/]*\\.partial-`, room: 16 * 1024 });
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, /^isola export: job j_\S+ failed: no space left on device writing the exported package in the environment's data folder; nothing was exported \(free space on its disk, then try again\)\n$/);
      assert.deepEqual(readdirSync(packages).sort(), before);
      assert.deepEqual(readdirSync(base).filter((f) => f.startsWith('exported')), []);
    });

    it('isola retrieve: a download into a full temporary folder says so, exit 1, and the project is as it was', { timeout: 180_000 }, () => {
      const tmp = path.join(base, 'tmp');
      mkdirSync(tmp);
      const data = readFileSync(path.join(proj, 'data/payment_purposes.jsonl'), 'utf8');
      const r = isola(['retrieve', '--package', 'invoices', '--kind', 'workspace', '--env', 'local', '--data', 'all'], proj, { match: `^${escape(tmp)}/`, room: 16 * 1024 }, { TMPDIR: tmp, TMP: tmp, TEMP: tmp });
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, new RegExp(`isola retrieve: the package could not be downloaded: no space left on device writing ${escape(tmp)}/isola-retrieve-\\w+/retrieved\\.isolapkg; nothing was written; nothing in \\. changed\\n$`));
      assert.deepEqual(readdirSync(tmp), [], 'the temporary folder is removed');
      assert.equal(readFileSync(path.join(proj, 'data/payment_purposes.jsonl'), 'utf8'), data);
    });
  });
});
