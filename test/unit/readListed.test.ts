import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readManifestFile } from '../../server/src/core/manifest/host';

/**
 * A manifest the listing saw as a regular file is read by one native call; whatever is there by
 * the time it is read (a FIFO, a link to a device, a folder, bytes that are not UTF-8) must still
 * be read as the careful way reads it: never blocking, never endless, reported the same way.
 */
describe('reading a manifest the listing saw as a regular file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-read-listed-'));
  const at = (name: string) => path.join(dir, `${name}.isola.json`);

  it('gives the text without a byte order mark, and keeps a real U+FFFD without a problem', () => {
    fs.writeFileSync(at('bom'), '\ufeff{"kind":"app"}');
    fs.writeFileSync(at('fffd'), '{"title":"\ufffd"}');
    assert.deepEqual(readManifestFile(at('bom'), true), { text: '{"kind":"app"}' });
    assert.deepEqual(readManifestFile(at('fffd'), true), { text: '{"title":"\ufffd"}' });
  });

  it('reports bytes that are not UTF-8 where they stand', () => {
    fs.writeFileSync(at('latin1'), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]));
    const read = readManifestFile(at('latin1'), true);
    assert.match(read?.problem?.error.message ?? '', /not valid UTF-8: byte 0xE9 at byte offset 6/);
  });

  it('refuses what is no longer a regular file, without blocking or reading for ever', (t) => {
    fs.mkdirSync(at('folder'));
    assert.match(readManifestFile(at('folder'), true)?.problem?.error.message ?? '', /it is a folder/);
    if (fs.existsSync('/dev/zero')) {
      fs.symlinkSync('/dev/zero', at('zero'));
      assert.match(readManifestFile(at('zero'), true)?.problem?.error.message ?? '', /it is a device/);
    }
    if (spawnSync('mkfifo', [at('pipe')]).status !== 0) return t.skip('no mkfifo here');
    assert.match(readManifestFile(at('pipe'), true)?.problem?.error.message ?? '', /it is a FIFO/);
  });
});
