import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { bigPackage, CLI } from './bigInvoices';

// Ctrl+C or a kill while retrieve's or export's job runs on a `local` environment: the job is
// cancelled, nothing is written, and the temporary folder retrieve downloads into is removed.
// The process died of the signal before, leaving `isola-retrieve-*` in the temp folder.

interface Ended { code: number | null; signal: string | null; out: string; err: string }

/** Runs the CLI in `cwd` with its own TMPDIR, and sends `signals` (one after another) once the export job has started. */
function interrupted(args: string[], cwd: string, tmp: string, signals: NodeJS.Signals[]): Promise<Ended & { sent: boolean }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let sent = false;
  child.stderr.on('data', (b) => (err += b));
  child.stdout.on('data', (b) => {
    out += b;
    if (!sent && /^Export job \S+:$/m.test(out)) {
      sent = true;
      for (const s of signals) child.kill(s);
    }
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err, sent })));
}

describe('isola retrieve and export from local stopped during the export job', () => {
  let p: ReturnType<typeof bigPackage>;
  let data: string;
  let n = 0;
  const privateTmp = () => {
    const tmp = path.join(p.base, `tmp-${n++}`);
    mkdirSync(tmp);
    return tmp;
  };
  before(() => {
    p = bigPackage('isola-retrieve-interrupt-');
    const imported = spawnSync(process.execPath, [CLI, 'import', p.pkg, '--env', 'local'], { cwd: p.dir, encoding: 'utf8' });
    assert.equal(imported.status, 0, imported.stdout + imported.stderr);
    data = readFileSync(path.join(p.dir, 'data/payment_purposes.jsonl'), 'utf8');
  });
  after(() => p?.done());

  const RETRIEVE = ['retrieve', '--package', 'invoices', '--kind', 'workspace', '--env', 'local', '--data', 'all'];
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`retrieve: ${signal} cancels the job, leaves no isola-retrieve-* folder and ends with ${status}`, { timeout: 120_000 }, async () => {
      const tmp = privateTmp();
      const r = await interrupted(RETRIEVE, p.dir, tmp, [signal]);
      assert.ok(r.sent, r.out + r.err);
      assert.equal(r.signal, null, 'it ends by itself, not by the signal');
      assert.equal(r.code, status, r.out + r.err);
      assert.equal(r.err, 'isola retrieve: interrupted before the unpack; nothing in . changed (an export job still running was cancelled)\n');
      assert.deepEqual(readdirSync(tmp), []);
      assert.equal(readFileSync(path.join(p.dir, 'data/payment_purposes.jsonl'), 'utf8'), data);
    });
  }

  it('retrieve: a second Ctrl+C ends it at once, and the folder goes all the same', { timeout: 120_000 }, async () => {
    const tmp = privateTmp();
    const r = await interrupted(RETRIEVE, p.dir, tmp, ['SIGINT', 'SIGINT']);
    assert.equal(r.signal, null, 'it ends by itself, not by the signal');
    assert.equal(r.code, 130, r.out + r.err);
    assert.deepEqual(readdirSync(tmp), []);
  });

  it('export: Ctrl+C cancels the job and writes nothing, no partial file beside --out either', { timeout: 120_000 }, async () => {
    const tmp = privateTmp();
    const out = path.join(p.base, 'exported');
    mkdirSync(out);
    const r = await interrupted(['export', '--package', 'invoices', '--kind', 'workspace', '--env', 'local', '--data', 'all', '--out', path.join(out, 'x.isolapkg')], p.dir, tmp, ['SIGINT']);
    assert.equal(r.signal, null, 'it ends by itself, not by the signal');
    assert.equal(r.code, 130, r.out + r.err);
    assert.match(r.err, /^isola export: interrupted; nothing was written to .*x\.isolapkg/);
    assert.deepEqual(readdirSync(out), []);
  });
});
