import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileHost } from '../../server/src/core/manifest/host';
import { loadProject } from '../../server/src/core/manifest/project';
import { acquireLock } from '../../server/src/core/ownedFile';
import { buildPackage } from '../../server/src/core/packaging/builder';
import type { History } from '../../server/src/core/packaging/format';
import { HISTORY_LOCK, readHistoryFile } from '../../server/src/core/packaging/historyFile';
import { PackageReader } from '../../server/src/core/packaging/reader';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const TOOL = { name: 'isola', version: 'test' };

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A project of `n` workspaces `ws0`..., each with one counter whose title is `title`, sharing the root's history. */
function project(n: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-history-lock-'));
  temporary.push(dir);
  writeFileSync(path.join(dir, 'isola.config.json'), '{ "environments": {} }\n');
  for (let i = 0; i < n; i++) retitle(dir, `ws${i}`, 'C0');
  return dir;
}

function retitle(dir: string, ws: string, title: string): void {
  mkdirSync(path.join(dir, ws), { recursive: true });
  writeFileSync(path.join(dir, ws, `${ws}.isola.json`), JSON.stringify({
    kind: 'workspace', code: ws, title: 'W', version: '1.0.0', platform: '2024.4', languages: ['en'],
    counters: [{ code: 'c', title, format: '{000}', start: 1 }],
  }, null, 2) + '\n');
}

/** The hash of `id` a package carries. */
async function carried(file: string, id: string): Promise<string> {
  const r = await PackageReader.open(file);
  try {
    const list = r.descriptor.history[id];
    return list[list.length - 1].hash;
  } finally {
    r.close();
  }
}

function hashesOf(history: History, id: string): string[] {
  return (history[id] ?? []).map((e) => e.hash);
}

/** A process id that no process has now: one that has just ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('builds of one project at the same time', () => {
  it('each keep the versions the others record: the history is read again under its lock when the build writes it', async () => {
    const n = 6;
    const dir = project(n);
    // Both read the history before either writes, as two builds started together do.
    for (let i = 0; i < n; i++) retitle(dir, `ws${i}`, `C1-${i}`);
    const loaded = await loadProject(dir, nodeFileHost);
    const stale = await readHistoryFile(dir);
    await Promise.all(Array.from({ length: n }, (_, i) => buildPackage({
      project: loaded, pkg: loaded.packages.find((p) => p.code === `ws${i}`)!, out: path.join(dir, `ws${i}.isolapkg`),
      history: stale, historyDir: dir, tool: TOOL,
    })));
    const history = await readHistoryFile(dir);
    for (let i = 0; i < n; i++) {
      const want = await carried(path.join(dir, `ws${i}.isolapkg`), `ws${i}.c`);
      assert.deepEqual(hashesOf(history, `ws${i}.c`), [want], `ws${i}.c's version is in the history`);
    }
    assert.ok(!existsSync(path.join(dir, HISTORY_LOCK)), 'the lock is gone');
  });

  it('isola build in parallel processes: every package\'s new version is in isola.history.json', async () => {
    const n = 4;
    const dir = project(n);
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < n; i++) retitle(dir, `ws${i}`, `C${round}-${i}`);
      const runs = Array.from({ length: n }, (_, i) => new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'build', '.', '--package', `ws${i}`, '--out', `ws${i}.isolapkg`, '--force'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (b) => (err += b));
        child.on('exit', (code) => resolve({ code, err }));
      }));
      for (const r of await Promise.all(runs)) assert.equal(r.code, 0, r.err);
      const history = await readHistoryFile(dir);
      for (let i = 0; i < n; i++) {
        const want = await carried(path.join(dir, `ws${i}.isolapkg`), `ws${i}.c`);
        assert.equal(hashesOf(history, `ws${i}.c`).length, round, `round ${round}: ws${i}.c has every version`);
        assert.equal(hashesOf(history, `ws${i}.c`).at(-1), want, `round ${round}: ws${i}.c's new version is the last`);
      }
    }
  });

  it('a build waits while another process updates the history, then adds its version to what that one wrote', async () => {
    const dir = project(1);
    retitle(dir, 'ws0', 'C1');
    // Another update under way: it read the history and holds the lock.
    const lock = await acquireLock(path.join(dir, HISTORY_LOCK));
    const before = await readHistoryFile(dir);
    const child = spawn(process.execPath, [CLI, 'build', '.', '--package', 'ws0', '--out', 'ws0.isolapkg'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const early = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 2500))]);
    assert.equal(early, false, `the build did not wait for the lock: ${out}`);
    writeFileSync(path.join(dir, 'isola.history.json'), JSON.stringify({ ...before, 'other.x': [{ hash: 'h-other', at: '2026-01-01T00:00:00.000Z' }] }, null, 2) + '\n');
    await lock.release();
    assert.equal(await exited, 0, out);
    const history = await readHistoryFile(dir);
    assert.deepEqual(hashesOf(history, 'other.x'), ['h-other'], 'the other update\'s version stays');
    assert.deepEqual(hashesOf(history, 'ws0.c'), [await carried(path.join(dir, 'ws0.isolapkg'), 'ws0.c')]);
  });

  it('isola unpack waits for the lock too, and merges the package\'s history into what the other update wrote', async () => {
    const dir = project(1);
    const pkg = path.join(dir, 'ws0.isolapkg');
    assert.equal(spawnSync(process.execPath, [CLI, 'build', '.', '--package', 'ws0', '--out', pkg], { cwd: dir }).status, 0);
    const into = mkdtempSync(path.join(os.tmpdir(), 'isola-history-lock-into-'));
    temporary.push(into);
    writeFileSync(path.join(into, 'isola.config.json'), '{ "environments": {} }\n');
    const lock = await acquireLock(path.join(into, HISTORY_LOCK));
    const child = spawn(process.execPath, [CLI, 'unpack', pkg, '--dir', into], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const early = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 2500))]);
    assert.equal(early, false, `the unpack did not wait for the lock: ${out}`);
    writeFileSync(path.join(into, 'isola.history.json'), JSON.stringify({ 'other.x': [{ hash: 'h-other', at: '2026-01-01T00:00:00.000Z' }] }, null, 2) + '\n');
    await lock.release();
    assert.equal(await exited, 0, out);
    const history = await readHistoryFile(into);
    assert.deepEqual(hashesOf(history, 'other.x'), ['h-other'], 'the other update\'s version stays');
    assert.deepEqual(hashesOf(history, 'ws0.c'), [await carried(pkg, 'ws0.c')]);
  });

  it('takes over a lock whose process is gone, and one left half-written long ago', async () => {
    const dir = project(1);
    const lockFile = path.join(dir, HISTORY_LOCK);
    writeFileSync(lockFile, JSON.stringify({ owner: { pid: deadPid(), host: os.hostname(), token: 'gone' } }) + '\n');
    const started = Date.now();
    const r = spawnSync(process.execPath, [CLI, 'build', '.', '--package', 'ws0', '--out', 'ws0.isolapkg'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(Date.now() - started < 20_000, 'not after waiting for the lock to time out');
    assert.deepEqual(hashesOf(await readHistoryFile(dir), 'ws0.c'), [await carried(path.join(dir, 'ws0.isolapkg'), 'ws0.c')]);
    assert.ok(!existsSync(lockFile), 'the lock is gone');

    // A process killed while it wrote its lock left it empty: taken over once it is old.
    writeFileSync(lockFile, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile, old, old);
    const held = await acquireLock(lockFile, 1000);
    assert.match(readFileSync(lockFile, 'utf8'), new RegExp(`"pid":${process.pid}`));
    await held.release();
    assert.ok(!existsSync(lockFile));
  });
});
