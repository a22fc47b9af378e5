/**
 * Shared settings of the fuzz suite: the seed and run counts (fixed in `npm test`, chosen by
 * `npm run fuzz`), time bounds, and what counts as a clear error rather than a crash.
 */
import fc from 'fast-check';
import type { TestContext } from 'node:test';

/** `npm run fuzz` sets ISOLA_FUZZ=long: more runs, a new seed unless one is given. */
export const LONG = process.env.ISOLA_FUZZ === 'long';
/** The seed `npm test` always uses, so its runs are the same on every machine. */
const FIXED_SEED = 20_260_611;

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number, got "${v}"`);
  return n;
}

export const SEED = envInt('ISOLA_FUZZ_SEED') ?? (LONG ? (Date.now() ^ (process.pid << 8)) | 0 : FIXED_SEED);
const RUNS_OVERRIDE = envInt('ISOLA_FUZZ_RUNS');

/** How many cases a property runs: its `npm test` count, ten times that in a long run, or ISOLA_FUZZ_RUNS. */
export function runs(quick: number): number {
  return RUNS_OVERRIDE ?? (LONG ? quick * 10 : quick);
}

/**
 * Runs a property with the suite's seed and prints how to replay it. Shrinking after a failure is
 * bounded in time so a failing `npm test` still ends (fast-check then reports the smallest
 * counterexample found so far); a run cut short by that bound before any failure says so.
 */
export async function check<T>(t: TestContext, name: string, quick: number, prop: fc.IAsyncPropertyWithHooks<T>): Promise<void> {
  const numRuns = runs(quick);
  t.diagnostic(`${name}: seed ${SEED}, ${numRuns} runs (replay: ISOLA_FUZZ_SEED=${SEED} ISOLA_FUZZ_RUNS=${numRuns} npm run fuzz)`);
  const limit = LONG || RUNS_OVERRIDE !== undefined ? 60 * 60_000 : 60_000;
  const details = await fc.check(prop, { seed: SEED, numRuns, plugins: [fc.interruptAfterTimeLimit(limit)] });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance : undefined;
    throw new Error(`${name}: ${fc.defaultReportMessage(details)}\n${cause?.message ?? String(details.errorInstance)}`, { cause });
  }
  if (details.interrupted) t.diagnostic(`${name}: stopped by the time limit after ${details.numRuns} of ${numRuns} runs`);
}

/** A run of product code that took longer than this counts as a hang. */
export const STEP_MS = 20_000;

export class Hang extends Error {}

/** Resolves as `p` does, or fails with a Hang after `ms`: a product call must never block a run forever. */
export async function within<T>(what: string, p: Promise<T>, ms = STEP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hang(`hang: ${what} did not finish in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Errors of the JavaScript engine itself: a product that throws one has crashed, whatever the message. */
const ENGINE_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/**
 * Messages that betray a crash even when only the message survives (a failed job keeps its
 * error as text): the engine's own, and the database's when it was handed something it refuses.
 */
const INTERNAL_MESSAGE = new RegExp([
  'Cannot read properties of', 'Cannot set properties of', 'Cannot convert', 'is not a function', 'is not iterable',
  'is not a constructor', 'is not defined', 'Maximum call stack size exceeded', 'Invalid string length', 'Invalid array length',
  'out of memory', 'unsupported Unicode escape sequence', 'invalid input syntax for type',
  'violates .* constraint', 'duplicate key value', 'cannot be converted to',
].join('|'));

/** Why `message` is not a clear error message, or undefined when it is one. */
export function unclearMessage(message: unknown): string | undefined {
  if (typeof message !== 'string' || !message.trim()) return `the message is ${JSON.stringify(message)}`;
  if (message.includes('\n')) return `the message has ${message.split('\n').length} lines`;
  if (/^\s+at /m.test(message)) return 'the message holds stack frames';
  const m = INTERNAL_MESSAGE.exec(message);
  if (m) return `the message is an internal error ("${m[0]}")`;
  return undefined;
}

/**
 * Asserts that `e`, thrown by `what`, is a clear refusal: an Error of one of the product's own
 * classes, whose message is one line with no stack frames and no engine or database internals.
 */
export function assertClear(what: string, e: unknown, classes: (abstract new (...a: never[]) => Error)[]): void {
  if (e instanceof Hang) throw e;
  if (!(e instanceof Error)) throw new Error(`${what} threw a non-Error: ${String(e)}`);
  const name = e.constructor?.name ?? 'Error';
  const detail = `${what} threw ${name}: ${e.message}\n${e.stack ?? ''}`;
  if (ENGINE_ERRORS.some((c) => e.constructor === c)) throw new Error(`crash: ${detail}`);
  if (!classes.some((c) => e instanceof c)) throw new Error(`not a refusal of the product (${classes.map((c) => c.name).join(', ')}): ${detail}`);
  const unclear = unclearMessage(e.message);
  if (unclear) throw new Error(`unclear error (${unclear}): ${detail}`);
}

/** Asserts the output of a CLI run that failed: no stack frames, no "internal error", at most one line on stderr. */
export function assertCliFailure(what: string, code: number | null, stderr: string, allowed: number[]): void {
  const shown = `${what}: exit ${code}, stderr:\n${stderr.slice(0, 4000)}`;
  if (code === null) throw new Error(`crash: ${what} was killed (signal) or never exited\n${shown}`);
  if (!allowed.includes(code)) throw new Error(`unexpected exit status: ${shown}`);
  if (/^\s+at /m.test(stderr) || stderr.includes('internal error')) throw new Error(`crash: ${shown}`);
  const lines = stderr.split('\n').filter((l) => l.trim());
  if (lines.length > 1) throw new Error(`more than one line on stderr: ${shown}`);
  if (lines.length === 1) {
    const unclear = unclearMessage(lines[0]);
    if (unclear) throw new Error(`unclear error (${unclear}): ${shown}`);
  }
}

/**
 * Exceptions nobody caught and promises nobody handled while a run went on: each is a crash
 * (in a real process it would end the CLI or the service). Take them after every run.
 */
const stray: string[] = [];
let listening = false;
export function watchStrays(): void {
  if (listening) return;
  listening = true;
  process.on('uncaughtException', (e) => stray.push(`uncaught exception: ${(e as Error)?.stack ?? e}`));
  process.on('unhandledRejection', (e) => stray.push(`unhandled rejection: ${(e as Error)?.stack ?? e}`));
}

export async function assertNoStrays(what: string): Promise<void> {
  await new Promise((r) => setImmediate(r));
  if (stray.length) throw new Error(`crash during ${what}: ${stray.splice(0).join('\n')}`);
}
