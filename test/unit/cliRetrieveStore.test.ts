import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, REPO } from './bigInvoices';

// Retrieve and export from `local` hand the package over: the environment keeps no copy. Every
// retrieve left one in .isola/local/packages (2.6 MB each for the invoices example with its data),
// even when nothing had changed, and nothing ever removed them.

const isola = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

/** The files of a folder with their sizes. */
const listing = (dir: string) => readdirSync(dir).sort().map((f) => `${f} ${statSync(path.join(dir, f)).size}`);

describe('retrieve and export from local', () => {
  let base: string;
  let dir: string;
  before(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'isola-retrieve-store-'));
    dir = path.join(base, 'proj');
    cpSync(path.join(REPO, 'examples/invoices'), dir, { recursive: true });
    const pkg = path.join(base, 'invoices.isolapkg');
    assert.equal(isola(['build', dir, '--package', 'invoices', '--data', 'all', '--out', pkg], dir).status, 0);
    const r = isola(['import', pkg], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('leave the environment\'s packages folder as it was, however often they run', { timeout: 300_000 }, () => {
    const store = path.join(dir, '.isola', 'local', 'packages');
    const before = listing(store);
    for (let i = 0; i < 3; i++) {
      const r = isola(['retrieve', '--package', 'invoices', '--data', 'all', '--dir', path.join(base, 'ret')], dir);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
    assert.ok(statSync(path.join(base, 'ret', 'invoices', 'invoices.isola.json')).isFile());
    const out = path.join(base, 'exported.isolapkg');
    const e = isola(['export', '--package', 'invoices', '--data', 'all', '--out', out], dir);
    assert.equal(e.status, 0, e.stdout + e.stderr);
    assert.deepEqual(listing(store), before);

    // The package it handed over is whole: it imports back as the environment holds it.
    const back = isola(['import', out, '--dry-run'], dir);
    assert.equal(back.status, 0, back.stdout + back.stderr);
    assert.match(back.stdout, /0 create, 0 update, 0 conflict, \d+ unchanged/);
  });
});
