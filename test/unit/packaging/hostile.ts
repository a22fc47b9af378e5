/**
 * Makers of hostile `.isolapkg` files: zips written with yazl (a zip writer like Isola's own),
 * then patched byte by byte where yazl refuses to write something (unsafe names, flags, sizes).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createWriteStream, promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { EntryInfo } from '../../../server/src/core/packaging/format';
import type { Ahead, AheadEntry } from '../../../server/src/core/packaging/inflateAhead';

export const REPO = path.resolve(__dirname, '../../../..');
export const CLI = path.join(REPO, 'dist/cli.js');

/** Runs the bundled CLI as a user would. */
export function isola(args: string[], cwd = REPO): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file and folder under `dir` with its size and mtime: compare two snapshots to see that nothing was written. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const s = statSync(p);
      out.push(`${path.relative(dir, p)} ${s.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

export type Content = Buffer | string | (() => Readable);

/** One entry to write; `compress` defaults to true. */
export interface ZipEntry {
  name: string;
  data: Content;
  compress?: boolean;
  /** The entry's comment in the central directory. */
  comment?: string;
}

const MTIME = new Date('2024-01-01T00:00:00Z');

/** Writes entries into a zip with yazl, in order, streaming the ones given as streams. */
export async function writeZip(file: string, entries: ZipEntry[]): Promise<void> {
  const zip = new ZipFile();
  const out = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject);
  });
  zip.outputStream.pipe(out);
  for (const e of entries) {
    const opts = { mtime: MTIME, compress: e.compress ?? true, ...(e.comment ? { fileComment: e.comment } : {}) };
    if (typeof e.data === 'function') zip.addReadStream(e.data(), e.name, opts);
    else zip.addBuffer(Buffer.from(e.data), e.name, opts);
  }
  zip.end();
  await done;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The index entries of buffer contents, as the descriptor lists them. */
export function indexOf(entries: ZipEntry[]): EntryInfo[] {
  return entries.map((e) => {
    const b = typeof e.data === 'function' ? Buffer.alloc(0) : Buffer.from(e.data);
    return { path: e.name, sha256: sha256(b), size: b.length };
  });
}

/** A valid descriptor over an index; `over` replaces or adds top-level properties. */
export function descriptor(index: EntryInfo[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'isola-package', formatVersion: 1, kind: 'workspace', code: 'ws', title: 'Hostile', version: '1.0.0',
    options: { design: 'all', data: 'none' }, createdAt: '2024-01-01T00:00:00.000Z', createdBy: 'test', source: 'test',
    tool: { name: 'isola-test', version: '0' }, steps: [{ step: 'groups', cards: 1 }], data: [], entries: index, history: {},
    ...over,
  };
}

/** A well-formed card. */
export function cardJson(id = 'ws.g', type = 'group'): string {
  const [namespace, code] = [id.split('.')[0], id.split('.').slice(1).join('.')];
  const body = { code, title: `Card ${code}` };
  return JSON.stringify({ id, type, namespace, code, deleted: false, hash: sha256(JSON.stringify(body)), body }, null, 2) + '\n';
}

/** The entries of a small sound package (without its descriptor). */
export function soundEntries(): ZipEntry[] {
  return [
    { name: 'groups/ws.g.card.json', data: cardJson('ws.g') },
    { name: 'groups/ws.h.card.json', data: cardJson('ws.h') },
    { name: 'scripts/ws.p.s.ts', data: 'export async function run(): Promise<void> {}\n' },
  ];
}

export interface PackageSpec {
  entries?: ZipEntry[];
  /** The descriptor: an object, raw text, or null for none. Default: a sound one over `index`. */
  meta?: Record<string, unknown> | string | null;
  /** The index the default descriptor lists. Default: that of `entries`. */
  index?: EntryInfo[];
}

/** Writes a package: its entries, then `meta_data.json` (as the builder does). */
export async function writePackage(file: string, spec: PackageSpec = {}): Promise<void> {
  const entries = spec.entries ?? soundEntries();
  const meta = spec.meta === undefined ? descriptor(spec.index ?? indexOf(entries)) : spec.meta;
  const all = [...entries];
  if (meta !== null) all.push({ name: 'meta_data.json', data: typeof meta === 'string' ? meta : JSON.stringify(meta, null, 2) });
  await writeZip(file, all);
}

// ---- byte patching -------------------------------------------------------------------------

interface Located {
  name: string;
  /** Offset of the central directory record. */
  central: number;
  /** Offset of the local file header. */
  local: number;
}

/** The entries of a (non-ZIP64) zip, located through its central directory. */
export function locate(buf: Buffer): Located[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: Located[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`no central directory record at ${p}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    out.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), central: p, local: buf.readUInt32LE(p + 42) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function find(buf: Buffer, name: string): Located {
  const e = locate(buf).find((x) => x.name === name);
  if (!e) throw new Error(`no entry ${name} to patch`);
  return e;
}

/** Reads a zip, patches it, writes it back. */
export async function patchFile(file: string, patch: (buf: Buffer) => void): Promise<void> {
  const buf = await fs.readFile(file);
  patch(buf);
  await fs.writeFile(file, buf);
}

/** Renames an entry in its local header and central directory record (names of the same byte length). */
export function rename(buf: Buffer, from: string, to: string): void {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  if (a.length !== b.length) throw new Error(`rename needs names of the same length: ${from} / ${to}`);
  const e = find(buf, from);
  b.copy(buf, e.central + 46);
  if (buf.toString('utf8', e.local + 30, e.local + 30 + a.length) !== from) throw new Error(`local header of ${from} not found`);
  b.copy(buf, e.local + 30);
}

/** Sets general purpose flag bits of an entry (local header and central directory). */
export function setFlags(buf: Buffer, name: string, bits: number): void {
  const e = find(buf, name);
  buf.writeUInt16LE(buf.readUInt16LE(e.central + 8) | bits, e.central + 8);
  buf.writeUInt16LE(buf.readUInt16LE(e.local + 6) | bits, e.local + 6);
}

/** Overwrites an entry's compression method in both its headers (12 is bzip2, which Isola never writes). */
export function setMethod(buf: Buffer, name: string, method: number): void {
  const e = find(buf, name);
  buf.writeUInt16LE(method, e.central + 10);
  buf.writeUInt16LE(method, e.local + 8);
}

/** Overwrites the uncompressed size an entry declares (a lie the headers tell). */
export function setUncompressedSize(buf: Buffer, name: string, size: number): void {
  const e = find(buf, name);
  buf.writeUInt32LE(size, e.central + 24);
  if ((buf.readUInt16LE(e.local + 6) & 0x08) === 0) buf.writeUInt32LE(size, e.local + 22);
}

/** Where an entry's stored data starts (after its local header). */
export function dataOffset(buf: Buffer, name: string): number {
  const e = find(buf, name);
  return e.local + 30 + buf.readUInt16LE(e.local + 26) + buf.readUInt16LE(e.local + 28);
}

/** A stream of `bytes` zero bytes, 1 MiB at a time (memory stays flat). */
export function zeros(bytes: number): () => Readable {
  return () => {
    const chunk = Buffer.alloc(1 << 20);
    let left = bytes;
    return new Readable({
      read() {
        if (left <= 0) return void this.push(null);
        const n = Math.min(left, chunk.length);
        left -= n;
        this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      },
    });
  };
}

/** The entries of an `inflateAhead` one after another, for `for await`. */
export async function* entriesAhead(ahead: Ahead): AsyncGenerator<AheadEntry> {
  try {
    for (let e = ahead.next(); e !== undefined; e = ahead.next()) {
      const got = e instanceof Promise ? await e : e;
      if (got === undefined) return;
      yield got;
    }
  } finally {
    ahead.stop();
  }
}
