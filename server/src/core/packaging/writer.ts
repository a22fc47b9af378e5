import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ZipFile } from 'yazl';
import { sha256 } from './canonical';
import { RecordLines, writeDataChunks } from './dataChunks';
import { Card, DataSet, Descriptor, DESCRIPTOR, EntryInfo, STEP_OF, STEPS } from './format';
import { exclusiveTemp, renameOver } from '../exclusiveWrite';

/** Everything a package file holds; the writer adds the index, steps and data counts to the descriptor. */
export interface PackageContent {
  /** Absolute path of the package file to write. */
  out: string;
  cards: Card[];
  /** Script sources and template documents, by their path in the package. */
  files: { path: string; data: Buffer }[];
  /** Data records per app (`namespace.app`), from a JSONL file or a stream of lines. */
  data: { app: string; source: string | RecordLines }[];
  descriptor: Omit<Descriptor, 'steps' | 'data' | 'entries'>;
  signal?: AbortSignal;
  /** Bytes of data records written so far, per app. */
  onData?: (bytes: number, app: string) => void;
}

/**
 * Writes a package (spec §4) with bounded memory: cards and files are small buffers, records
 * stream into chunk entries. The zip goes to a temporary file next to `out`, renamed only when
 * complete, so a failed or cancelled write leaves nothing behind. Only a file is replaced: a
 * folder, a named pipe, a device or a socket at `out` refuses the write (`NotAFileError`).
 */
export async function writePackage(c: PackageContent): Promise<{ size: number; descriptor: Descriptor }> {
  await fs.mkdir(path.dirname(c.out), { recursive: true });
  // Created exclusively under a random name (exclusiveWrite.ts): nothing planted next to `out` takes the write elsewhere.
  const { path: tmp, handle } = await exclusiveTemp(c.out, `partial-${process.pid}`);
  const zip = new ZipFile();
  const output = createWriteStream(tmp, { fd: handle });
  const written = new Promise<void>((resolve, reject) => {
    output.on('close', resolve);
    output.on('error', reject);
    zip.outputStream.on('error', reject);
  });
  zip.outputStream.pipe(output);
  const entries: EntryInfo[] = [];
  const mtime = new Date(c.descriptor.createdAt);
  const addBuffer = (name: string, data: Buffer) => {
    entries.push({ path: name, sha256: sha256(data), size: data.length });
    // Deflated when the writer reaches the entry, one at a time: `zip.addBuffer` starts a deflate
    // (with its ~200 KB of zlib state) for every entry at once, gigabytes for tens of thousands of cards.
    zip.addReadStreamLazy(name, { mtime, compress: data.length > 64, size: data.length }, (cb) => cb(null, new PassThrough().end(data) as PassThrough));
  };
  try {
    for (const card of c.cards) addBuffer(`${STEP_OF[card.type] ?? 'apps'}/${card.id}.card.json`, Buffer.from(JSON.stringify(card, null, 2) + '\n'));
    for (const f of c.files) addBuffer(f.path, f.data);
    const data: DataSet[] = [];
    for (const d of c.data) {
      const sink = { addStream: (name: string, stream: PassThrough) => zip.addReadStream(stream, name, { mtime }) };
      const r = await writeDataChunks(d.app, d.source, sink, (n) => c.onData?.(n, d.app), c.signal);
      entries.push(...r.entries);
      data.push({ app: d.app, records: r.records, chunks: r.entries.map((e) => e.path) });
    }
    const descriptor: Descriptor = {
      ...c.descriptor,
      steps: STEPS.map((step) => ({ step, cards: c.cards.filter((x) => STEP_OF[x.type] === step).length })),
      data,
      entries: [...entries],
      history: c.descriptor.history,
    };
    zip.addBuffer(Buffer.from(JSON.stringify(descriptor, null, 2) + '\n'), DESCRIPTOR, { mtime });
    zip.end();
    await written;
    if (c.signal?.aborted) throw c.signal.reason ?? new Error('cancelled');
    await renameOver(tmp, c.out);
    return { size: (await fs.stat(c.out)).size, descriptor };
  } catch (e) {
    // `written` rejects too once the output is destroyed; nobody awaits it any more, and an
    // unhandled rejection would end the process instead of this error reaching the caller.
    written.catch(() => undefined);
    zip.outputStream.unpipe(output);
    output.destroy();
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
