import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { sha256 } from './canonical';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import * as yauzl from 'yauzl';
import { cardProblem, descriptorProblem, type CardFacts } from './cardCheck';
import { listEntries } from './entryList';
import { valueNestsDeeperThan as deeperThan, MAX_JSON_DEPTH } from '../json/depth';
import { mayBeDeeperThan } from './jsonLimits';
import { byteLines } from './lines';
import { inflateAhead, type Ahead, type AheadEntry } from './inflateAhead';
import { inflateFromMemory, wholeFileIfSmall } from './inMemory';
import { oneLine, unstorableText } from '../oneLine';
import { scanRecord } from './recordScan';
import { RecordIds, recordKey, recordShapeProblem, repeatedIdProblem } from '../manifest/dataScan';
import { Card, DataSet, DEFAULT_LIMITS, Descriptor, DESCRIPTOR, FORMAT_VERSION, MAX_DESCRIPTOR_BYTES, PACKAGE_FORMAT, ReadLimits } from './format';

/** A package refused by the reader; `entry` names the offending entry when there is one. */
export class PackageError extends Error {
  constructor(message: string, readonly entry?: string) {
    // One line whatever the package holds: messages quote entry names and JSON parse errors.
    super(oneLine(entry ? `${entry}: ${message}` : message));
  }
}

/**
 * Most values a descriptor may hold, counted as its `{`, `[` and `,` bytes: each costs the parser
 * far more memory than its byte (265 MB of `{},` took a service past 7 GB). A legitimate descriptor
 * spends 40 bytes or more on each (an index entry or a history version is three in 140), so 256 MiB
 * of one stays under 7,000,000.
 */
export const MAX_DESCRIPTOR_VALUES = 8_000_000;

/**
 * An opened package. Opening reads only the central directory and the descriptor, and refuses
 * unsafe names, duplicates, sizes and ratios over the limits, encrypted entries, an unknown
 * format or version, and any disagreement between the entries and the descriptor's index.
 * Contents are verified when read: every byte is counted and hashed against the index.
 */
export class PackageReader {
  /** Cards parsed by `verify()`, so listing them afterwards costs nothing more. */
  private readonly verifiedJson = new Map<string, unknown>();

  private constructor(
    readonly file: string,
    private readonly zip: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
    readonly descriptor: Descriptor,
    private readonly limits: ReadLimits,
    /** The whole file, when it was small enough to read at once (inMemory.ts). */
    private readonly bytes?: Buffer,
  ) {}

  private sha256Of?: Map<string, string>;
  /** Cards inflating ahead since the package was opened (`open` with `cardsAhead`), until `cards()` takes them. */
  private ahead?: Ahead;

  /**
   * Opens a package file, or its bytes when the caller read them already (`o.bytes`, the whole
   * file as `wholeFileIfSmall` reads it). With `o.cardsAhead`, cards start to inflate in a
   * worker while the descriptor is checked, for a `cards()` to come.
   */
  static async open(file: string, limits: ReadLimits = DEFAULT_LIMITS, o: { bytes?: Buffer; cardsAhead?: boolean } = {}): Promise<PackageReader> {
    const fd = o.bytes ? -1 : await openRegularFile(file);
    const bytes = o.bytes ?? await wholeFileIfSmall(fd).catch((e) => {
      fs.close(fd, () => undefined);
      throw new PackageError(`cannot be read (${(e as Error).message})`);
    });
    if (bytes && !o.bytes) fs.close(fd, () => undefined);
    const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      const done = (err: Error | null, z?: yauzl.ZipFile) => (err ? reject(new PackageError(`not a readable zip file (${err.message})`)) : resolve(z!));
      if (bytes) yauzl.fromBuffer(bytes, options, done);
      else yauzl.fromFd(fd, options, done);
    }).catch(async (e) => {
      if (!bytes) fs.close(fd, () => undefined);
      throw e;
    });
    let ahead: Ahead | undefined;
    try {
      const entries = await listEntries(zip, limits, bytes);
      // Nothing inflated here is used before the descriptor and the index are found sound.
      if (o.cardsAhead && bytes) ahead = cardsAhead(bytes, entries, limits);
      const meta = entries.get(DESCRIPTOR);
      if (!meta) throw new PackageError(`no ${DESCRIPTOR}: not an Isola package`);
      const descriptorMax = Math.min(MAX_DESCRIPTOR_BYTES, limits.maxEntryBytes);
      const descriptorBytes = bytes ? inflateFromMemory(bytes, meta, DESCRIPTOR, descriptorMax) : await readWhole(zip, meta, DESCRIPTOR, descriptorMax);
      const descriptor = parseDescriptor(descriptorBytes);
      checkIndex(descriptor, entries);
      const bad = descriptorProblem(descriptor, entries.keys(), { textChecked: descriptorBytes.indexOf(ESCAPE_U) === -1 });
      if (bad) throw new PackageError(bad, DESCRIPTOR);
      descriptorSha256.set(descriptor, createHash('sha256').update(descriptorBytes).digest('hex'));
      const reader = new PackageReader(file, zip, entries, descriptor, limits, bytes);
      reader.ahead = ahead;
      return reader;
    } catch (e) {
      ahead?.stop();
      zip.close();
      throw e;
    }
  }

  /**
   * What opening established, for a package held in memory: `reopen` gives a reader of the same
   * bytes without reading the central directory and the descriptor again (10,000 entries took a
   * good part of a second).
   */
  get opened(): OpenedPackage | undefined {
    return this.bytes && { entries: this.entries, descriptor: this.descriptor, limits: this.limits, bytes: this.bytes };
  }

  /** A reader of a package opened before (`opened`); its content is checked as every reader checks it, when read. */
  static async reopen(file: string, o: OpenedPackage): Promise<PackageReader> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(o.bytes, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(new PackageError(`not a readable zip file (${err.message})`)) : resolve(z!))));
    return new PackageReader(file, zip, o.entries, o.descriptor, o.limits, o.bytes);
  }

  close(): void {
    this.ahead?.stop();
    this.ahead = undefined;
    this.zip.close();
  }

  /** The content of an entry, verified against the index (for cards, attachments, small files). */
  async read(name: string): Promise<Buffer> {
    const entry = this.entry(name);
    const data = this.bytes ? inflateFromMemory(this.bytes, entry, name, this.limits.maxEntryBytes) : await readWhole(this.zip, entry, name, this.limits.maxEntryBytes);
    this.verifyHash(name, sha256(data));
    return data;
  }

  async readJson(name: string): Promise<unknown> {
    return parseJsonEntry(await this.read(name), name);
  }

  /**
   * sha256 of the descriptor's bytes. The descriptor indexes every entry's sha256, and every read
   * is verified against that index, so this one hash pins the whole content of the package.
   */
  get descriptorSha256(): string {
    return descriptorSha256.get(this.descriptor)!;
  }

  /** Every card of the package, in import-step order. */
  async cards(): Promise<{ path: string; card: Card }[]> {
    const out: { path: string; card: Card }[] = [];
    const names = [...this.entries.keys()].filter((name) => name.endsWith('.card.json'));
    // After verify() the parsed cards are at hand; reading them again would double the work.
    const unread = names.filter((name) => !this.verifiedJson.has(name));
    // Held in memory, the cards inflate ahead of their checks, in their order (inflateAhead.ts).
    // Those inflating since the package was opened serve if no card was read since (verify() reads them all).
    let ahead = this.ahead;
    this.ahead = undefined;
    if (ahead && unread.length !== names.length) {
      ahead.stop();
      ahead = undefined;
    }
    // The worker hashes what it inflates: the entry against the index, the body against the card's "hash".
    ahead ??= this.bytes && unread.length ? cardsAhead(this.bytes, this.entries, this.limits, unread) : undefined;
    // A card's id is its entity's in the environment: two cards with one id would write one entity twice.
    const idAt = new Map<string, string>();
    try {
      for (const name of names) {
        let card = this.verifiedJson.get(name);
        let facts: CardFacts = {};
        if (card === undefined) {
          // What the worker found in the bytes, or nothing (then it is looked for here).
          let got: AheadEntry;
          if (ahead) {
            const next = ahead.next();
            got = (next instanceof Promise ? await next : next) as AheadEntry;
            this.verifyHash(name, got.sha256 ?? sha256(got.data));
          } else got = { data: await this.read(name) };
          card = parseJsonEntry(got.data, name, got.manyBrackets);
          // Parsed here, the card was measured for depth already, and only a \u escape can spell a NUL or a lone surrogate.
          if (!(got.escapes ?? got.data.indexOf(ESCAPE_U) !== -1)) facts = { depthChecked: true, textChecked: true };
          facts.bodySha256 = got.bodySha256;
        }
        const bad = cardProblem(name, card, facts);
        if (bad) throw new PackageError(bad, name);
        const id = (card as Card).id;
        const other = idAt.get(id);
        if (other !== undefined) throw new PackageError(`has the id ${JSON.stringify(id)} of ${other} too: an import would write one over the other`, name);
        idAt.set(id, name);
        out.push({ path: name, card: card as Card });
      }
    } finally {
      ahead?.stop();
    }
    return out;
  }

  /** Streams the records of one app's data, chunk by chunk, verifying every chunk. */
  async *records(app: string): AsyncGenerator<Record<string, unknown>> {
    for await (const batch of this.recordLines(app)) {
      for (let k = 0; k < batch.lines.length; k++) {
        const rec = parseRecordLine(batch.lines[k], batch.first + k, batch.chunk);
        if (rec !== undefined) yield rec as Record<string, unknown>;
      }
    }
  }

  /**
   * The lines of one app's data as they are stored, a read's worth at a time (empty lines
   * included, so `first + k` is line k's number in its chunk). Each chunk is hashed as it streams
   * and checked against the index after its last batch; nothing else is checked here: a line is
   * taken as it is (recordScan.ts) or through `parseRecordLine`, which refuses what `records` refuses.
   */
  async *recordLines(app: string): AsyncGenerator<RecordLineBatch> {
    const set = this.descriptor.data.find((d) => d.app === app);
    if (!set) throw new PackageError(`the package has no data for ${app}`);
    for (const chunk of set.chunks) {
      const entry = this.entry(chunk);
      const stream = await openStream(this.zip, entry, chunk);
      const hash = createHash('sha256');
      stream.on('data', (b: Buffer) => hash.update(b));
      let n = 1;
      for await (const lines of byteLines(stream)) {
        yield { chunk, first: n, lines };
        n += lines.length;
      }
      this.verifyHash(chunk, hash.digest('hex'));
    }
  }

  /**
   * Reads every entry once (or those `include` accepts): hashes against the index, parses JSON
   * entries, and checks every line of a data chunk the way an import takes it (`recordLineId`: no
   * key twice in a data set), and that each data set read holds as many records as the descriptor says. `inspect`, `unpack`
   * and the package view run it whole; an import's checks leave the data out (the import checks
   * each line as it writes it, and fails whole on the first it refuses). It fails on the first
   * problem, naming the entry. An aborted `signal` stops it before the next entry, with its reason.
   */
  async verify(onProgress?: (done: number, total: number) => void, include: (name: string) => boolean = () => true, signal?: AbortSignal): Promise<void> {
    const total = this.descriptor.entries.filter((e) => include(e.path)).reduce((n, e) => n + e.size, 0);
    let done = 0;
    // Records are counted for the data sets read whole, a set without chunks among them.
    const tallies: { set: DataSet; records: number; ids: RecordIds }[] = [];
    const counted = new Map<string, { set: DataSet; records: number; ids: RecordIds }>();
    for (const set of this.descriptor.data) {
      if (!set.chunks.every(include)) continue;
      const tally = { set, records: 0, ids: new RecordIds() };
      tallies.push(tally);
      for (const c of set.chunks) counted.set(c, tally);
    }
    for (const [name, entry] of this.entries) {
      if (name === DESCRIPTOR || name.endsWith('/') || !include(name)) continue;
      signal?.throwIfAborted();
      const stream = await openStream(this.zip, entry, name);
      const hash = createHash('sha256');
      const json = name.endsWith('.json');
      const tally = counted.get(name);
      const parts: Buffer[] = [];
      let problem: string | undefined;
      try {
        if (tally) {
          // Lines are checked as they stream; the hash covers the bytes, to the end even after a
          // bad line, so a damaged chunk is told as damaged rather than as a bad record.
          stream.on('data', (b: Buffer) => {
            hash.update(b);
            done += b.length;
            onProgress?.(done, total);
          });
          let n = 1;
          const c = tally.set.chunks.indexOf(name);
          for await (const lines of byteLines(stream)) {
            if (problem) continue;
            for (const line of lines) {
              const r = recordLineId(line, n++);
              if (!r) continue;
              if ('problem' in r) problem = r.problem;
              else {
                // Two records with one key would be one record in an environment.
                const earlier = tally.ids.repeated(r.id, recordWhere(c, n - 1));
                if (earlier !== undefined) problem = repeatedRecord(tally.set.chunks, c, n - 1, r.id, earlier);
              }
              if (problem) break;
              tally.records++;
            }
          }
        } else {
          for await (const b of stream as AsyncIterable<Buffer>) {
            hash.update(b);
            if (json) parts.push(b);
            done += b.length;
            onProgress?.(done, total);
          }
        }
      } catch (e) {
        throw new PackageError(`damaged entry (${(e as Error).message})`, name);
      }
      this.verifyHash(name, hash.digest('hex'));
      if (problem) throw new PackageError(problem, name);
      if (json) {
        const parsed = parseJsonEntry(Buffer.concat(parts), name);
        if (name.endsWith('.card.json')) this.verifiedJson.set(name, parsed);
      }
    }
    for (const { set, records } of tallies) {
      if (records !== set.records) throw new PackageError(`data of ${set.app}: the descriptor says ${set.records} record(s), the chunks hold ${records}`);
    }
  }

  private entry(name: string): yauzl.Entry {
    const e = this.entries.get(name);
    if (!e) throw new PackageError('no such entry in the package', name);
    return e;
  }

  private verifyHash(name: string, actual: string): void {
    // A map, not a search of the index per entry: that is quadratic, minutes for 66,000 entries.
    this.sha256Of ??= new Map(this.descriptor.entries.map((e) => [e.path, e.sha256]));
    const expected = this.sha256Of.get(name);
    if (expected !== actual) throw new PackageError(`checksum mismatch: the index says sha256 ${expected?.slice(0, 12)}…, the content is ${actual.slice(0, 12)}…`, name);
  }
}

const ESCAPE_U = Buffer.from('\\u');

/** The cards of a package held in memory (or those of `names`), inflating ahead of `cards()` with their hashes. */
function cardsAhead(bytes: Buffer, entries: Map<string, yauzl.Entry>, limits: ReadLimits, names?: string[]): Ahead {
  const list: { name: string; entry: yauzl.Entry }[] = [];
  if (names) for (const name of names) list.push({ name, entry: entries.get(name)! });
  else for (const [name, entry] of entries) if (name.endsWith('.card.json')) list.push({ name, entry });
  return inflateAhead(bytes, list, limits.maxEntryBytes, { bodyHashes: true });
}

/** A package opened before, held in memory (`PackageReader.opened`). */
export interface OpenedPackage {
  entries: Map<string, yauzl.Entry>;
  descriptor: Descriptor;
  limits: ReadLimits;
  bytes: Buffer;
}

/** Lines of a data chunk as `PackageReader.recordLines` hands them over. */
export interface RecordLineBatch {
  /** The chunk's entry name. */
  chunk: string;
  /** Number (from 1) of the first line in its chunk. */
  first: number;
  lines: Buffer[];
}

/**
 * One line of a data chunk parsed, refused as the package's fault (malformed JSON, nesting deeper
 * than the limit, text no environment stores), naming the chunk and line `n`; undefined for an
 * empty line.
 */
export function parseRecordLine(raw: Buffer, n: number, chunk: string): unknown {
  const r = readRecordLine(raw, n);
  if ('why' in r) throw new PackageError(r.why, chunk);
  return r.rec;
}

/** `parseRecordLine` without the throw: the value, or why the line is the package's fault. */
function readRecordLine(raw: Buffer, n: number): { rec: unknown } | { why: string } {
  if (raw.length === 0) return { rec: undefined };
  // Decoding would turn such bytes into U+FFFD without a word: the record would import changed.
  if (!isUtf8(raw)) return { why: `line ${n} is not UTF-8` };
  let rec: unknown;
  try {
    rec = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    return { why: `line ${n} is malformed JSON (${(e as Error).message})` };
  }
  if (mayBeDeeperThan(raw) && deeperThan(rec)) return { why: `line ${n} nests objects or lists deeper than ${MAX_JSON_DEPTH} levels` };
  // NUL and unpaired surrogates can only come from \u escapes (raw ones are not JSON).
  if (raw.indexOf(ESCAPE_U) !== -1) {
    const why = unstorableText(rec);
    if (why) return { why: `line ${n} holds ${why}, which no environment stores` };
  }
  return { rec };
}

/**
 * Why one line of a data chunk is not a record an environment imports, as the import refuses it
 * (`n` is its line number), or undefined; an empty line is no record and no problem. Most lines pass
 * the byte scan (recordScan.ts) without being parsed.
 */
export function recordLineProblem(raw: Buffer, n: number): string | undefined {
  const r = recordLineId(raw, n);
  return r && 'problem' in r ? r.problem : undefined;
}

/**
 * A data chunk's line as an import takes it: the record's key (`recordKey`: the id the
 * environment stores), or why it is refused (`recordLineProblem`); undefined for an empty line.
 */
export function recordLineId(raw: Buffer, n: number): { id: string } | { problem: string } | undefined {
  if (raw.length === 0) return undefined;
  const scanned = scanRecord(raw);
  if (scanned) return { id: scanned.id };
  const r = readRecordLine(raw, n);
  if ('why' in r) return { problem: r.why };
  const why = recordProblem(r.rec);
  return why ? { problem: `line ${n}: ${why}` } : { id: recordKey((r.rec as { id: string | number }).id) };
}

/**
 * Where a data record was read in a package, as one number for `RecordIds`: the chunk's place in
 * its data set and the line (a chunk holds far fewer than 2^32 lines).
 */
export function recordWhere(chunk: number, line: number): number {
  return chunk * 2 ** 32 + line;
}

/**
 * Why the record on line `n` of chunk `chunk` of a data set is refused: the record at `earlier`
 * (`recordWhere`) has its key. Names the earlier line in its chunk when that is another one.
 */
export function repeatedRecord(chunks: readonly string[], chunk: number, n: number, key: string, earlier: number): string {
  const at = Math.floor(earlier / 2 ** 32);
  const line = `line ${earlier % 2 ** 32}`;
  return `line ${n}: ${repeatedIdProblem(key, at === chunk ? line : `${chunks[at]} ${line}`, true)}`;
}

/** Why a parsed record line is not a record an environment imports (it has no usable id), or undefined: the check's rule. */
export const recordProblem = recordShapeProblem;

/** Descriptor hashes, kept beside the descriptor object rather than in the descriptor itself (which is the package's JSON). */
const descriptorSha256 = new WeakMap<Descriptor, string>();

/**
 * Opens a package file for reading, refusing anything but a regular file (messages leave the
 * file's name to the caller, as for every whole-file problem). Non-blocking, so a FIFO
 * answers at once instead of waiting forever for a writer; the type is taken from the opened
 * descriptor, so nothing can swap the file between the check and the read.
 */
export async function openRegularFile(file: string): Promise<number> {
  // Plain descriptors, not a FileHandle: a FileHandle that is collected closes its descriptor under the zip reader.
  let fd: number;
  try {
    fd = await promisify(fs.open)(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PackageError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a package file' : `cannot be opened (${(e as Error).message})`);
  }
  const st = await promisify(fs.fstat)(fd).catch((e: Error) => {
    fs.close(fd, () => undefined);
    throw new PackageError(`cannot be read (${e.message})`);
  });
  if (!st.isFile()) {
    fs.close(fd, () => undefined);
    throw new PackageError(`is not a regular file (${st.isFIFO() ? 'a named pipe' : st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : 'a device'}); only package files are read`);
  }
  return fd;
}

/**
 * Parses a JSON entry, refusing malformed JSON and nesting deeper than the limit, naming the entry.
 * `manyBrackets`: whether the bytes hold more opening brackets than the limit, when a scan found out already.
 */
function parseJsonEntry(buf: Buffer, name: string, manyBrackets?: boolean): unknown {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new PackageError(`malformed JSON (${(e as Error).message})`, name);
  }
  if (mayBeDeeperThan(buf, MAX_JSON_DEPTH, manyBrackets) && deeperThan(v)) throw new PackageError(`nests objects or lists deeper than ${MAX_JSON_DEPTH} levels`, name);
  return v;
}

function parseDescriptor(buf: Buffer): Descriptor {
  // A text of n bytes holds at most n such values: only a large one is counted.
  if (buf.length > MAX_DESCRIPTOR_VALUES && valuesIn(buf) > MAX_DESCRIPTOR_VALUES) {
    throw new PackageError(`holds more than ${MAX_DESCRIPTOR_VALUES} values; no package's index and history need that many`, DESCRIPTOR);
  }
  const d = parseJsonEntry(buf, DESCRIPTOR) as Descriptor;
  if (typeof d !== 'object' || d === null || d.format !== PACKAGE_FORMAT) throw new PackageError(`"format" is not "${PACKAGE_FORMAT}": not an Isola package`, DESCRIPTOR);
  if (!Number.isInteger(d.formatVersion) || d.formatVersion < 1) throw new PackageError('"formatVersion" must be a positive whole number', DESCRIPTOR);
  if (d.formatVersion > FORMAT_VERSION) {
    throw new PackageError(`format version ${d.formatVersion} is newer than this Isola reads (up to ${FORMAT_VERSION}); update Isola to open it`, DESCRIPTOR);
  }
  if (!Array.isArray(d.entries) || d.entries.some((e) => typeof e?.path !== 'string' || typeof e.sha256 !== 'string' || typeof e.size !== 'number')) {
    throw new PackageError('"entries" must list { path, sha256, size } for every entry', DESCRIPTOR);
  }
  if (!Array.isArray(d.data)) d.data = [];
  if (typeof d.history !== 'object' || d.history === null) d.history = {};
  return d;
}

/** `{`, `[` and `,` bytes, inside strings too (an over-count only ever refuses sooner). */
function valuesIn(buf: Buffer): number {
  let n = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x7b || b === 0x5b || b === 0x2c) n++;
  }
  return n;
}

function checkIndex(d: Descriptor, entries: Map<string, yauzl.Entry>): void {
  const indexed = new Map(d.entries.map((e) => [e.path, e]));
  for (const [name, entry] of entries) {
    if (name === DESCRIPTOR || name.endsWith('/')) continue;
    const i = indexed.get(name);
    if (!i) throw new PackageError(`is not in the descriptor's index (added after the package was built?)`, name);
    if (i.size !== entry.uncompressedSize) throw new PackageError(`is ${entry.uncompressedSize} bytes, the index says ${i.size}`, name);
  }
  for (const name of indexed.keys()) if (!entries.has(name)) throw new PackageError('is listed in the index but missing from the package', name);
}

/** Output buffer of the inflater: zlib's default 16 KB cost a callback per 16 KB, most of the read time. */
const INFLATE_CHUNK = 256 * 1024;

/**
 * An entry's content as a stream. yauzl hands over the raw bytes and Isola inflates them with a
 * larger output buffer (reading a package took half the time with it); the size the central
 * directory declares is enforced on the way, so a bomb whose headers lie stops at the first
 * byte past it.
 */
async function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<Readable> {
  const deflated = entry.compressionMethod === 8;
  if (!deflated && entry.compressionMethod !== 0) {
    throw new PackageError(`uses compression method ${entry.compressionMethod}; only stored and deflated entries are read`, name);
  }
  return new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(entry, deflated ? { decompress: false } : {}, (err, s) => (err ? reject(new PackageError(`cannot be read (${err.message})`, name)) : resolve(s!))),
  ).then((raw) => {
    const out = declaredSize(entry.uncompressedSize);
    out.on('error', () => undefined); // surfaced by the consumer's iteration
    const stages: NodeJS.ReadWriteStream[] = deflated ? [createInflateRaw({ chunkSize: INFLATE_CHUNK }), out] : [out];
    pipeline([raw, ...stages], () => undefined);
    return out;
  });
}

/** Passes bytes through, failing as soon as they exceed `size`, or at the end when they fall short of it. */
function declaredSize(size: number): Transform {
  let n = 0;
  return new Transform({
    transform(b: Buffer, _enc, cb) {
      n += b.length;
      if (n > size) cb(new Error(`too many bytes in the stream: expected ${size}, got at least ${n}`));
      else cb(null, b);
    },
    flush(cb) {
      cb(n < size ? new Error(`too few bytes in the stream: expected ${size}, got ${n}`) : null);
    },
  });
}

async function readWhole(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, max: number): Promise<Buffer> {
  if (entry.uncompressedSize > max) throw new PackageError(`is too large to read whole (${entry.uncompressedSize} bytes)`, name);
  const stream = await openStream(zip, entry, name);
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const b of stream as AsyncIterable<Buffer>) {
      n += b.length;
      if (n > max) throw new PackageError(`expands past ${max} bytes`, name);
      parts.push(b);
    }
  } catch (e) {
    throw e instanceof PackageError ? e : new PackageError(`damaged entry (${(e as Error).message})`, name);
  }
  return Buffer.concat(parts);
}
