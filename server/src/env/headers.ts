/**
 * Header values the service reads and writes. Everything here handles untrusted text: a package
 * code comes from the package itself, a token from the client.
 */

/** A lone surrogate (half of a UTF-16 pair): `encodeURIComponent` throws on one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `Content-Disposition: attachment` for a download named `filename` (RFC 6266): a quoted ASCII
 * `filename` for old clients, with everything unsafe replaced by `_`, and `filename*` (RFC 8187,
 * formerly RFC 5987) with the whole name, UTF-8 and percent-encoded. The value holds printable
 * ASCII only, whatever the name holds, so it can never break the header (CR/LF) or the response.
 */
export function contentDisposition(filename: string): string {
  const name = filename.replace(LONE_SURROGATE, '\uFFFD');
  // Outside printable ASCII, the quoted-string's own `"` and `\`, `%` (some clients decode it)
  // and path separators.
  const fallback = name.replace(/[^\x20-\x7e]|["\\%/]/g, '_');
  // attr-char is ALPHA / DIGIT / !#$&+-.^_`|~; encodeURIComponent leaves `'()*` as they are too.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** What a client's `Authorization` header says. */
export type Credentials = { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'malformed' };

/**
 * Reads `Authorization: Bearer <token>`. The scheme is case-insensitive (RFC 7235 §2.1) and any
 * run of spaces or tabs may follow it; the token must be one token68 (RFC 6750 §2.1). Anything
 * else (another scheme, no token, two words) is `malformed`: the caller answers 401.
 */
export function readCredentials(header: string | undefined): Credentials {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const m = /^bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(header.trim());
  return m ? { kind: 'bearer', token: m[1] } : { kind: 'malformed' };
}

/** What makes a token unsendable as `Authorization: Bearer <token>`; see `tokenFault`. */
export type TokenFault = 'line break' | 'control character' | 'character outside Latin-1';

/**
 * Why `token` cannot go in a header, or undefined when it can. Leading and trailing spaces, tabs
 * and line breaks are dropped by fetch (a variable read from a file often ends in one) and stay
 * allowed; inside the token a line break, another control character or a character above U+00FF
 * is refused before any request, since fetch's own error quotes the whole header, token and all.
 */
export function tokenFault(token: string): TokenFault | undefined {
  const inner = token.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (/[\r\n]/.test(inner)) return 'line break';
  if (/[\x00-\x1f\x7f]/.test(inner)) return 'control character';
  if (/[^\x00-\xff]/.test(inner)) return 'character outside Latin-1';
  return undefined;
}
