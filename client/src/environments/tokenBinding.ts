/**
 * Which token, if any, may go to an environment's URL. Kept free of `vscode` so it is tested in
 * plain Node.
 *
 * A token is entered for one service, but `isola.config.json` comes with whatever folder is
 * open: a cloned repository can name its `staging` anything. So a token is stored for the origin
 * (scheme, host and port) of the URL it was entered for, and goes to that origin only. Sending it
 * anywhere else takes the user's yes, asked naming both origins.
 *
 * The CLI's variable (`ISOLA_TOKEN_STAGING`, or the `ISOLA_…` one `tokenEnv` names) is set in the
 * user's shell for their own service, while the config names the URL and, through `tokenEnv`, the
 * variable. So the variable's token goes silently only to an origin the user accepted for that
 * variable; anywhere else is asked about first, naming the variable and the origin.
 */
import { defaultTokenEnv, TOKEN_ENV } from '../../../server/src/env/config';

/** Secret-storage key of a token bound to an origin. `isola.token@` cannot begin a legacy key (those go on with `.`). */
export const boundKey = (name: string, origin: string) => `isola.token@${origin}#${name}`;

/** Secret-storage key of a token stored before tokens were bound: its origin is unknown. */
export const legacyKey = (name: string) => `isola.token.${name}`;

/** Secret-storage key of the list of origins that hold a token for `name` (so that the user can be told where a token belongs). */
export const originsKey = (name: string) => `isola.tokenOrigins.${name}`;

/**
 * Secret-storage key of the origins the user accepted for the token in `variable` (a list as
 * `originsKey`'s; never the token). Secret storage is the user's, not the workspace's: a
 * repository cannot write an acceptance into it.
 */
export const acceptedKey = (variable: string) => `isola.tokenEnvOrigins.${variable}`;

/**
 * The variable an environment's token is read from: `tokenEnv` or `ISOLA_TOKEN_<NAME>`. The config
 * loader refuses other names than `ISOLA_…`; one that got here anyway is not read.
 */
export function tokenVariable(name: string, tokenEnv: string | undefined): string | undefined {
  const variable = tokenEnv ?? defaultTokenEnv(name);
  return TOKEN_ENV.test(variable) ? variable : undefined;
}

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

/** The CLI's variable for an environment, as read for one request. */
export interface EnvToken {
  /** Its name (`ISOLA_TOKEN_STAGING`, or what `tokenEnv` says). */
  variable: string;
  /** Its value; unset or empty: there is no token to send. */
  value: string | undefined;
  /** Origins the user accepted for this variable (acceptedKey). */
  accepted: string[];
  /** The user already said no to this variable and origin (asked once per window). */
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
  /** The variable's token may go to `origin`: the user accepted it for this variable. */
  | { kind: 'sendEnv'; token: string; variable: string }
  /** Ask before sending the token in `variable` to `origin`; on yes, accept `origin` for it. */
  | { kind: 'askEnv'; origin: string; variable: string }
  /** The user said no to the variable's token for `origin`: send none. */
  | { kind: 'refusedEnv'; origin: string; variable: string }
  /** Nothing stored for this name anywhere and no variable set: send no token. */
  | { kind: 'none' }
  /** The URL has no origin a token could be bound to: send no stored token. */
  | { kind: 'invalid' };

/**
 * The decision for a request of the environment `name` to `url`. A token bound to the URL's
 * origin goes; a token entered for another origin, or for no known one, never goes silently.
 * With nothing stored for the name, the variable's token (`env`) is the fallback, and it too goes
 * silently only to an origin accepted for that variable.
 */
export function decideToken(name: string, url: string, stored: StoredTokens, env?: EnvToken): TokenDecision {
  const origin = originOf(url);
  if (!origin) return { kind: 'invalid' };
  if (stored.bound !== undefined) return { kind: 'send', token: stored.bound };
  // The most recently bound other origin is the likeliest the same service at a new address.
  const elsewhere = withoutOrigin(stored.origins, origin).at(-1);
  if (!stored.legacy && elsewhere === undefined) {
    if (!env?.value || !TOKEN_ENV.test(env.variable)) return { kind: 'none' };
    if (env.accepted.includes(origin)) return { kind: 'sendEnv', token: env.value, variable: env.variable };
    return env.refused ? { kind: 'refusedEnv', origin, variable: env.variable } : { kind: 'askEnv', origin, variable: env.variable };
  }
  // A legacy token is offered first: binding it retires it, so it is asked about once.
  const storedFor = stored.legacy ? undefined : elsewhere;
  if (stored.refused) return { kind: 'refused', origin, storedFor };
  return { kind: 'ask', origin, storedFor, takeFrom: storedFor === undefined ? legacyKey(name) : boundKey(name, storedFor) };
}

/** No token went to an environment's URL (the user said no, or nothing may go there): setting one is the way on. */
export class TokenNotSent extends Error {}

/**
 * Whether an error of an environment is one that a token set for it answers: none was sent, or the
 * service refused the one sent (401). Decided by kind, not by the message, which is localized.
 */
export function wantsToken(e: unknown): boolean {
  return e instanceof TokenNotSent || (typeof e === 'object' && e !== null && (e as { status?: unknown }).status === 401);
}
