import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeStalePartials } from '../../server/src/core/exclusiveWrite';

// A build, unpack or download killed mid-write (SIGKILL, a crash) leaves its temporary file,
// named `FILE.partial-<pid>-<hex>`, which nothing removed: fifteen killed builds left thirteen
// histories' temporary files in the project and thirteen partial packages beside the output.
// The next write of the same file removes those whose process is gone, and never one a live
// process is writing; `isola init`'s .gitignore keeps them out of commits meanwhile.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const temporary: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'isola-stale-'));
  temporary.push(d);
  return d;
};
const live: ReturnType<typeof spawn>[] = [];
after(() => {
  for (const p of live) p.kill();
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
/** The pid of a process that runs until the tests end. */
function livePid(): number {
  const p = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
  live.push(p);
  return p.pid!;
}
const hex = () => Math.random().toString(16).slice(2, 14).padEnd(12, '0');

describe('temporary files a killed writer left', () => {
  it('go when their process is gone; a live process\'s, another file\'s and anything not a file stay', async () => {
    const dir = tempDir();
    const [dead, alive] = [deadPid(), livePid()];
    const names = {
      dead: `a.isolapkg.partial-${dead}-${hex()}`,
      deadOldForm: `a.isolapkg.partial-${dead}-1767225600000`,
      alive: `a.isolapkg.partial-${alive}-${hex()}`,
      other: `b.isolapkg.partial-${dead}-${hex()}`,
      pidlessNew: `a.isolapkg.unpack-${hex()}`,
      pidlessOld: `a.isolapkg.history-${hex()}`,
      folder: `a.isolapkg.partial-${dead}-${hex()}`,
    };
    for (const [k, n] of Object.entries(names)) if (k !== 'folder') writeFileSync(path.join(dir, n), 'x');
    mkdirSync(path.join(dir, names.folder));
    // Written by an earlier version, without a pid: gone only once untouched for a day.
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(path.join(dir, names.pidlessOld), twoDaysAgo, twoDaysAgo);
    await removeStalePartials(dir, new Set(['a.isolapkg']));
    assert.deepEqual(readdirSync(dir).sort(), [names.alive, names.other, names.pidlessNew, names.folder].sort());
  });

  it('isola build killed mid-write leaves them named with its pid; the next build removes them and leaves a live build\'s', { timeout: 120_000 }, async () => {
    const base = tempDir();
    const proj = path.join(base, 'proj');
    cpSync(path.join(REPO, 'examples/invoices'), proj, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(JSON.stringify({ id: `id-${i}`, name: `Purpose ${i}`, accounting_code: `60.${i % 100}` }));
    writeFileSync(path.join(proj, 'data/payment_purposes.jsonl'), lines.join('\n') + '\n');
    const out = path.join(base, 'out', 'invoices.isolapkg');
    const args = [CLI, 'build', proj, '--package', 'invoices', '--data', 'all', '--out', out];
    mkdirSync(path.dirname(out));
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const partials = (d: string) => readdirSync(d).filter((f) => f.includes('.partial-'));
    const deadline = Date.now() + 60_000;
    while (!partials(path.dirname(out)).length) {
      assert.ok(Date.now() < deadline && child.exitCode === null, 'the build never started writing');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const pid = child.pid!;
    assert.deepEqual(partials(path.dirname(out)).map((f) => f.replace(/[0-9a-f]{12}$/, 'HEX')), [`invoices.isolapkg.partial-${pid}-HEX`]);
    // The history is written only once the package is complete (under its lock): none yet. One a
    // build killed at that point left is as stale.
    assert.deepEqual(partials(proj), []);
    writeFileSync(path.join(proj, `isola.history.json.partial-${pid}-${hex()}`), 'x');

    // Another build of the same file, still running (its pid is alive): its files are not touched.
    const running = livePid();
    const othersPackage = path.join(path.dirname(out), `invoices.isolapkg.partial-${running}-${hex()}`);
    const othersHistory = path.join(proj, `isola.history.json.partial-${running}-${hex()}`);
    writeFileSync(othersPackage, 'x');
    writeFileSync(othersHistory, 'x');
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(partials(path.dirname(out)), [path.basename(othersPackage)]);
    assert.deepEqual(partials(proj), [path.basename(othersHistory)]);
  });

  it('isola unpack removes those a killed unpack left beside the files it writes', () => {
    const base = tempDir();
    const pkg = path.join(base, 'invoices.isolapkg');
    const b = spawnSync(process.execPath, [CLI, 'build', path.join(REPO, 'examples/invoices'), '--package', 'invoices', '--out', pkg], { encoding: 'utf8', cwd: base });
    assert.equal(b.status, 0, b.stdout + b.stderr);
    const into = path.join(base, 'into');
    mkdirSync(path.join(into, 'invoices'), { recursive: true });
    const stale = [`invoices/invoices.isola.json.partial-${deadPid()}-${hex()}`, `isola.history.json.partial-${deadPid()}-${hex()}`];
    for (const f of stale) writeFileSync(path.join(into, f), 'x');
    const r = spawnSync(process.execPath, [CLI, 'unpack', pkg, '--dir', into], { encoding: 'utf8', cwd: base });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(existsSync(path.join(into, 'invoices/invoices.isola.json')));
    for (const d of [into, path.join(into, 'invoices')]) assert.deepEqual(readdirSync(d).filter((f) => f.includes('.partial-')), [], d);
  });

  it('isola init\'s .gitignore keeps them out of commits', (t) => {
    if (spawnSync('git', ['--version']).status !== 0) return t.skip('no git');
    const dir = tempDir();
    const init = spawnSync(process.execPath, [CLI, 'init', '--code', 'sales'], { encoding: 'utf8', cwd: dir });
    assert.equal(init.status, 0, init.stdout + init.stderr);
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    const names = [`isola.history.json.partial-123-${hex()}`, `sales-0.1.0.isolapkg.partial-123-${hex()}`, `sales.isola.json.partial-123-${hex()}`];
    const r = spawnSync('git', ['check-ignore', ...names], { cwd: dir, encoding: 'utf8' });
    assert.deepEqual(r.stdout.split('\n').filter(Boolean), names);
  });
});
