import { oneLine } from '../oneLine';

/** Why a request to the environment was refused; `status` is the HTTP status the service answers with. */
export class EnvError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422 | 500 | 502 | 503,
    message: string,
    /** A short machine-readable reason (`stale-plan`, `conflicts`, `checks-failed`, ...). */
    readonly reason?: string,
    readonly details?: unknown,
  ) {
    // One line: messages quote what callers and packages sent.
    super(oneLine(message));
  }
}

export const unauthorized = (m = 'a bearer token is required (Authorization: Bearer <token>)') => new EnvError(401, m, 'unauthorized');
export const forbidden = (m: string) => new EnvError(403, m, 'forbidden');
export const notFound = (m: string) => new EnvError(404, m, 'not-found');
export const badRequest = (m: string) => new EnvError(400, m, 'bad-request');
