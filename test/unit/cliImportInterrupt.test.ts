import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const RECORDS = 60_000;

/** The invoices example with many data records, built; its `local` environment is in the project folder. */
function bigPackage(): { dir: string; pkg: string; done: () => void } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'isola-import-interrupt-'));
  const dir = path.join(base, 'proj');
  cpSync(path.join(REPO, 'examples/invoices'), dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < RECORDS; i++) lines.push(JSON.stringify({ id: `id-${i}`, name: `Purpose ${i}`, accounting_code: `60.${i % 100}`, active: i % 2 === 0 }));
  writeFileSync(path.join(dir, 'data/payment_purposes.jsonl'), lines.join('\n') + '\n');
  const pkg = path.join(base, 'big.isolapkg');
  const b = spawnSync(process.execPath, [CLI, 'build', dir, '--package', 'invoices', '--data', 'all', '--out', pkg], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stdout + b.stderr);
  return { dir, pkg, done: () => rmSync(base, { recursive: true, force: true }) };
}

describe('isola import into local stopped by Ctrl+C', () => {
  it('cancels its job, waits for it, and says on stderr what the environment holds: rolled back, or committed', async () => {
    const p = bigPackage();
    try {
      const child = spawn(process.execPath, [CLI, 'import', p.pkg, '--env', 'local'], { cwd: p.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let sent = false;
      child.stderr.on('data', (b) => (err += b));
      child.stdout.on('data', (b) => {
        out += b;
        // Ctrl+C as soon as the job has started.
        if (!sent && /^Import job \S+:$/m.test(out)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      assert.ok(sent, out + err);
      assert.equal(signal, null, 'it ends by itself, not by the signal');
      assert.equal(code, 130, out + err);
      const job = /^Import job (\S+):$/m.exec(out)![1];
      const plan = spawnSync(process.execPath, [CLI, 'import', p.pkg, '--env', 'local', '--dry-run', '--format', 'json'], { cwd: p.dir, encoding: 'utf8' });
      const existing = (JSON.parse(plan.stdout).plan.data as { existing: number }[])[0].existing;
      // Which of the two it was depends on when the signal came; what it says must be what happened.
      if (/rolled back/.test(err)) {
        assert.equal(err, `isola import: interrupted: job ${job} was cancelled and rolled back; nothing changed in local\n`);
        assert.equal(existing, 0, 'nothing was imported');
      } else {
        assert.equal(err, `isola import: interrupted, but the import had been committed: job ${job} finished and local holds the package\n`);
        assert.equal(existing, RECORDS);
      }
    } finally {
      p.done();
    }
  });
});
