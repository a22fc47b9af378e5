import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { centralDirectory } from '../../../server/src/core/packaging/centralDirectory';
import { packBuffer } from '../../../server/src/core/packaging/entryPack';
import { ZipOut } from '../../../server/src/core/packaging/zipOut';

const CONTENT: Record<string, Buffer> = {
  'small.txt': Buffer.from('hello'),
  'text/prose.txt': Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(50)),
  'blank.txt': Buffer.alloc(1_200_000, ' '),
  'names/é ✓.json': Buffer.from('{"a":1}\n'),
};

/** Writes CONTENT as the package writer packs entries (over 64 bytes deflated; one that would expand like a bomb with its start stored). */
async function write(file: string, zip64: boolean): Promise<void> {
  const out = createWriteStream(file);
  const zip = new ZipOut(out, new Date('2025-01-02T03:04:05Z'), zip64);
  for (const [name, data] of Object.entries(CONTENT)) await zip.add(await packBuffer(name, data, data.length > 64));
  await zip.end();
  await finished(out);
}

/** Every entry's name, method, ZIP64-ness and content, as yauzl reads it (CRC and sizes checked). */
async function readBack(file: string): Promise<Map<string, { method: number; content: Buffer }>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (e, z) => (e ? reject(e) : resolve(z!))));
  const out = new Map<string, { method: number; content: Buffer }>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject).on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, async (e, s) => {
        if (e) return reject(e);
        const parts: Buffer[] = [];
        for await (const b of s!) parts.push(b as Buffer);
        out.set(entry.fileName, { method: entry.compressionMethod, content: Buffer.concat(parts) });
        zip.readEntry();
      });
    });
    zip.readEntry();
  });
  zip.close();
  return out;
}

const has = (tool: string, arg: string) => spawnSync(tool, [arg], { encoding: 'utf8' }).error === undefined;

describe('the zip writer', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'isola-zipout-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const zip64 of [false, true]) {
    it(`writes entries yauzl, unzip and Python read back, each as packed${zip64 ? ' (with ZIP64 fields everywhere)' : ''}`, async (t) => {
      const file = path.join(dir, `z${zip64 ? 64 : 32}.zip`);
      await write(file, zip64);
      const got = await readBack(file);
      assert.deepEqual([...got.keys()], Object.keys(CONTENT));
      for (const [name, data] of Object.entries(CONTENT)) assert.deepEqual(got.get(name)!.content, data, name);
      assert.deepEqual([...got.values()].map((e) => e.method), [0, 8, 8, 0], 'small entries stored; the prose deflated, and the bomb-like entry with its start kept as it is');
      // The reader's own walk of the central directory (packages held in memory) sees the same entries where yauzl does.
      const bytes = readFileSync(file);
      const walked: [string, number, number, number][] = [];
      const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: false }, (e, z) => (e ? reject(e) : resolve(z!))));
      assert.ok(centralDirectory(bytes, zip, (e) => walked.push([(e.fileName as unknown as Buffer).toString('utf8'), e.uncompressedSize, e.compressedSize, e.relativeOffsetOfLocalHeader])));
      zip.close();
      assert.deepEqual(walked.map((w) => [w[0], w[1]]), Object.entries(CONTENT).map(([n, d]) => [n, d.length]));
      assert.equal(walked[3][3], bytes.indexOf(Buffer.from('names/é ✓.json')) - 30, 'the offset of the last local header');
      if (has('unzip', '-v')) {
        // In the C locale unzip flags every non-ASCII name (yazl's zips too): it is asked in UTF-8.
        const r = spawnSync('unzip', ['-tq', file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
        assert.equal(r.status, 0, r.stdout + r.stderr);
      } else t.diagnostic('unzip is not installed');
      if (has('python3', '--version')) {
        const py = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.testzip(), len(z.namelist()), z.infolist()[0].date_time)';
        const r = spawnSync('python3', ['-c', py, file], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^None 4 \(2025, 1, \d+, \d+, \d+, \d+\)/);
      } else t.diagnostic('python3 is not installed');
    });
  }
});
