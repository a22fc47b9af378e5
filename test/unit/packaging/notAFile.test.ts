import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NotAFileError } from '../../../server/src/core/exclusiveWrite';
import { translator } from '../../../server/src/core/l10n';
import { PACKAGE_FORMAT, FORMAT_VERSION } from '../../../server/src/core/packaging/format';
import { writePackage } from '../../../server/src/core/packaging/writer';

// The package writer every front end uses (the CLI's build and export, the editor's Build and
// Export, retrieve) replaces a file only: a named pipe, a folder or a device at the target is
// refused and left as it was. A pipe replaced by a file broke whatever read it; `/dev/null`
// replaced as root broke the machine.

const temporary: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'isola-notfile-'));
  temporary.push(d);
  return d;
};
after(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

const write = (out: string) => writePackage({
  out, cards: [], files: [], data: [],
  descriptor: {
    format: PACKAGE_FORMAT, formatVersion: FORMAT_VERSION, kind: 'workspace', code: 'sales', createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'tester', source: 'test', tool: { name: 'isola', version: '0' }, history: {}, options: { design: 'all', data: 'none' },
  },
});

describe('writing a package where something other than a file is', { skip: process.platform === 'win32' && 'no named pipes in the file system' }, () => {
  it('a named pipe is refused, stays a pipe, and nothing is left beside it', { timeout: 20_000 }, async () => {
    const dir = tempDir();
    const out = path.join(dir, 'sales.isolapkg');
    assert.equal(spawnSync('mkfifo', [out]).status, 0);
    await assert.rejects(write(out), (e: unknown) => {
      assert.ok(e instanceof NotAFileError, String(e));
      assert.equal(e.message, `${out} is a named pipe, not a file; only a file is replaced, so nothing was written (choose a file name)`);
      assert.match(e.say(translator('ru'), 'sales.isolapkg'), /^sales\.isolapkg — именованный канал, а не файл/);
      return true;
    });
    assert.ok(lstatSync(out).isFIFO(), 'the pipe was replaced');
    assert.deepEqual(readdirSync(dir), ['sales.isolapkg']);
  });

  it('a link to a named pipe is refused too, the link left as it was', { timeout: 20_000 }, async () => {
    const dir = tempDir();
    const pipe = path.join(dir, 'pipe');
    assert.equal(spawnSync('mkfifo', [pipe]).status, 0);
    symlinkSync(pipe, path.join(dir, 'sales.isolapkg'));
    await assert.rejects(write(path.join(dir, 'sales.isolapkg')), NotAFileError);
    assert.ok(lstatSync(path.join(dir, 'sales.isolapkg')).isSymbolicLink());
    assert.ok(lstatSync(pipe).isFIFO());
  });

  it('a folder is refused as a folder', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'sales.isolapkg'));
    await assert.rejects(write(path.join(dir, 'sales.isolapkg')), /sales\.isolapkg is a folder, not a file/);
    assert.deepEqual(readdirSync(dir), ['sales.isolapkg']);
  });

  it('a file is replaced, and a link to a missing file too', async () => {
    const dir = tempDir();
    symlinkSync(path.join(dir, 'gone'), path.join(dir, 'sales.isolapkg'));
    await write(path.join(dir, 'sales.isolapkg'));
    assert.ok(lstatSync(path.join(dir, 'sales.isolapkg')).isFile());
    await write(path.join(dir, 'sales.isolapkg'));
    assert.deepEqual(readdirSync(dir), ['sales.isolapkg']);
  });
});
