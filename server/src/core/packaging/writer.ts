import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256 } from './canonical';
import { RecordLines, writeDataChunks } from './dataChunks';
import { packBuffer } from './entryPack';
import { Card, DataSet, Descriptor, DESCRIPTOR, EntryInfo, STEP_OF, STEPS } from './format';
import { exclusiveTemp, renameOver } from '../exclusiveWrite';
import { ZipOut } from './zipOut';

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
  /** Runs once the package is complete, before it is renamed into place: what it throws leaves no file. */
  beforeRename?: () => Promise<void>;
}

/**
 * Writes a package (spec §4) with bounded memory: cards and files are small buffers, records
 * stream into chunk entries, one chunk deflated in memory at a time. Every entry is deflated
 * unless its deflated form would expand more than a reader takes (then it is stored), so the
 * reader opens whatever the writer makes. The zip goes to a temporary file next to `out`, renamed
 * only when complete, so a failed or cancelled write leaves nothing behind. Only a file is
 * replaced: a folder, a named pipe, a device or a socket at `out` refuses the write (`NotAFileError`).
 */
export async function writePackage(c: PackageContent): Promise<{ size: number; descriptor: Descriptor }> {
  await fs.mkdir(path.dirname(c.out), { recursive: true });
  // Created exclusively under a random name (exclusiveWrite.ts): nothing planted next to `out` takes the write elsewhere.
  const { path: tmp, handle } = await exclusiveTemp(c.out, `partial-${process.pid}`);
  const output = createWriteStream(tmp, { fd: handle });
  const written = new Promise<void>((resolve, reject) => {
    output.on('close', resolve);
    output.on('error', reject);
  });
  // Awaited once the zip is complete; an output error before that reaches the writer through the
  // zip's next write, and must not end the process as an unhandled rejection meanwhile.
  written.catch(() => undefined);
  const zip = new ZipOut(output, new Date(c.descriptor.createdAt));
  const entries: EntryInfo[] = [];
  // Deflated one at a time as the zip takes them: memory holds one card's zlib state, not thousands.
  const addBuffer = async (name: string, data: Buffer) => {
    entries.push({ path: name, sha256: sha256(data), size: data.length });
    await zip.add(await packBuffer(name, data, data.length > 64));
  };
  try {
    for (const card of c.cards) {
      if (c.signal?.aborted) throw c.signal.reason ?? new Error('cancelled');
      await addBuffer(`${STEP_OF[card.type] ?? 'apps'}/${card.id}.card.json`, Buffer.from(JSON.stringify(card, null, 2) + '\n'));
    }
    for (const f of c.files) await addBuffer(f.path, f.data);
    const data: DataSet[] = [];
    for (const d of c.data) {
      const r = await writeDataChunks(d.app, d.source, zip, (n) => c.onData?.(n, d.app), c.signal);
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
    await zip.add(await packBuffer(DESCRIPTOR, Buffer.from(JSON.stringify(descriptor, null, 2) + '\n'), true));
    await zip.end();
    await written;
    if (c.signal?.aborted) throw c.signal.reason ?? new Error('cancelled');
    await c.beforeRename?.();
    await renameOver(tmp, c.out);
    return { size: (await fs.stat(c.out)).size, descriptor };
  } catch (e) {
    output.destroy();
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
