import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DataRecordError, RecordLines, writeDataChunks } from '../../../server/src/core/packaging/dataChunks';
import { crc32, type PackedEntry } from '../../../server/src/core/packaging/zipOut';

/** Lines as an environment's export hands them over. */
function fromDb(lines: string[]): RecordLines {
  async function* gen() {
    yield* lines;
  }
  return { lines: gen(), label: 'db', close: () => undefined };
}

/** Runs writeDataChunks into memory: the content of every chunk entry, by name, and how each is held. */
async function chunksOf(source: string | RecordLines): Promise<{ records: number; contents: Map<string, Buffer>; packed: Map<string, PackedEntry>; entries: { path: string; sha256: string; size: number }[] }> {
  const contents = new Map<string, Buffer>();
  const packed = new Map<string, PackedEntry>();
  const sink = {
    async add(e: PackedEntry) {
      const held = Buffer.concat(e.data);
      packed.set(e.name, e);
      contents.set(e.name, e.method === 8 ? inflateRawSync(held) : held);
    },
  };
  const r = await writeDataChunks('ws.app', source, sink, () => undefined);
  return { records: r.records, contents, packed, entries: r.entries };
}

describe('data records into chunks', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-chunks-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps each record as its trimmed line, whatever the line ends, a BOM or blank lines', async () => {
    const file = path.join(dir, 'mixed.jsonl');
    const lines = ['{"id":1,"name":"Ann"}', '  {"id":2,"name":"Bob"}\t', '{"id":3,"city":"Zürich ✓"}', '{"id":4}', '{"id":5}'];
    // BOM, CRLF, a blank line, a lone CR (old Mac), and no line end after the last record.
    writeFileSync(file, '\ufeff' + lines[0] + '\r\n' + lines[1] + '\n\n' + lines[2] + '\r' + lines[3] + '\n' + lines[4]);
    const r = await chunksOf(file);
    assert.equal(r.records, 5);
    const content = r.contents.get('data/ws.app/00000.jsonl')!;
    assert.equal(content.toString('utf8'), lines.map((l) => l.trim() + '\n').join(''));
    assert.deepEqual(r.entries, [{ path: 'data/ws.app/00000.jsonl', sha256: createHash('sha256').update(content).digest('hex'), size: content.length }]);
  });

  it('reads a record that straddles two reads of the file (1 MiB each) whole', async () => {
    const file = path.join(dir, 'long.jsonl');
    const filler = 'x'.repeat(1000);
    const records = Array.from({ length: 2100 }, (_, i) => JSON.stringify({ id: i, text: filler }));
    writeFileSync(file, records.join('\n') + '\n');
    const r = await chunksOf(file);
    assert.equal(r.records, 2100);
    assert.equal(r.contents.get('data/ws.app/00000.jsonl')!.toString('utf8'), records.join('\n') + '\n');
  });

  it('names the file and line of a record that is not JSON, counting lines as readline does', async () => {
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, '{"id":1}\r{"id":2}\r\n\n{"id":3,}\n');
    await assert.rejects(chunksOf(file), (e: Error) => e instanceof DataRecordError && e.message.startsWith(`${file}:4: not JSON`));
    writeFileSync(file, '{"id":1}\n[1,2]\n');
    await assert.rejects(chunksOf(file), (e: Error) => e instanceof DataRecordError && e.message === `${file}:2: a data record must be a JSON object with an "id"`);
  });

  it('writes the same bytes from a file as from lines of text (an environment export)', async () => {
    const file = path.join(dir, 'same.jsonl');
    const lines = ['{"id":"a","v":"é"}', '  {"id":"b"}  ', '{"id":"c"}'];
    writeFileSync(file, lines.join('\n'));
    async function* gen() {
      yield* lines;
    }
    const fromText = await chunksOf({ lines: gen(), label: 'db', close: () => undefined });
    const fromFile = await chunksOf(file);
    assert.deepEqual(fromFile.contents, fromText.contents);
    assert.deepEqual(fromFile.entries, fromText.entries);
  });

  it('deflates a chunk that deflated whole would pass for a zip bomb with its start kept as it is, under the limit', async () => {
    // 1.2 MB of one phrase deflates about 500 times; the reader refuses over 200 times from 1 MiB on.
    const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: i, t: 'lorem '.repeat(2000) }));
    const r = await chunksOf(fromDb(lines));
    const e = r.packed.get('data/ws.app/00000.jsonl')!;
    assert.equal(e.method, 8);
    assert.equal(e.size, lines.join('\n').length + 1);
    const held = e.data.reduce((n, b) => n + b.length, 0);
    assert.ok(e.size / held <= 100 && held < e.size / 50, `${e.size} bytes held in ${held}`);
    assert.equal(r.contents.get('data/ws.app/00000.jsonl')!.toString('utf8'), lines.join('\n') + '\n');
    assert.equal(e.crc32, crc32(r.contents.get('data/ws.app/00000.jsonl')!));
    // Below 1 MiB or with varied records, the same writer deflates.
    const small = await chunksOf(fromDb(lines.slice(0, 50)));
    assert.equal(small.packed.get('data/ws.app/00000.jsonl')!.method, 8);
    const words = (i: number) => Array.from({ length: 16 }, (_, k) => (Math.imul(i + 1, 2654435761 + k) >>> 0).toString(36)).join(' ');
    const varied = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: i, t: words(i) }));
    const mixed = await chunksOf(fromDb(varied));
    assert.deepEqual([...mixed.packed.values()].map((p) => p.method), [8, 8]);
    assert.ok([...mixed.packed.values()].every((p) => p.size >= 1024 * 1024));
    assert.equal([...mixed.contents.values()].map((b) => b.toString('utf8')).join(''), varied.join('\n') + '\n');
  });
});
