import * as yauzl from 'yauzl';

const CENTRAL_HEADER = 0x02014b50;
const CENTRAL_HEADER_BYTES = 46;

/**
 * Reads the central directory of a zip held in memory in one synchronous pass, handing each entry
 * to `visit`; false (nothing read) when the opened zip does not say where its directory starts,
 * and the caller walks it with yauzl. yauzl's own walk reads each record through two callbacks,
 * two buffers and an event, which for 10,000 entries was a third of a second; this pass makes the
 * same checks in the same order with the same messages (yauzl 3.x, `decodeStrings: false`,
 * `validateEntrySizes: true`): a record cut short, a wrong signature, strong encryption, malformed
 * extra fields, ZIP64 fields that are missing, and stored entries whose sizes disagree. `visit`
 * sees each entry as soon as it is read, before the next is, as yauzl's `entry` event does; an
 * error of the zip's own (not `visit`'s) is thrown as `ZipDirectoryError`.
 */
export function centralDirectory(bytes: Buffer, zip: yauzl.ZipFile, visit: (entry: yauzl.Entry) => void): boolean {
  // Where yauzl found the directory (the ZIP64 record's offset included) when it opened the zip.
  let at = (zip as unknown as { readEntryCursor: unknown }).readEntryCursor;
  if (typeof at !== 'number' || !Number.isSafeInteger(zip.entryCount)) return false;
  for (let n = 0; n < zip.entryCount; n++) {
    if (at + CENTRAL_HEADER_BYTES > bytes.length) throw new ZipDirectoryError('unexpected EOF');
    const signature = bytes.readUInt32LE(at);
    if (signature !== CENTRAL_HEADER) throw new ZipDirectoryError(`invalid central directory file header signature: 0x${signature.toString(16)}`);
    const e = new DirectoryEntry(bytes);
    e.versionMadeBy = bytes.readUInt16LE(at + 4);
    e.versionNeededToExtract = bytes.readUInt16LE(at + 6);
    e.generalPurposeBitFlag = bytes.readUInt16LE(at + 8);
    e.compressionMethod = bytes.readUInt16LE(at + 10);
    e.lastModFileTime = bytes.readUInt16LE(at + 12);
    e.lastModFileDate = bytes.readUInt16LE(at + 14);
    e.crc32 = bytes.readUInt32LE(at + 16);
    e.compressedSize = bytes.readUInt32LE(at + 20);
    e.uncompressedSize = bytes.readUInt32LE(at + 24);
    e.fileNameLength = bytes.readUInt16LE(at + 28);
    e.extraFieldLength = bytes.readUInt16LE(at + 30);
    e.fileCommentLength = bytes.readUInt16LE(at + 32);
    e.internalFileAttributes = bytes.readUInt16LE(at + 36);
    e.externalFileAttributes = bytes.readUInt32LE(at + 38);
    e.relativeOffsetOfLocalHeader = bytes.readUInt32LE(at + 42);
    if (e.generalPurposeBitFlag & 0x40) throw new ZipDirectoryError('strong encryption is not supported');
    at += CENTRAL_HEADER_BYTES;
    const variable = e.fileNameLength + e.extraFieldLength + e.fileCommentLength;
    if (variable > 0 && at + variable > bytes.length) throw new ZipDirectoryError('unexpected EOF');
    const nameEnd = at + e.fileNameLength;
    const extraEnd = nameEnd + e.extraFieldLength;
    // Names stay bytes (`decodeStrings: false`): the reader decodes them by the UTF-8 flag.
    e.fileNameRaw = bytes.subarray(at, nameEnd);
    (e as { fileName: unknown }).fileName = e.fileNameRaw;
    e.extraAt = nameEnd;
    e.commentAt = extraEnd;
    // Checked here as yauzl parses them; cut out only when asked for (DirectoryEntry).
    const zip64At = extraFieldsCheck(bytes, nameEnd, extraEnd);
    at += variable;
    if (zip64At !== -1) zip64Sizes(e, bytes, zip64At);
    if (e.compressionMethod === 0) {
      const expected = e.uncompressedSize + (e.isEncrypted() ? 12 : 0);
      if (e.compressedSize !== expected) throw new ZipDirectoryError(`compressed/uncompressed size mismatch for stored file: ${e.compressedSize} != ${e.uncompressedSize}`);
    }
    visit(e);
  }
  return true;
}

/** A central directory yauzl would refuse, with yauzl's message. */
export class ZipDirectoryError extends Error {}

/**
 * Walks the extra fields in `bytes` from `start` to `end` as yauzl's `parseExtraFields` does,
 * with its message for a field running past the end, and gives where the ZIP64 field's data
 * starts (-1 when there is none). Nothing is allocated: a package's entries each carry a
 * timestamp field, and an array, an object and a buffer view for each of 10,000 entries were a
 * good part of listing them.
 */
function extraFieldsCheck(bytes: Buffer, start: number, end: number): number {
  let zip64 = -1;
  let i = start;
  while (i < end - 3) {
    const id = bytes.readUInt16LE(i);
    const dataEnd = i + 4 + bytes.readUInt16LE(i + 2);
    if (dataEnd > end) throw new ZipDirectoryError('extra field length exceeds extra field buffer size');
    if (id === 0x0001 && zip64 === -1) zip64 = i;
    i = dataEnd;
  }
  return zip64;
}

/**
 * A yauzl entry read from a zip held in memory: its extra fields and comment stay in the zip's
 * bytes until something asks for them (nothing does when a package is read; yauzl's
 * `getLastModDate` does).
 */
class DirectoryEntry extends yauzl.Entry {
  extraAt = 0;
  commentAt = 0;
  /** The extra fields once parsed. */
  parsedFields?: { id: number; data: Buffer }[];

  constructor(readonly src: Buffer) {
    super();
  }
}
Object.defineProperties(DirectoryEntry.prototype, {
  extraFieldRaw: {
    get(this: DirectoryEntry) {
      return this.src.subarray(this.extraAt, this.extraAt + this.extraFieldLength);
    },
  },
  extraFields: {
    get(this: DirectoryEntry) {
      return (this.parsedFields ??= this.extraFieldLength ? yauzl.parseExtraFields(this.extraFieldRaw) : []);
    },
  },
  fileCommentRaw: {
    get(this: DirectoryEntry) {
      return this.src.subarray(this.commentAt, this.commentAt + this.fileCommentLength);
    },
  },
  fileComment: {
    get(this: DirectoryEntry) {
      return this.fileCommentRaw;
    },
  },
  comment: {
    get(this: DirectoryEntry) {
      return this.fileCommentRaw;
    },
  },
});

/** Sizes and offset from the ZIP64 extended information field (at `field` in `bytes`), where the record says 0xffffffff. */
function zip64Sizes(e: yauzl.Entry, bytes: Buffer, field: number): void {
  const data = bytes.subarray(field + 4, field + 4 + bytes.readUInt16LE(field + 2));
  let i = 0;
  const next = (what: string): number => {
    if (i + 8 > data.length) throw new ZipDirectoryError(`zip64 extended information extra field does not include ${what}`);
    const v = data.readUInt32LE(i + 4) * 0x100000000 + data.readUInt32LE(i);
    i += 8;
    return v;
  };
  if (e.uncompressedSize === 0xffffffff) e.uncompressedSize = next('uncompressed size');
  if (e.compressedSize === 0xffffffff) e.compressedSize = next('compressed size');
  if (e.relativeOffsetOfLocalHeader === 0xffffffff) e.relativeOffsetOfLocalHeader = next('relative header offset');
}
