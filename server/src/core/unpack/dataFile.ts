import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { byteLines } from '../packaging/lines';
import type { PackageReader } from '../packaging/reader';
import { scanRecord } from '../packaging/recordScan';

/**
 * Whether a data file already holds the package's records: the same records, each found by its id
 * (an environment exports them sorted by id, the file keeps the order it was written in), however
 * each line spells them (the database's own key order, spaces and numbers: `recordText`), so
 * retrieving what was just imported leaves the file as the person wrote it. A file or a package
 * too large to index is compared line by line, in order.
 */
export async function sameDataFile(reader: PackageReader, chunks: string[], abs: string): Promise<boolean> {
  // In order first: streams, and is the answer for a file the environment wrote itself.
  if (await sameRecords(packageLines(reader, chunks), fileLines(abs))) return true;
  if (!indexable((await fs.stat(abs)).size, reader, chunks)) return false;
  const theirs = new Map<string, Buffer>();
  for await (const l of fileLines(abs)) {
    if (blank(l)) continue;
    const id = recordId(l);
    // A line without an id, or one id twice: not what the package holds, whatever it holds.
    if (id === undefined || theirs.has(id)) return false;
    theirs.set(id, l);
  }
  let n = 0;
  for await (const line of packageLines(reader, chunks)) {
    if (blank(line)) continue;
    const id = recordId(line);
    const had = id === undefined ? undefined : theirs.get(id);
    if (!had || !sameRecord(had, line)) return false;
    n++;
  }
  return n === theirs.size;
}

/** The lines of a package's data chunks, in order. */
async function* packageLines(reader: PackageReader, chunks: string[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) for await (const lines of byteLines(Readable.from([await reader.read(chunk)]))) yield* lines;
}

/** The lines of a file, from its start (a stream of its own each time: one left early closes its descriptor). */
async function* fileLines(abs: string): AsyncGenerator<Buffer> {
  const input = createReadStream(abs);
  try {
    for await (const lines of byteLines(input)) yield* lines;
  } finally {
    input.destroy();
  }
}

const blank = (l: Buffer) => !l.toString('latin1').trim();

/** Whether a data file and the package's data are small enough to hold by id in memory. */
function indexable(fileBytes: number, reader: PackageReader, chunks: string[]): boolean {
  const sizes = new Map(reader.descriptor.entries.map((e) => [e.path, e.size]));
  return fileBytes <= PAIR_BY_ID_BYTES && chunks.reduce((n, c) => n + (sizes.get(c) ?? Infinity), 0) <= PAIR_BY_ID_BYTES;
}

/** Whether two streams of JSONL lines hold the same records in the same order (blank lines aside; `sameRecord`). */
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
    if (!blank(r.value)) return r.value;
  }
}

/** Whether two record lines hold what an environment stores as the same record (`recordText`). */
function sameRecord(x: Buffer, y: Buffer): boolean {
  if (x.equals(y)) return true;
  const vx = recordText(x.toString('utf8'));
  return vx !== undefined && vx === recordText(y.toString('utf8'));
}

/** Data files (and packages' data) up to this size are paired with the package's records by id; larger ones line by line, in order. */
const PAIR_BY_ID_BYTES = 64 * 1024 * 1024;

/**
 * Writes a data file the package changes, in the file's order: each record the file has and the
 * package has too stays where it is, as the line the file has where it is the same record (key
 * order, spacing and numbers as the person or the tool wrote them), the package's line where it
 * differs; records the package lacks are left out, and those the file lacks follow, in the
 * package's order. So `git diff` shows the records the package changed, not every line of the
 * file (an environment exports records sorted by id). A file or a package too large to index is
 * written in the package's order, paired with the file line by line. An aborted `signal` stops
 * it between writes, with its reason.
 */
export async function writeRecords(reader: PackageReader, chunks: string[], existing: string, handle: FileHandle, signal?: AbortSignal): Promise<void> {
  const h = await fs.open(existing);
  try {
    // Line breaks as the file has them (its first one): a file kept with CRLF stays so.
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await h.read(head, 0, head.length, 0);
    const lf = head.subarray(0, bytesRead).indexOf(10);
    const NL = Buffer.from(lf > 0 && head[lf - 1] === 13 ? '\r\n' : '\n');
    let out: Buffer[] = [];
    let size = 0;
    const put = async (line: Buffer) => {
      out.push(line, NL);
      size += line.length + NL.length;
      if (size < 1 << 20) return;
      signal?.throwIfAborted();
      await handle.write(Buffer.concat(out));
      out = [];
      size = 0;
    };
    if (indexable((await h.stat()).size, reader, chunks)) {
      // The package's records by id, in its order (a Map keeps the order of insertion).
      const theirs = new Map<string, Buffer>();
      const unnamed: Buffer[] = [];
      for await (const line of packageLines(reader, chunks)) {
        if (!line.length) continue;
        const id = recordId(line);
        if (id === undefined || theirs.has(id)) unnamed.push(line);
        else theirs.set(id, line);
      }
      for await (const l of fileLines(existing)) {
        if (blank(l)) continue;
        const id = recordId(l);
        const line = id === undefined ? undefined : theirs.get(id);
        if (!line) continue;
        theirs.delete(id!);
        await put(sameRecord(l, line) ? l : line);
      }
      for (const line of [...theirs.values(), ...unnamed]) await put(line);
    } else {
      const mine = fileLines(existing);
      try {
        for await (const line of packageLines(reader, chunks)) {
          if (!line.length) continue;
          const had = await nextRecordLine(mine);
          await put(had && sameRecord(had, line) ? had : line);
        }
      } finally {
        await mine.return(undefined);
      }
    }
    if (out.length) await handle.write(Buffer.concat(out));
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
 * A record line as text that is equal for two lines exactly when an environment stores them as
 * the same JSON: key order and spacing aside, and numbers as its database keeps them (`numeric`):
 * `-0` is `0` and `1e2` is `100`, while `1.0` stays `1.0` (a parse would also make
 * 12345678901234567891 and ...890 one number). Repeated keys are kept. Undefined for a line that
 * is not JSON.
 */
function recordText(text: string): string | undefined {
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
      case 'number': return { n: numericText(text.slice(n.offset, n.offset + n.length)) };
      default: return n.value;
    }
  };
  return JSON.stringify(value(root));
}

/**
 * A JSON number as PostgreSQL's `numeric` (and so `jsonb`) writes it back: no exponent, as many
 * decimals as the number gives (`1.50e1` is `15.0`, `1e-2` is `0.01`), no negative zero. A number
 * with an exponent past a thousand is left as written.
 */
export function numericText(s: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', e = '0'] = m;
  const exp = Number(e);
  if (Math.abs(exp) > 1000) return s;
  const digits = int + frac;
  // Digits before the decimal point once the exponent is applied; the rest are its decimals.
  const point = int.length + exp;
  let whole = point <= 0 ? '0' : point >= digits.length ? digits + '0'.repeat(point - digits.length) : digits.slice(0, point);
  const decimals = point <= 0 ? '0'.repeat(-point) + digits : point >= digits.length ? '' : digits.slice(point);
  whole = whole.replace(/^0+(?=\d)/, '');
  const zero = /^0*$/.test(whole + decimals);
  return `${zero ? '' : sign}${whole}${decimals ? `.${decimals}` : ''}`;
}
