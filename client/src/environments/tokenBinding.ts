/**
 * Which stored token, if any, may go to an environment's URL. Kept free of `vscode` so it is
 * tested in plain Node.
 *
 * A token is entered for one service, but `isola.config.json` comes with whatever folder is
 * open: a cloned repository can name its `staging` anything. So a token is stored for the origin
 * (scheme, host and port) of the URL it was entered for, and goes to that origin only. Sending it
 * anywhere else takes the user's yes, asked naming both origins.
 */

/** Secret-storage key of a token bound to an origin. `isola.token@` cannot begin a legacy key (those go on with `.`). */
export const boundKey = (name: string, origin: string) => `isola.token@${origin}#${name}`;

/** Secret-storage key of a token stored before tokens were bound: its origin is unknown. */
export const legacyKey = (name: string) => `isola.token.${name}`;

/** Secret-storage key of the list of origins that hold a token for `name` (so that the user can be told where a token belongs). */
export const originsKey = (name: string) => `isola.tokenOrigins.${name}`;

/** The origin of a service URL, or undefined for one that is not http(s). */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The stored list of origins, tolerant of anything unreadable (then none). */
export function parseOrigins(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((o): o is string => typeof o === 'string') : [];
  } catch {
    return [];
  }
}

export const withOrigin = (origins: string[], origin: string): string[] => (origins.includes(origin) ? origins : [...origins, origin]);
export const withoutOrigin = (origins: string[], origin: string): string[] => origins.filter((o) => o !== origin);

/** What secret storage holds for an environment's name, as read for one request. */
export interface StoredTokens {
  /** The token bound to the URL's origin. */
  bound?: string;
  /** Whether a token stored by name only (before tokens were bound) is there. */
  legacy: boolean;
  /** Origins that hold a token for this name, oldest first (may include the URL's own). */
  origins: string[];
  /** The user already said no to this name and origin (asked once per window). */
  refused?: boolean;
}

export type TokenDecision =
  /** Send this token: it was entered for this origin. */
  | { kind: 'send'; token: string }
  /**
   * Ask before sending the token kept under `takeFrom` to `origin`; on yes, bind it to `origin`.
   * `storedFor` is the origin it was entered for, undefined for a token stored by name only.
   */
  | { kind: 'ask'; origin: string; storedFor?: string; takeFrom: string }
  /** The user said no: send no stored token (nor the variable: the answer was about this URL). */
  | { kind: 'refused'; origin: string; storedFor?: string }
  /** Nothing stored for this name anywhere: the CLI's variable is the fallback. */
  | { kind: 'none' }
  /** The URL has no origin a token could be bound to: send no stored token. */
  | { kind: 'invalid' };

/**
 * The decision for a request of the environment `name` to `url`. A token bound to the URL's
 * origin goes; a token entered for another origin, or for no known one, never goes silently.
 */
export function decideToken(name: string, url: string, stored: StoredTokens): TokenDecision {
  const origin = originOf(url);
  if (!origin) return { kind: 'invalid' };
  if (stored.bound !== undefined) return { kind: 'send', token: stored.bound };
  // The most recently bound other origin is the likeliest the same service at a new address.
  const elsewhere = withoutOrigin(stored.origins, origin).at(-1);
  if (!stored.legacy && elsewhere === undefined) return { kind: 'none' };
  // A legacy token is offered first: binding it retires it, so it is asked about once.
  const storedFor = stored.legacy ? undefined : elsewhere;
  if (stored.refused) return { kind: 'refused', origin, storedFor };
  return { kind: 'ask', origin, storedFor, takeFrom: storedFor === undefined ? legacyKey(name) : boundKey(name, storedFor) };
}
