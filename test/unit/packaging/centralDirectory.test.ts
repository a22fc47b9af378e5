/**
 * The one-pass reading of a central directory held in memory (centralDirectory.ts) must see the
 * same entries as yauzl's walk, and refuse what yauzl refuses with the same message: a package
 * read from memory and one read from disk must get the same answer.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as yauzl from 'yauzl';
import { centralDirectory } from '../../../server/src/core/packaging/centralDirectory';
import { locate, writeZip } from './hostile';

type Seen = { entries: string[]; error?: string };

// Everything a caller may read of an entry, the extra fields, comment and date included (the one-pass entries cut those out only when asked).
const describeEntry = (e: yauzl.Entry): string =>
  JSON.stringify([(e.fileName as unknown as Buffer).toString('latin1'), e.generalPurposeBitFlag, e.compressionMethod, e.crc32, e.compressedSize, e.uncompressedSize, e.relativeOffsetOfLocalHeader,
    e.extraFields.map((f) => [f.id, f.data.toString('hex')]), e.extraFieldRaw.toString('hex'), (e.fileCommentRaw as Buffer).toString('hex'), (e.fileComment as unknown as Buffer).toString('hex'), e.getLastModDate().getTime()]);

function open(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))));
}

async function byYauzl(buf: Buffer): Promise<Seen> {
  const zip = await open(buf);
  const entries: string[] = [];
  return new Promise((resolve) => {
    zip.on('error', (e: Error) => resolve({ entries, error: e.message }));
    zip.on('end', () => resolve({ entries }));
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(describeEntry(e));
      zip.readEntry();
    });
    zip.readEntry();
  });
}

async function inOnePass(buf: Buffer): Promise<Seen> {
  const zip = await open(buf);
  const entries: string[] = [];
  try {
    assert.ok(centralDirectory(buf, zip, (e) => entries.push(describeEntry(e))), 'the directory was read');
    return { entries };
  } catch (e) {
    return { entries, error: (e as Error).message };
  }
}

/** Inserts bytes into the extra field of central directory record `i` (the directory grows; yauzl finds its end record by searching). */
function insertExtra(buf: Buffer, i: number, extra: Buffer): Buffer {
  const rec = locate(buf)[i].central;
  const nameLen = buf.readUInt16LE(rec + 28);
  const extraLen = buf.readUInt16LE(rec + 30);
  const at = rec + 46 + nameLen + extraLen;
  const out = Buffer.concat([buf.subarray(0, at), extra, buf.subarray(at)]);
  out.writeUInt16LE(extraLen + extra.length, rec + 30);
  return out;
}

describe('central directory read in one pass', () => {
  let dir: string;
  let zip: Buffer;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'isola-cd-'));
    const file = path.join(dir, 'a.zip');
    await writeZip(file, [
      { name: 'meta_data.json', data: '{"format": "isola-package"}\n' },
      { name: 'design/ws.a.card.json', data: '{"id": "ws.a"}\n'.repeat(50) },
      { name: 'scripts/ws.a.s.ts', data: 'export {};\n', compress: false, comment: 'a script' },
      { name: 'design/ws.b.card.json', data: '{"id": "ws.b"}\n' },
    ]);
    zip = await fs.readFile(file);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const cases: { title: string; damage: (b: Buffer) => Buffer; refused: RegExp | null }[] = [
    { title: 'an intact zip', damage: (b) => b, refused: null },
    { title: 'a record whose signature is wrong', damage: (b) => (b.writeUInt32LE(0x02014b51, locate(b)[2].central), b), refused: /^invalid central directory file header signature: 0x2014b51$/ },
    { title: 'strong encryption', damage: (b) => (b.writeUInt16LE(0x40, locate(b)[1].central + 8), b), refused: /^strong encryption is not supported$/ },
    { title: 'a stored entry whose sizes disagree', damage: (b) => (b.writeUInt32LE(3, locate(b)[2].central + 20), b), refused: /^compressed\/uncompressed size mismatch for stored file: 3 != 11$/ },
    { title: 'a name running past the end of the file', damage: (b) => (b.writeUInt16LE(0xffff, locate(b)[3].central + 28), b), refused: /^unexpected EOF$/ },
    { title: 'an extra field longer than its room', damage: (b) => insertExtra(b, 1, Buffer.from([0x55, 0x54, 0x40, 0x00, 1, 2])), refused: /^extra field length exceeds extra field buffer size$/ },
    {
      title: 'a ZIP64 size that its extra field lacks',
      damage: (b) => {
        const out = insertExtra(b, 0, Buffer.from([0x01, 0x00, 0x00, 0x00]));
        out.writeUInt32LE(0xffffffff, locate(out)[0].central + 24);
        return out;
      },
      refused: /^zip64 extended information extra field does not include uncompressed size$/,
    },
    {
      title: 'ZIP64 sizes and offset taken from the extra field',
      damage: (b) => {
        const rec = locate(b)[1];
        const field = Buffer.alloc(28);
        field.writeUInt16LE(1, 0);
        field.writeUInt16LE(24, 2);
        field.writeUInt32LE(b.readUInt32LE(rec.central + 24), 4);
        field.writeUInt32LE(b.readUInt32LE(rec.central + 20), 12);
        field.writeUInt32LE(rec.local, 20);
        const out = insertExtra(b, 1, field);
        const at = locate(out)[1].central;
        for (const off of [20, 24, 42]) out.writeUInt32LE(0xffffffff, at + off);
        return out;
      },
      refused: null,
    },
  ];
  for (const c of cases) {
    it(`${c.title}: the same entries and the same answer as yauzl`, async () => {
      const buf = c.damage(Buffer.from(zip));
      const want = await byYauzl(buf);
      const got = await inOnePass(buf);
      assert.deepEqual(got, want);
      if (c.refused) assert.match(got.error ?? '', c.refused);
      else assert.equal(got.error, undefined);
      if (!c.refused) assert.equal(got.entries.length, 4);
    });
  }
});
