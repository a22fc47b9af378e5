import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';

/** One entry as it goes into the zip: its bytes stored or deflated, with the CRC and size of its content. */
export interface PackedEntry {
  name: string;
  /** 0: stored, 8: deflated. */
  method: 0 | 8;
  crc32: number;
  /** Bytes of the content. */
  size: number;
  /** The bytes the zip holds (the content itself when stored). */
  data: Buffer[];
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_RECORD = 0x06054b50;
const ZIP64_END_RECORD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
/** Made on Unix (3), by the zip specification 6.3; as yazl wrote them, so unzip shows the same. */
const MADE_BY = (3 << 8) | 63;
const NEEDS = 20;
const NEEDS_ZIP64 = 45;
const UTF8_NAME = 1 << 11;
/** A regular file, rw-rw-r--. */
const FILE_MODE = 0o100664;
/** Past this an offset or a size takes its ZIP64 field. */
const MAX32 = 0xfffffffe;

/**
 * Writes a zip file entry by entry, each whole: every entry's CRC and sizes are known before its
 * local header, so the writer decides per entry whether to deflate or store (entryPack.ts); a
 * stream writer fixes the method before the first byte. Names are UTF-8; offsets past 4 GiB and
 * 65,535 entries or more get ZIP64 fields (APPNOTE 4.5.3) and end records.
 */
export class ZipOut {
  private cursor = 0;
  private readonly central: Buffer[] = [];
  private count = 0;
  private readonly dosTime: number;
  private readonly dosDate: number;
  private readonly unixTime: number;

  /** `zip64` writes ZIP64 fields and end records even where a small zip needs none (tests). */
  constructor(private readonly out: Writable, mtime: Date, private readonly zip64 = false) {
    ({ time: this.dosTime, date: this.dosDate } = dosDateTime(mtime));
    this.unixTime = Math.max(-0x80000000, Math.min(0x7fffffff, Math.floor(mtime.getTime() / 1000)));
  }

  /** Writes one entry, waiting while the output is full. */
  async add(e: PackedEntry): Promise<void> {
    const name = Buffer.from(e.name, 'utf8');
    const stored = e.data.reduce((n, b) => n + b.length, 0);
    // Content past 4 GiB would need ZIP64 sizes in the local header too; no package entry comes
    // near (a reader takes 1 GiB at most).
    if (e.size > MAX32 || stored > MAX32) throw new Error(`${e.name}: an entry of 4 GiB or more cannot be written`);
    const at = this.cursor;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(NEEDS, 4);
    local.writeUInt16LE(UTF8_NAME, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(this.dosTime, 10);
    local.writeUInt16LE(this.dosDate, 12);
    local.writeUInt32LE(e.crc32, 14);
    local.writeUInt32LE(stored, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    await this.write([local, name, ...e.data]);
    this.central.push(this.centralRecord(e, name, stored, at));
    this.count++;
  }

  /** Writes the central directory and the end records, and ends the output. */
  async end(): Promise<void> {
    const start = this.cursor;
    await this.write(this.central);
    const size = this.cursor - start;
    const zip64 = this.zip64 || this.count >= 0xffff || size > MAX32 || start > MAX32;
    const tail: Buffer[] = [];
    if (zip64) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(ZIP64_END_RECORD, 0);
      record.writeBigUInt64LE(44n, 4); // the record's size after this field
      record.writeUInt16LE(MADE_BY, 12);
      record.writeUInt16LE(NEEDS_ZIP64, 14);
      record.writeBigUInt64LE(BigInt(this.count), 24);
      record.writeBigUInt64LE(BigInt(this.count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeBigUInt64LE(BigInt(this.cursor), 8);
      locator.writeUInt32LE(1, 16);
      tail.push(record, locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_RECORD, 0);
    end.writeUInt16LE(zip64 ? 0xffff : this.count, 8);
    end.writeUInt16LE(zip64 ? 0xffff : this.count, 10);
    end.writeUInt32LE(zip64 ? 0xffffffff : size, 12);
    end.writeUInt32LE(zip64 ? 0xffffffff : start, 16);
    tail.push(end);
    await this.write(tail);
    this.out.end();
  }

  private centralRecord(e: PackedEntry, name: Buffer, stored: number, at: number): Buffer {
    const zip64 = this.zip64 || at > MAX32;
    // Info-ZIP's universal time: the modification time in UTC, which the DOS fields lack.
    const ut = Buffer.alloc(9);
    ut.writeUInt16LE(0x5455, 0);
    ut.writeUInt16LE(5, 2);
    ut.writeUInt8(3, 4);
    ut.writeInt32LE(this.unixTime, 5);
    const extra = [ut];
    if (zip64) {
      const z = Buffer.alloc(28);
      z.writeUInt16LE(0x0001, 0);
      z.writeUInt16LE(24, 2);
      z.writeBigUInt64LE(BigInt(e.size), 4);
      z.writeBigUInt64LE(BigInt(stored), 12);
      z.writeBigUInt64LE(BigInt(at), 20);
      extra.push(z);
    }
    const r = Buffer.alloc(46);
    r.writeUInt32LE(CENTRAL_HEADER, 0);
    r.writeUInt16LE(MADE_BY, 4);
    r.writeUInt16LE(zip64 ? NEEDS_ZIP64 : NEEDS, 6);
    r.writeUInt16LE(UTF8_NAME, 8);
    r.writeUInt16LE(e.method, 10);
    r.writeUInt16LE(this.dosTime, 12);
    r.writeUInt16LE(this.dosDate, 14);
    r.writeUInt32LE(e.crc32, 16);
    r.writeUInt32LE(zip64 ? 0xffffffff : stored, 20);
    r.writeUInt32LE(zip64 ? 0xffffffff : e.size, 24);
    r.writeUInt16LE(name.length, 28);
    r.writeUInt16LE(ut.length + (zip64 ? 28 : 0), 30);
    r.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    r.writeUInt32LE(zip64 ? 0xffffffff : at, 42);
    return Buffer.concat([r, name, ...extra]);
  }

  private async write(parts: Buffer[]): Promise<void> {
    const out = this.out;
    const failed = () => out.errored ?? new Error('the output was closed before the zip was complete');
    if (out.destroyed) throw failed();
    let full = false;
    for (const b of parts) {
      if (b.length === 0) continue;
      full = !out.write(b) || full;
      this.cursor += b.length;
    }
    if (!full) return;
    // A failed disk ends the write here: the output errs or closes instead of draining.
    await new Promise<void>((resolve, reject) => {
      const done = (e?: Error) => {
        out.off('drain', drained).off('error', done).off('close', closed);
        if (e) reject(e);
        else resolve();
      };
      const drained = () => done();
      const closed = () => done(failed());
      if (out.destroyed) return closed();
      out.on('drain', drained).on('error', done).on('close', closed);
    });
  }
}

/** The DOS date and time of `d` in local time (as zip tools show it), within what DOS dates hold. */
function dosDateTime(d: Date): { date: number; time: number } {
  const min = new Date(1980, 0, 1);
  const max = new Date(2107, 11, 31, 23, 59, 58);
  const t = d < min ? min : d > max ? max : d;
  return {
    date: ((t.getFullYear() - 1980) << 9) | ((t.getMonth() + 1) << 5) | t.getDate(),
    time: (t.getHours() << 11) | (t.getMinutes() << 5) | (t.getSeconds() >> 1),
  };
}

/** CRC-32 of the zip format, continuing from `value`: zlib's since Node 20.15, a table before. */
export const crc32: (data: Buffer, value?: number) => number = zlib.crc32 ?? tableCrc32;

let table: Int32Array | undefined;
function tableCrc32(data: Buffer, value = 0): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
