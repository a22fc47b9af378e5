/**
 * Entries inflated ahead in a worker (inflateAhead.ts) must be exactly what reading them one by
 * one gives, and a damaged entry must fail at its turn with the same message.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as yauzl from 'yauzl';
import { centralDirectory } from '../../../server/src/core/packaging/centralDirectory';
import { inflateAhead } from '../../../server/src/core/packaging/inflateAhead';
import { inflateFromMemory } from '../../../server/src/core/packaging/inMemory';
import { dataOffset, entriesAhead, locate, setUncompressedSize, writeZip } from './hostile';

type Outcome = { contents: string[]; error?: string };

async function entriesOf(buf: Buffer): Promise<{ name: string; entry: yauzl.Entry }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  const out: { name: string; entry: yauzl.Entry }[] = [];
  centralDirectory(buf, zip, (entry) => out.push({ name: (entry.fileName as unknown as Buffer).toString('utf8'), entry }));
  return out;
}

async function ahead(buf: Buffer, workerMin: number): Promise<Outcome> {
  const contents: string[] = [];
  try {
    for await (const b of entriesAhead(inflateAhead(buf, await entriesOf(buf), 1 << 20, { workerMin }))) contents.push(b.data.toString('utf8'));
    return { contents };
  } catch (e) {
    return { contents, error: (e as Error).message };
  }
}

async function oneByOne(buf: Buffer): Promise<Outcome> {
  const contents: string[] = [];
  try {
    for (const { name, entry } of await entriesOf(buf)) contents.push(inflateFromMemory(buf, entry, name, 1 << 20).toString('utf8'));
    return { contents };
  } catch (e) {
    return { contents, error: (e as Error).message };
  }
}

describe('entries inflated ahead in a worker', () => {
  let dir: string;
  let zip: Buffer;
  const names = Array.from({ length: 40 }, (_, i) => `design/ws.c${i}.card.json`);
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'isola-ahead-'));
    const file = path.join(dir, 'a.zip');
    await writeZip(file, [
      ...names.map((name, i) => ({ name, data: JSON.stringify({ id: `ws.c${i}`, text: 'x'.repeat(i * 37) }) })),
      { name: 'scripts/s.ts', data: 'export {};\n', compress: false },
      { name: 'design/empty.card.json', data: '' },
    ]);
    zip = await fs.readFile(file);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const cases: { title: string; damage: (b: Buffer) => void; refused?: RegExp }[] = [
    { title: 'intact entries, deflated, stored and empty', damage: () => undefined },
    { title: 'deflated data that is not deflate', damage: (b) => b.fill(0xff, dataOffset(b, names[25]), dataOffset(b, names[25]) + 4), refused: /^design\/ws\.c25\.card\.json: damaged entry \(.+\)$/ },
    { title: 'an entry larger than it says', damage: (b) => setUncompressedSize(b, names[30], 10), refused: /^design\/ws\.c30\.card\.json: damaged entry \(.+\)$/ },
    { title: 'an entry smaller than it says', damage: (b) => setUncompressedSize(b, names[3], 5000), refused: /^design\/ws\.c3\.card\.json: damaged entry \(expected 5000 bytes, got \d+\)$/ },
    { title: 'no local header where the directory says', damage: (b) => b.writeUInt32LE(0, locate(b).find((e) => e.name === names[12])!.local), refused: /^design\/ws\.c12\.card\.json: damaged entry \(no local file header/ },
  ];
  for (const c of cases) {
    it(`${c.title}: the same content and the same refusal as reading one by one`, async () => {
      const buf = Buffer.from(zip);
      c.damage(buf);
      const want = await oneByOne(buf);
      const inWorker = await ahead(buf, 0);
      const here = await ahead(buf, Infinity);
      // As a package read whole is held: in memory the worker shares, here not at its start.
      const shared = Buffer.from(new SharedArrayBuffer(buf.length + 7), 7, buf.length);
      buf.copy(shared);
      const inWorkerShared = await ahead(shared, 0);
      assert.deepEqual(inWorker, want);
      assert.deepEqual(here, want);
      assert.deepEqual(inWorkerShared, want);
      if (c.refused) assert.match(want.error ?? '', c.refused);
      else assert.equal(want.contents.length, names.length + 2);
    });
  }
});
