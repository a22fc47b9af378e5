import { lineCommentEnd, skipStringAt, skipWsAt } from './scan';

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
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipStringAt(text, i);
      if (i < 0) return undefined;
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
      if (e === 125 || e === 93) {
        parts.push(text.slice(last, i));
        last = i + 1;
      }
      i++;
    } else {
      // Jump to the next character that can matter: a quote, a slash or a comma. Each position is
      // searched again only once passed, so the searches add up to one scan of the text per character.
      if (nq < i) nq = find('"', i);
      if (ns < i) ns = find('/', i);
      if (nc < i) nc = find(',', i);
      i = Math.min(nq, ns, nc);
    }
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}
