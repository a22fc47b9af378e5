import { fromProcessEnv, Locale, localeOf } from '../core/l10n/locale';

// Every command group is a bundle of its own with its own copy of this class, so the dispatcher
// (dist/cli.js) recognizes a usage error by this mark rather than by `instanceof`.
const USAGE_MARK = Symbol.for('isola.UsageError');

/** Thrown for bad usage or bad input: the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {
  readonly [USAGE_MARK] = true;
}

/** Whether an error is a `UsageError` from any bundle. */
export function isUsageError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && USAGE_MARK in e;
}

/**
 * The result of a command: an exit status (0 fine, 1 findings or refused, 2 bad usage or input;
 * 130 and 143 when Ctrl+C or SIGTERM stopped it, as a shell reports a command such a signal ended).
 */
export type ExitCode = 0 | 1 | 2 | 130 | 143;

/** A command: its arguments after the command name, and where it writes. */
export type Command = (args: string[], io: Io) => Promise<ExitCode>;

/** The commands of one bundle (`server/src/cli/commands/*.ts`), by name. */
export type CommandGroup = Record<string, Command>;

/** Where a command writes; injected so tests can capture output without spawning. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** The language of findings, summaries and usage errors (`--lang`, else the locale); English when absent. */
  locale?: Locale;
}

/**
 * Takes `--lang en|ru` (or `--lang=ru`) out of the arguments, wherever it stands before `--`: it
 * is a global option, accepted before and after the command name. Without it the language is
 * the environment's (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set). Only the locale is
 * decided here: the dispatcher loads no messages (they live in the command bundles).
 */
export function takeLanguage(argv: string[], env: NodeJS.ProcessEnv): { argv: string[]; locale: Locale } {
  const rest: string[] = [];
  let asked: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--lang') asked = argv[++i] ?? '';
    else if (a.startsWith('--lang=')) asked = a.slice('--lang='.length);
    else rest.push(a);
  }
  if (asked === undefined) return { argv: rest, locale: fromProcessEnv(env) };
  const locale = /^[a-z]{2}$/i.test(asked) ? localeOf(asked) : undefined;
  if (!locale) throw new UsageError(`unknown language "${asked}": use en or ru`);
  return { argv: rest, locale };
}
