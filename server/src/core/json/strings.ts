/**
 * Maps an index into a decoded JSON string to an offset into its raw token (quotes included).
 * Needed to point at text inside a string value, such as `Global.` in an inline script
 * source, when the raw token contains escapes like `\n` or `\u0041`.
 */
export function rawOffsetInStringToken(token: string, decodedIndex: number): number {
  let raw = 1; // skip the opening quote
  let decoded = 0;
  while (raw < token.length - 1 && decoded < decodedIndex) {
    if (token.charCodeAt(raw) === 92 /* \ */) raw += token[raw + 1] === 'u' ? 6 : 2;
    else raw += 1;
    decoded++;
  }
  return raw;
}
