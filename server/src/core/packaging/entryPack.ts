import { promisify } from 'node:util';
import { createDeflateRaw, deflateRaw, inflateRaw, type DeflateRaw } from 'node:zlib';
import { expandsLikeABomb } from './format';
import { crc32, PackedEntry } from './zipOut';

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/**
 * An entry held in memory, deflated when `compress` says so. One whose deflated form would expand
 * more than a reader takes from a zip (`expandsLikeABomb`: 1 MiB of one repeated line deflates
 * over 1000 times) is deflated with its start kept as it is (`cappedDeflate`): a package the
 * writer makes is one its reader opens, and still small.
 */
export async function packBuffer(name: string, data: Buffer, compress: boolean): Promise<PackedEntry> {
  const crc = crc32(data);
  if (compress) {
    const deflated = await deflate(data);
    if (!expandsLikeABomb(data.length, deflated.length)) return { name, method: 8, crc32: crc, size: data.length, data: [deflated] };
    const capped = await cappedDeflate(data);
    if (capped) return { name, method: 8, crc32: crc, size: data.length, data: capped };
  }
  return { name, method: 0, crc32: crc, size: data.length, data: [data] };
}

/** The ratio a capped entry aims at: half the reader's limit, whatever deflate makes of the rest. */
const CAPPED_RATIO = 100;
/** Most bytes one stored deflate block holds. */
const STORED_BLOCK = 0xffff;

/**
 * A raw deflate stream of `data` that expands at most `CAPPED_RATIO` times: its first
 * `size / CAPPED_RATIO` bytes as stored blocks (deflate's own way to carry bytes as they are,
 * which every inflater reads), then the rest deflated. 24 MB of one repeated phrase becomes about
 * 270 KB instead of 24 MB stored. Undefined in the unlikely case it still expands too much.
 */
export async function cappedDeflate(data: Buffer): Promise<Buffer[] | undefined> {
  const keep = Math.min(data.length, Math.ceil(data.length / CAPPED_RATIO));
  const parts: Buffer[] = [];
  for (let at = 0; at < keep; at += STORED_BLOCK) {
    const block = data.subarray(at, Math.min(keep, at + STORED_BLOCK));
    // Not the last block (BFINAL 0), stored (BTYPE 00): the header's byte, then LEN and its complement.
    const head = Buffer.alloc(5);
    head.writeUInt16LE(block.length, 1);
    head.writeUInt16LE(~block.length & 0xffff, 3);
    parts.push(head, block);
  }
  // The rest as a stream of its own: it ends with the final block, and begins on a byte boundary.
  parts.push(await deflate(data.subarray(keep)));
  const size = parts.reduce((n, b) => n + b.length, 0);
  return expandsLikeABomb(data.length, size) ? undefined : parts;
}

/**
 * An entry whose content arrives in pieces (a data chunk), deflated on zlib's threads as it comes
 * and kept deflated in memory until `finish`, which stores it instead when the deflated form
 * would expand like a bomb. Memory holds the deflated chunk, bounded by the chunk's size.
 */
export class DeflatingEntry {
  private readonly deflater: DeflateRaw = createDeflateRaw();
  private readonly parts: Buffer[] = [];
  private crc = 0;
  private size = 0;
  private failure: Error | undefined;

  constructor(private readonly name: string) {
    this.deflater.on('data', (b: Buffer) => this.parts.push(b));
    this.deflater.on('error', (e: Error) => (this.failure = e));
  }

  /** Adds content; resolves once the deflater can take more. */
  async write(b: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.crc = crc32(b, this.crc);
    this.size += b.length;
    if (!this.deflater.write(b)) await new Promise<void>((resolve, reject) => {
      const done = (e?: Error) => {
        this.deflater.off('drain', done).off('error', done);
        if (e) reject(e);
        else resolve();
      };
      this.deflater.on('drain', done).on('error', done);
    });
  }

  /** The entry as the zip takes it, once all its content is deflated. */
  async finish(): Promise<PackedEntry> {
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.deflater.once('error', reject);
      this.deflater.once('end', resolve);
      this.deflater.end();
    });
    const deflated = this.parts.reduce((n, b) => n + b.length, 0);
    if (!expandsLikeABomb(this.size, deflated)) return { name: this.name, method: 8, crc32: this.crc, size: this.size, data: this.parts };
    // The content is rebuilt from the deflated bytes (it inflates at memory speed); only such an entry is ever held whole.
    const content = await inflate(Buffer.concat(this.parts, deflated));
    const capped = await cappedDeflate(content);
    if (capped) return { name: this.name, method: 8, crc32: this.crc, size: this.size, data: capped };
    return { name: this.name, method: 0, crc32: this.crc, size: this.size, data: [content] };
  }

  /** Frees the deflater of an entry that will not be written. */
  destroy(): void {
    this.deflater.destroy();
  }
}
