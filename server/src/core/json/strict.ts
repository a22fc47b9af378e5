import { lineCommentEnd, skipStringAt, skipWsAt } from './scan';

/**
 * A guess at the strict JSON of a JSONC text, made without reading its strings: removes the
 * comments that open a line (after spaces or tabs only) and the commas whose line ends right after
 * them and that a closing bracket follows, and leaves every other `//`, `/*` and comma as it is.
 * Undefined when the text has a `//` or `/*` after a value or punctuation on its line, or a comma
 * before a bracket on one line: those may be comments or trailing commas, and only the scan of
 * every string (`jsoncToJson`) can tell.
 *
 * Why a guess is safe: JSON strings cannot hold a raw line break. What this removes has a line
 * break just before it (a comment) or just after it (a comma), so if it stood in a string, that
 * string holds a raw line break, which stays, and `JSON.parse` of the result fails. What it leaves
 * that was a comment or a trailing comma fails that parse as well. So whenever the result parses,
 * exactly the comments and trailing commas were removed; the caller parses it and falls back to
 * `jsoncToJson` when it does not.
 */
export function quickStrict(text: string): string | undefined {
  let parts: string[] | undefined;
  let last = 0;
  // Candidates for trailing commas: a comma, then white space and a closing bracket.
  const commas = /,[ \t\r\n]*[\]}]/g;
  let comma = commas.exec(text);
  let slash = text.indexOf('/');
  while (slash >= 0 || comma) {
    if (comma && (slash < 0 || comma.index < slash)) {
      const at = comma.index;
      // Removed only when a line break follows it and a value stands before it (`[,]` is no list
      // of one value): what stands before was left as it is, or was a comment opening a line.
      const gap = comma[0];
      if (!gap.includes('\n') && !gap.includes('\r')) return undefined;
      let b = at - 1;
      while (b >= last && WS.has(text.charCodeAt(b))) b--;
      if (b < last || NO_VALUE_BEFORE.has(text.charCodeAt(b))) return undefined;
      (parts ??= []).push(text.slice(last, at));
      last = at + 1;
      comma = commas.exec(text);
      continue;
    }
    const d = text.charCodeAt(slash + 1);
    if (d !== 47 && d !== 42) {
      slash = text.indexOf('/', slash + 1);
      continue;
    }
    let b = slash - 1;
    while (b >= last && (text.charCodeAt(b) === 32 || text.charCodeAt(b) === 9)) b--;
    // Before it on its line: nothing, or a comment just removed (which opened the line).
    const c = b >= last ? text.charCodeAt(b) : 10;
    if (c !== 10 && c !== 13) {
      // After a value or punctuation it is likely a comment, which the full pass finds. Elsewhere
      // (after the colon of a URL, a letter, an escape) it is taken for part of a string.
      if (LIKELY_COMMENT_AFTER.has(c)) return undefined;
      slash = text.indexOf('/', slash + 2);
      continue;
    }
    let end: number;
    if (d === 47) end = lineCommentEnd(text, slash + 2);
    else {
      const e = text.indexOf('*/', slash + 2);
      if (e < 0) return undefined;
      end = e + 2;
    }
    (parts ??= []).push(text.slice(last, slash));
    last = end;
    slash = text.indexOf('/', end);
    // Commas inside the comment are no trailing ones.
    while (comma && comma.index < end) comma = commas.exec(text);
  }
  if (!parts) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

const WS = new Set([32, 9, 10, 13]);
/** `[`, `{`, `,` and `:` end no value. */
const NO_VALUE_BEFORE = new Set([91, 123, 44, 58]);
/** Characters after which a `//` would open a comment: punctuation, the end of a string or number. */
const LIKELY_COMMENT_AFTER = new Set([44, 123, 91, 125, 93, 34, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57]);

/**
 * Turns JSONC into strict JSON by dropping comments and trailing commas, skipping string
 * contents with `indexOf` (natively) rather than character by character. Returns undefined when
 * the text is not well-formed enough to do that safely (an unterminated string or comment); the
 * caller then uses the tolerant parser, which also reports the errors.
 */
export function jsoncToJson(text: string): string | undefined {
  const n = text.length;
  const parts: string[] = [];
  let last = 0;
  let i = 0;
  const find = (ch: string, from: number) => {
    const k = text.indexOf(ch, from);
    return k < 0 ? n : k;
  };
  let nq = -1;
  let ns = -1;
  let nc = -1;
  // The last character outside strings and comments that is not white space: a comma after `[`,
  // `{`, `:` or another comma ends no value, and stays for the tolerant parser to report.
  let prev = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipStringAt(text, i);
      if (i < 0) return undefined;
      prev = 34;
    } else if (c === 47) {
      const d = text.charCodeAt(i + 1);
      let end: number;
      if (d === 47) end = lineCommentEnd(text, i + 2);
      else if (d === 42) {
        const e = text.indexOf('*/', i + 2);
        if (e < 0) return undefined;
        end = e + 2;
      } else return undefined;
      parts.push(text.slice(last, i));
      last = i = end;
    } else if (c === 44) {
      const k = skipWsAt(text, i + 1);
      if (k < 0) return undefined;
      const e = text.charCodeAt(k);
      if ((e === 125 || e === 93) && !NO_VALUE_BEFORE.has(prev)) {
        parts.push(text.slice(last, i));
        last = i + 1;
      }
      prev = 44;
      i++;
    } else {
      // Jump to the next character that can matter: a quote, a slash or a comma. Each position is
      // searched again only once passed, so the searches add up to one scan of the text per character.
      if (nq < i) nq = find('"', i);
      if (ns < i) ns = find('/', i);
      if (nc < i) nc = find(',', i);
      const next = Math.min(nq, ns, nc);
      for (let b = next - 1; b >= i; b--) {
        const x = text.charCodeAt(b);
        if (!WS.has(x)) {
          prev = x;
          break;
        }
      }
      i = next;
    }
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}
