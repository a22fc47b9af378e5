import type { Readable } from 'node:stream';

/** Thrown by `byteLines` at a line longer than its limit, after every line before it was given. */
export class LineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`a line is longer than ${limit} bytes`);
  }
}

/**
 * The lines of a byte stream, a read's worth at a time, split on the bytes: no decoding and no
 * regular expressions for the split (readline does both, and took most of a read). Line breaks
 * are LF, CRLF or a lone CR, as readline sees them; a line that spans reads is joined. A line
 * longer than `maxLine` bytes is never held whole: `LineTooLong` is thrown when it gets there.
 */
export async function* byteLines(input: Readable, maxLine = Infinity): AsyncIterable<Buffer[]> {
  let carry: Buffer[] = [];
  let carried = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (carried + piece.length > maxLine) {
        if (lines.length) yield lines;
        throw new LineTooLong(maxLine);
      }
      splitLoneCr(carry.length ? Buffer.concat([...carry, piece]) : piece, lines);
      carry = [];
      carried = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      carry.push(chunk.subarray(start));
      carried += chunk.length - start;
      if (carried > maxLine) {
        if (lines.length) yield lines;
        throw new LineTooLong(maxLine);
      }
    }
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
