import type { PGlite } from '@electric-sql/pglite';
import { localizedError } from '../errors';

/**
 * What PostgreSQL logged at FATAL or PANIC level, read from its stderr (PGlite's `onStderr`): the
 * cause of a start that failed or of a crash, which PGlite itself reports only as "PGlite failed
 * to initialize properly" or "Aborted()". Only the message is kept, never the statement after it
 * (which may quote records).
 */
export class PostgresLog {
  private fatal?: string;
  private frozen = false;

  /** For PGlite's `onStderr`. */
  readonly take = (text: string): boolean => {
    // `<time> [<pid>] PANIC:  <message>` (log_line_prefix '%m [%p] '): a statement line quoting
    // such words never starts so.
    const m = /^[^[]*\[\d+\] (?:FATAL|PANIC):\s+(.*)$/.exec(text);
    if (m && !this.frozen) this.fatal = m[1].trim();
    return false;
  };

  /** The last FATAL or PANIC message; after `freeze()`, the one logged until then. */
  get cause(): string | undefined {
    return this.fatal;
  }

  /** Keeps the cause as it is: what a crash logs after its first PANIC is its aftermath. */
  freeze(): void {
    this.frozen = true;
  }
}

/** Whether PostgreSQL's words say the disk is full. */
export const noSpace = (cause: string | undefined): boolean => /No space left on device|ENOSPC|could not extend file/i.test(cause ?? '');

/**
 * Why an embedded database did not open, from the error PGlite threw and what PostgreSQL logged:
 * its FATAL message, and what to do when the disk is full.
 */
export function startFailure(e: unknown, log: PostgresLog, dir: string): Error {
  const cause = log.cause;
  if (!cause) return e instanceof Error ? e : new Error(String(e));
  return new Error(`the embedded PostgreSQL in ${dir} did not start: ${cause}${noSpace(cause) ? '; free space on that disk, then try again' : ''}`);
}

/** PostgreSQL's WebAssembly entry points PGlite's JavaScript calls through its module object. */
interface Engine {
  onAbort?: (what: unknown) => void;
  stackRestore(at: number): void;
  _PostgresMainLoopOnce(): void;
  _PostgresMainLongJmp(): void;
  _PostgresSendReadyForQueryIfNecessary(): void;
  _pgl_pq_flush(): void;
  _pq_buffer_remaining_data(): number;
}

/**
 * Stops an embedded database at its first crash instead of letting it run on. PostgreSQL answers
 * an error it cannot recover from (a WAL write that fails because the disk is full) with a PANIC,
 * which in WebAssembly aborts the module: PGlite's message loop catches that, calls PostgreSQL
 * again on its broken state, and one of the next calls spins for ever on the event loop's thread
 * (no request answered, SIGINT and SIGTERM never handled). From the first abort or WebAssembly
 * trap on, nothing more runs in the module: the statement under way and every later one fail with
 * `stopped()`, and `onStop` hears of it once. A server would restart and recover from its WAL;
 * here the next open does (the environment's next start).
 */
export function stopOnCrash(db: PGlite, log: PostgresLog, dir: string, onStop?: (e: Error) => void): { stopped(): Error | undefined } {
  let stopped: Error | undefined;
  const mod = db.Module as unknown as Engine;
  const stop = (what: unknown) => {
    if (stopped) return;
    log.freeze();
    const cause = log.cause ?? (String((what as Error)?.message ?? what).split('.')[0] || 'PostgreSQL aborted');
    stopped = noSpace(cause)
      ? localizedError(503, 'env.databaseStoppedNoSpace', { cause, dir }, 'database-stopped')
      : localizedError(503, 'env.databaseStopped', { cause, dir }, 'database-stopped');
    onStop?.(stopped);
  };
  const original = {
    loop: mod._PostgresMainLoopOnce, longJmp: mod._PostgresMainLongJmp, ready: mod._PostgresSendReadyForQueryIfNecessary,
    flush: mod._pgl_pq_flush, remaining: mod._pq_buffer_remaining_data, stackRestore: mod.stackRestore,
  };
  mod.onAbort = stop;
  mod._PostgresMainLoopOnce = () => {
    if (stopped) throw stopped;
    try {
      original.loop();
    } catch (e) {
      // PostgreSQL's own errors reach here as longjmps (objects with a status); a RuntimeError is
      // an abort or a trap, after which its memory cannot be trusted.
      if (e instanceof (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError) stop(e);
      throw e;
    }
  };
  // PGlite's loop catches every error of a call and calls again while input is left: restoring
  // the stack is the one thing its handler does first, so that is where the loop is left.
  mod.stackRestore = (at) => {
    original.stackRestore(at);
    if (stopped) throw stopped;
  };
  mod._PostgresMainLongJmp = () => (stopped ? undefined : original.longJmp());
  mod._PostgresSendReadyForQueryIfNecessary = () => (stopped ? undefined : original.ready());
  mod._pgl_pq_flush = () => (stopped ? undefined : original.flush());
  mod._pq_buffer_remaining_data = () => (stopped ? 0 : original.remaining());
  return { stopped: () => stopped };
}
