import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileExclusive } from '../../server/src/core/exclusiveWrite';

// A file replaced by a temporary file and a rename keeps its permissions: a private manifest or
// history edited in place by unpack or build must not become readable by everyone.

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const temporary: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'isola-mode-'));
  temporary.push(d);
  return d;
};
after(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});
const mode = (file: string) => statSync(file).mode & 0o777;
const posix = process.platform !== 'win32';

describe('replacing a file keeps its mode', { skip: !posix && 'modes are POSIX' }, () => {
  it('a 0600 file stays 0600, a 0755 one 0755', async () => {
    const dir = tempDir();
    for (const m of [0o600, 0o755, 0o640]) {
      const file = path.join(dir, `f${m.toString(8)}.json`);
      writeFileSync(file, 'old');
      chmodSync(file, m);
      await writeFileExclusive(file, 'new');
      assert.equal(readFileSync(file, 'utf8'), 'new');
      assert.equal(mode(file), m, file);
    }
  });

  it('a link at the target lends the new file nothing: it gets the default mode', async () => {
    const dir = tempDir();
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'VICTIM');
    chmodSync(victim, 0o700);
    symlinkSync(victim, path.join(dir, 'out.json'));
    await writeFileExclusive(path.join(dir, 'out.json'), 'new');
    assert.equal(mode(victim), 0o700);
    assert.equal(readFileSync(victim, 'utf8'), 'VICTIM');
    assert.equal(mode(path.join(dir, 'out.json')), 0o666 & ~process.umask());
  });

  it('isola build keeps a private history private, and a private package it replaces', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'sales.isola.json'), '{"kind": "workspace", "code": "sales", "version": "1.0.0"}');
    const build = () => spawnSync(process.execPath, [CLI, 'build', '--package', 'sales', '--out', 'sales.isolapkg'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(build().status, 0);
    chmodSync(path.join(dir, 'isola.history.json'), 0o600);
    chmodSync(path.join(dir, 'sales.isolapkg'), 0o600);
    writeFileSync(path.join(dir, 'sales.isola.json'), '{"kind": "workspace", "code": "sales", "version": "1.0.1", "title": "Sales"}');
    const r = build();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(mode(path.join(dir, 'isola.history.json')), 0o600);
    assert.equal(mode(path.join(dir, 'sales.isolapkg')), 0o600);
  });
});
