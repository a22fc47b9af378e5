/**
 * A database URL as it may be shown in a message or a log: its password (in the user part, or a
 * `password` query parameter as libpq reads it) replaced by `***`. The URL need not parse: a
 * wrong one is exactly what an error quotes.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^([^:/?#]*:\/\/[^:@/?#]*):[^@/?#]*@/, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/**
 * `text` (an error's message, say) without the password of `url`, wherever a library may have
 * quoted it.
 */
export function withoutPassword(text: string, url: string | undefined): string {
  if (!url) return text;
  const secrets = new Set<string>();
  const inUserPart = /^[^:/?#]*:\/\/[^:@/?#]*:([^@/?#]*)@/.exec(url)?.[1];
  if (inUserPart) secrets.add(inUserPart);
  for (const m of url.matchAll(/[?&]password=([^&#]*)/gi)) if (m[1]) secrets.add(m[1]);
  for (const s of [...secrets]) {
    try {
      secrets.add(decodeURIComponent(s));
    } catch {
      // not %-encoded: as it is
    }
  }
  let out = text.split(url).join(redactUrl(url));
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}
