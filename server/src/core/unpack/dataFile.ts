import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { byteLines } from '../packaging/lines';
import type { PackageReader } from '../packaging/reader';
import { scanRecord } from '../packaging/recordScan';

/**
 * Whether a data file already holds the package's records: record by record in order, the same
 * records in the same order are the same data however each line spells them (an environment
 * exports its database's JSON, with its own key order and spaces), so retrieving what was just
 * imported leaves the file as the person wrote it.
 */
export async function sameDataFile(reader: PackageReader, chunks: string[], abs: string): Promise<boolean> {
  const mine = async function* () {
    for (const chunk of chunks) for await (const lines of byteLines(Readable.from([await reader.read(chunk)]))) yield* lines;
  };
  const h = await fs.open(abs);
  try {
    const theirs = async function* () {
      for await (const lines of byteLines(h.createReadStream({ autoClose: false }))) yield* lines;
    };
    return await sameRecords(mine(), theirs());
  } finally {
    await h.close();
  }
}

/** Whether two streams of JSONL lines hold the same records in the same order (blank lines aside; key order and spacing aside). */
async function sameRecords(a: AsyncIterable<Buffer>, b: AsyncIterable<Buffer>): Promise<boolean> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  try {
    for (;;) {
      const [x, y] = [await nextRecordLine(ia), await nextRecordLine(ib)];
      if (x === undefined || y === undefined) return x === y;
      if (!sameRecord(x, y)) return false;
    }
  } finally {
    await ia.return?.();
    await ib.return?.();
  }
}

/** The next line that is not blank, or undefined at the end. */
async function nextRecordLine(it: AsyncIterator<Buffer>): Promise<Buffer | undefined> {
  for (;;) {
    const r = await it.next();
    if (r.done) return undefined;
    if (r.value.toString('latin1').trim()) return r.value;
  }
}

/** Whether two record lines hold the same JSON (`exactRecord`). */
function sameRecord(x: Buffer, y: Buffer): boolean {
  if (x.equals(y)) return true;
  const vx = exactRecord(x.toString('utf8'));
  return vx !== undefined && vx === exactRecord(y.toString('utf8'));
}

/** Data files up to this size are paired with the package's records by id; larger ones line by line, in order. */
const PAIR_BY_ID_BYTES = 64 * 1024 * 1024;

/**
 * Writes a data file the package changes, record by record in the package's order: the line the
 * file already has where it holds the same record (key order and spacing as the person or the tool
 * wrote them), the package's line where it differs. Records are found by id (a record added or
 * removed near the top leaves the lines after it alone), or by position in a file too large to
 * index. So `git diff` shows the records the package changed, not every line of the file. An
 * aborted `signal` stops it between chunks, with its reason.
 */
export async function writeRecords(reader: PackageReader, chunks: string[], existing: string, handle: FileHandle, signal?: AbortSignal): Promise<void> {
  const h = await fs.open(existing);
  try {
    // Line breaks as the file has them (its first one): a file kept with CRLF stays so.
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await h.read(head, 0, head.length, 0);
    const lf = head.subarray(0, bytesRead).indexOf(10);
    const NL = Buffer.from(lf > 0 && head[lf - 1] === 13 ? '\r\n' : '\n');
    const lines = () => (async function* () {
      for await (const batch of byteLines(h.createReadStream({ autoClose: false, start: 0 }))) yield* batch;
    })();
    let mine: (line: Buffer) => Promise<Buffer | undefined>;
    let done = async () => undefined as unknown;
    if ((await h.stat()).size <= PAIR_BY_ID_BYTES) {
      const byId = new Map<string, Buffer>();
      for await (const l of lines()) {
        const id = l.length ? recordId(l) : undefined;
        if (id !== undefined && !byId.has(id)) byId.set(id, l);
      }
      mine = async (line) => {
        const id = recordId(line);
        return id === undefined ? undefined : byId.get(id);
      };
    } else {
      const theirs = lines();
      mine = () => nextRecordLine(theirs);
      done = () => theirs.return(undefined);
    }
    try {
      for (const chunk of chunks) {
        signal?.throwIfAborted();
        const out: Buffer[] = [];
        for await (const batch of byteLines(Readable.from([await reader.read(chunk)]))) {
          for (const line of batch) {
            if (!line.length) continue;
            const had = await mine(line);
            out.push(had && sameRecord(had, line) ? had : line, NL);
          }
        }
        await handle.write(Buffer.concat(out));
      }
    } finally {
      await done();
    }
  } finally {
    await h.close();
  }
}

/** A record line's id as `String(JSON.parse(line).id)` gives it, or undefined. */
function recordId(line: Buffer): string | undefined {
  const scanned = scanRecord(line);
  if (scanned) return scanned.id;
  try {
    const id = (JSON.parse(line.toString('utf8')) as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A record line as text that is equal for two lines exactly when they hold the same JSON, key
 * order and spacing aside: numbers as written (a parse would make 12345678901234567891 and
 * ...890 one number), repeated keys kept. Undefined for a line that is not JSON.
 */
function exactRecord(text: string): string | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length || !root) return undefined;
  const value = (n: JsonNode): unknown => {
    switch (n.type) {
      case 'object': {
        const pairs = (n.children ?? []).map((p) => [p.children![0].value as string, value(p.children![1])] as [string, unknown]);
        return { o: pairs.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0)) };
      }
      case 'array': return (n.children ?? []).map(value);
      case 'number': return { n: text.slice(n.offset, n.offset + n.length) };
      default: return n.value;
    }
  };
  return JSON.stringify(value(root));
}
