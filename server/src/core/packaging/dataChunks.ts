import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { CHUNK_BYTES, CHUNK_RECORDS, EntryInfo } from './format';

/** Lines of JSON records from somewhere other than a file (an environment's database). */
export interface RecordLines {
  lines: AsyncIterable<string>;
  /** Names the source in error messages. */
  label: string;
  close(): void;
}

function fileLines(absPath: string): RecordLines {
  const input = createReadStream(absPath);
  const lines = createInterface({ input, crlfDelay: Infinity });
  return { lines, label: absPath, close: () => { lines.close(); input.destroy(); } };
}

/** Bytes of records handed to the zip writer at once. */
const BATCH_BYTES = 64 * 1024;

/** A bad line in a data file: the build stops and says where. */
export class DataRecordError extends Error {}

/** Where the chunks of one app go, and how the zip writer takes a stream. */
export interface ChunkSink {
  /** Adds an entry whose content arrives on `stream`; resolves when the stream has been consumed. */
  addStream(name: string, stream: PassThrough): void;
}

/**
 * Streams one JSONL data file into chunk entries of at most CHUNK_RECORDS records / CHUNK_BYTES
 * bytes: `data/<app>/00000.jsonl`, ... Every line must be a JSON object with an `id`. Memory stays
 * bounded: a chunk's stream is fed only as fast as the zip writer drains it.
 */
export async function writeDataChunks(
  app: string,
  source: string | RecordLines,
  sink: ChunkSink,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): Promise<{ records: number; entries: EntryInfo[] }> {
  const { lines, label: absPath, close: closeInput } = typeof source === 'string' ? fileLines(source) : source;
  const entries: EntryInfo[] = [];
  let records = 0;
  let lineNo = 0;
  let chunk: { stream: PassThrough; hash: ReturnType<typeof createHash>; size: number; count: number; name: string } | undefined;

  // Records go to the zip writer in batches: one write per record (about a kilobyte) costs a
  // compressor round trip on the thread pool each, which serialises parsing and compression.
  // After each batch the loop yields to the event loop (readline may have a thousand lines
  // queued, which would otherwise be parsed in one go): the compressor's callbacks run sooner,
  // and a language server building in-process stays responsive.
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (!chunk || batchBytes === 0) return;
    batch.push('');
    const b = Buffer.from(batch.join('\n'), 'utf8');
    batch = [];
    batchBytes = 0;
    chunk.hash.update(b);
    if (!chunk.stream.write(b)) await new Promise((r) => chunk!.stream.once('drain', r));
    else await new Promise((r) => setImmediate(r));
  };
  const close = async () => {
    if (!chunk) return;
    await flush();
    const c = chunk;
    chunk = undefined;
    await new Promise<void>((resolve, reject) => {
      c.stream.once('error', reject);
      c.stream.end(resolve);
    });
    entries.push({ path: c.name, sha256: c.hash.digest('hex'), size: c.size });
  };
  try {
    for await (const raw of lines) {
      lineNo++;
      if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
      const line = raw.trim();
      if (!line) continue;
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch (e) {
        throw new DataRecordError(`${absPath}:${lineNo}: not JSON (${(e as Error).message})`);
      }
      if (typeof rec !== 'object' || rec === null || Array.isArray(rec) || !('id' in rec)) {
        throw new DataRecordError(`${absPath}:${lineNo}: a data record must be a JSON object with an "id"`);
      }
      const bytes = Buffer.byteLength(line, 'utf8') + 1;
      if (chunk && (chunk.count >= CHUNK_RECORDS || chunk.size + bytes > CHUNK_BYTES)) await close();
      if (!chunk) {
        const name = `data/${app}/${String(entries.length).padStart(5, '0')}.jsonl`;
        chunk = { stream: new PassThrough({ highWaterMark: 1 << 20 }), hash: createHash('sha256'), size: 0, count: 0, name };
        sink.addStream(name, chunk.stream);
      }
      batch.push(line);
      batchBytes += bytes;
      chunk.size += bytes;
      chunk.count++;
      records++;
      onBytes(raw.length + 1);
      if (batchBytes >= BATCH_BYTES) await flush();
    }
    await close();
  } finally {
    closeInput();
    chunk?.stream.destroy();
  }
  return { records, entries };
}
