import { english, MessageArgs, MessageKey, Translator } from '../l10n';
import { oneLine } from '../oneLine';

/** A catalog message and its arguments, rendered in each request's language by the service. */
export interface LocalizedMessage {
  key: MessageKey;
  args?: MessageArgs;
}

/** Why a request to the environment was refused; `status` is the HTTP status the service answers with. */
export class EnvError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422 | 500 | 502 | 503 | 507,
    message: string,
    /** A short machine-readable reason (`stale-plan`, `conflicts`, `checks-failed`, ...). */
    readonly reason?: string,
    readonly details?: unknown,
    /** The message as a catalog entry, when it has one: `message` is its English. */
    readonly localized?: LocalizedMessage,
  ) {
    // One line: messages quote what callers and packages sent.
    super(oneLine(message));
  }

  /** The message in a language; English for messages the catalogs do not have. The reason never changes. */
  messageIn(t: Translator): string {
    return this.localized ? oneLine(t.t(this.localized.key, this.localized.args)) : this.message;
  }
}

/** An EnvError whose message comes from the catalogs (English in `message`, any language at the edge). */
export function localizedError(status: EnvError['status'], key: MessageKey, args: MessageArgs | undefined, reason: string, details?: unknown): EnvError {
  return new EnvError(status, english.t(key, args), reason, details, { key, args });
}

export const unauthorized = (m?: string) => (m === undefined ? localizedError(401, 'env.tokenRequired', undefined, 'unauthorized') : new EnvError(401, m, 'unauthorized'));
export const forbidden = (m: string) => new EnvError(403, m, 'forbidden');
export const notFound = (m: string) => new EnvError(404, m, 'not-found');

/**
 * An id as an answer quotes it: at most 200 characters, then `...` (as an unknown path is
 * quoted). An id comes from the request, and a 404 quoted 8,000 characters of it back.
 */
export function shownId(id: string): string {
  if (id.length <= 200) return id;
  const cut = /[\ud800-\udbff]$/.test(id.slice(0, 200)) ? 199 : 200;
  return `${id.slice(0, cut)}...`;
}
export const badRequest = (m: string) => new EnvError(400, m, 'bad-request');
