import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DeflatingEntry } from './entryPack';
import { CHUNK_BYTES, CHUNK_RECORDS, EntryInfo } from './format';
import { MAX_RECORD_BYTES, NOT_UTF8, readRecord, RecordIds, recordTooLongProblem, repeatedIdProblem } from '../manifest/dataScan';
import { byteLines, LineTooLong } from './lines';
import type { PackedEntry } from './zipOut';

/** Lines of JSON records from somewhere other than a file (an environment's database). */
export interface RecordLines {
  lines: AsyncIterable<string>;
  /** Names the source in error messages. */
  label: string;
  close(): void;
}

/** Lines as they arrive: a read buffer's worth at a time (bytes from files, strings from elsewhere). */
interface LineBatches {
  batches: AsyncIterable<(Buffer | string)[]>;
  label: string;
  close(): void;
}

/** The lines of a file, split on the bytes (a line is decoded once, for JSON.parse). */
function fileLines(absPath: string): LineBatches {
  const input = createReadStream(absPath, { highWaterMark: 1 << 20 });
  return { batches: byteLines(input, MAX_RECORD_BYTES), label: absPath, close: () => input.destroy() };
}

/** Lines from another source, one at a time. */
function lineBatches(source: RecordLines): LineBatches {
  async function* batches(): AsyncIterable<string[]> {
    for await (const line of source.lines) yield [line];
  }
  return { batches: batches(), label: source.label, close: source.close };
}

const NEWLINE = Buffer.from('\n');

/** Bytes of records handed to the deflater at once. */
const BATCH_BYTES = 1024 * 1024;
/** Bytes of records parsed between two turns of the event loop. */
const YIELD_BYTES = 32 * 1024;

/** A bad line in a data file: the build stops and says where. */
export class DataRecordError extends Error {}

/** Where the chunks of one app go: the zip writer, each chunk whole once deflated (or stored). */
export interface ChunkSink {
  /** Writes one chunk entry; resolves when the zip has taken it. */
  add(entry: PackedEntry): Promise<void>;
}

/**
 * Streams one JSONL data file into chunk entries of at most CHUNK_RECORDS records / CHUNK_BYTES
 * bytes: `data/<app>/00000.jsonl`, ... Every line must be a JSON object with an `id` no other line
 * of the file has (as an environment keys records: `recordKey`). Memory holds the ids and the
 * open chunk deflated, not the records: a chunk is fed only as fast as it deflates, and goes to
 * the zip when it is full, stored instead when deflated it would pass for a zip bomb (entryPack.ts).
 */
export async function writeDataChunks(
  app: string,
  source: string | RecordLines,
  sink: ChunkSink,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): Promise<{ records: number; entries: EntryInfo[] }> {
  const { batches, label: absPath, close: closeInput } = typeof source === 'string' ? fileLines(source) : lineBatches(source);
  const entries: EntryInfo[] = [];
  let records = 0;
  let lineNo = 0;
  // A file may give an id twice (the check says so too); an environment's export cannot.
  const ids = typeof source === 'string' ? new RecordIds() : undefined;
  let chunk: { entry: DeflatingEntry; hash: ReturnType<typeof createHash>; size: number; count: number; name: string } | undefined;

  // Records go to the deflater in batches of 1 MB: each write is one compression job on the
  // thread pool, and between two jobs the compressor waits for this thread to hand it the next,
  // so small writes (a record, or 64 KB) left it idle much of the time. Parsing yields to the
  // event loop every 32 KB instead: the compressor's callbacks get in between, and a language
  // server building in-process stays responsive.
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (!chunk || batchBytes === 0) return;
    const b = Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    chunk.hash.update(b);
    await chunk.entry.write(b);
  };
  let sinceYield = 0;
  const close = async () => {
    if (!chunk) return;
    await flush();
    const c = chunk;
    chunk = undefined;
    await sink.add(await c.entry.finish());
    entries.push({ path: c.name, sha256: c.hash.digest('hex'), size: c.size });
  };
  try {
    for await (const lines of batches) {
      if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
      for (const raw of lines) {
        lineNo++;
        const text = typeof raw === 'string' ? raw : raw.toString('utf8');
        const line = text.trim();
        onBytes(raw.length + 1);
        if (!line) continue;
        // The same judgement as the check's (MAN003), so a build refuses only what a check reports.
        const rec = typeof raw !== 'string' && !isUtf8(raw) ? { problem: NOT_UTF8 } : readRecord(line)!;
        if ('problem' in rec) throw new DataRecordError(`${absPath}:${lineNo}: ${rec.problem}`);
        const first = ids?.repeated(rec.id, lineNo);
        if (first !== undefined) throw new DataRecordError(`${absPath}:${lineNo}: ${repeatedIdProblem(rec.id, `line ${first}`)}`);
        // The line's own bytes when trimming changed nothing (nearly always): no re-encoding.
        const bytes = typeof raw !== 'string' && line.length === text.length ? raw : Buffer.from(line, 'utf8');
        if (chunk && (chunk.count >= CHUNK_RECORDS || chunk.size + bytes.length + 1 > CHUNK_BYTES)) await close();
        if (!chunk) {
          const name = `data/${app}/${String(entries.length).padStart(5, '0')}.jsonl`;
          chunk = { entry: new DeflatingEntry(name), hash: createHash('sha256'), size: 0, count: 0, name };
        }
        batch.push(bytes, NEWLINE);
        batchBytes += bytes.length + 1;
        chunk.size += bytes.length + 1;
        chunk.count++;
        records++;
        sinceYield += bytes.length + 1;
        if (batchBytes >= BATCH_BYTES) await flush();
        if (sinceYield >= YIELD_BYTES) {
          sinceYield = 0;
          await new Promise((r) => setImmediate(r));
        }
      }
    }
    await close();
  } catch (e) {
    // The same judgement as the check's: the line after the last one read is too long.
    if (e instanceof LineTooLong) throw new DataRecordError(`${absPath}:${lineNo + 1}: ${recordTooLongProblem()}`);
    throw e;
  } finally {
    closeInput();
    chunk?.entry.destroy();
  }
  return { records, entries };
}
