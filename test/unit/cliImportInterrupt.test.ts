import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { bigPackage, CLI, RECORDS } from './bigInvoices';

describe('isola import into local stopped by Ctrl+C', () => {
  it('cancels its job, waits for it, and says on stderr what the environment holds: rolled back, or committed', async () => {
    const p = bigPackage('isola-import-interrupt-');
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
