import type { Readable } from 'node:stream';

/**
 * The lines of a byte stream, a read's worth at a time, split on the bytes: no decoding and no
 * regular expressions for the split (readline does both, and took most of a read). Line breaks
 * are LF, CRLF or a lone CR, as readline sees them; a line that spans reads is joined.
 */
export async function* byteLines(input: Readable): AsyncIterable<Buffer[]> {
  let carry: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      splitLoneCr(carry.length ? Buffer.concat([...carry, piece]) : piece, lines);
      carry = [];
      start = nl + 1;
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
    if (lines.length) yield lines;
  }
  if (carry.length) {
    const lines: Buffer[] = [];
    splitLoneCr(Buffer.concat(carry), lines);
    yield lines;
  }
}

/** Adds a line, split further at carriage returns that are not its last byte (old Mac line ends). */
function splitLoneCr(line: Buffer, out: Buffer[]): void {
  let cr = line.indexOf(13);
  if (cr < 0 || cr === line.length - 1) {
    out.push(cr < 0 ? line : line.subarray(0, cr));
    return;
  }
  let start = 0;
  for (; cr >= 0; cr = line.indexOf(13, start)) {
    out.push(line.subarray(start, cr));
    start = cr + 1;
  }
  if (start < line.length) out.push(line.subarray(start));
}
