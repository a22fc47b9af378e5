import type { JsonSyntaxError } from './parse';

/** Text decoded from bytes, with the first invalid UTF-8 sequence when there is one. */
export interface DecodedText {
  /** The text; invalid sequences became U+FFFD, as editors show them. A leading BOM is dropped. */
  text: string;
  /** Where the first invalid sequence stands in `text`, with its byte offset in the message. */
  error?: JsonSyntaxError;
}

// Both drop a leading BOM (ignoreBOM is false), as `stripBom` does for text read otherwise.
const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/**
 * Decodes UTF-8 strictly: the common case costs one native decode; bytes that are not UTF-8
 * are decoded leniently and reported, so a file in another encoding is never taken silently.
 */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const at = invalidUtf8Offset(bytes);
    const text = lenient.decode(bytes);
    // The scan follows the same rules as the decoder (tested against it); should they ever differ, the start is blamed.
    const at0 = at < 0 ? 0 : at;
    // The valid prefix decodes to exactly the text before the first U+FFFD.
    const offset = strict.decode(bytes.subarray(0, at0)).length;
    const hex = (bytes[at0] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return { text, error: { message: `not valid UTF-8: byte 0x${hex} at byte offset ${at0} (save the file as UTF-8)`, offset, length: 1 } };
  }
}

/**
 * Byte offset where the first invalid UTF-8 sequence starts (its lead byte), or -1 when the
 * bytes are valid. Invalid as in the WHATWG decoder: stray continuation bytes, overlong forms,
 * surrogates, code points past U+10FFFF and sequences cut short.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // past U+10FFFF
    } else return i;
    // The second byte has the narrowed range; the rest are plain continuation bytes.
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}
