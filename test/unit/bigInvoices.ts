import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO, 'dist/cli.js');
/** Enough records that a job on them (an import, an export) takes a while: a signal lands while it runs. */
export const RECORDS = 60_000;

/**
 * The invoices example with `RECORDS` data records, built to `pkg`; its `local` environment is in
 * the project folder `dir`. `done` removes it all.
 */
export function bigPackage(prefix: string): { base: string; dir: string; pkg: string; done: () => void } {
  const base = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dir = path.join(base, 'proj');
  cpSync(path.join(REPO, 'examples/invoices'), dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < RECORDS; i++) lines.push(JSON.stringify({ id: `id-${i}`, name: `Purpose ${i}`, accounting_code: `60.${i % 100}`, active: i % 2 === 0 }));
  writeFileSync(path.join(dir, 'data/payment_purposes.jsonl'), lines.join('\n') + '\n');
  const pkg = path.join(base, 'big.isolapkg');
  const b = spawnSync(process.execPath, [CLI, 'build', dir, '--package', 'invoices', '--data', 'all', '--out', pkg], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stdout + b.stderr);
  return { base, dir, pkg, done: () => rmSync(base, { recursive: true, force: true }) };
}
