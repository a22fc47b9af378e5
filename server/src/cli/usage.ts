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

/** The result of a command: an exit status (0 fine, 1 findings or refused, 2 bad usage or input). */
export type ExitCode = 0 | 1 | 2;

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

export const HELP = `Usage: isola <command> [options]

Commands:
  init [DIR] [--kind workspace|module|app|solution|configuration] [--code CODE] [--title T]
       [--languages en,ru]
                     start a project in DIR (default .): isola.config.json, a first manifest,
                     .gitignore entries and a CI workflow; never overwrites a file
  check [DIR] [--format text|json|sarif] [--builtins FILE] [--package CODE [--kind KIND]]
        [--explain CODE@FILE:LINE]
                     check every *.isola.json under DIR (default .) for isolation problems;
                     --package: only that package, alone, as its build checks it
                     --explain CODE@FILE:LINE: the path from the package's root to what that
                     finding's reference names
  graph [DIR] --package CODE [--kind KIND] [--level namespace|entity] [--format dot|mermaid|json|svg]
                     draw a package's references: outside nodes, edges that break isolation in red
  build [DIR] --package CODE [--kind KIND] [--out FILE] [--title T] [--comment C]
        [--data none|all|APP,...] [--design all|none]
                     build a package (refused while isolation errors stand)
  inspect FILE [--format text|json]
                     print a package's descriptor, import steps and entries (verified)
  import FILE [--env NAME] [--dry-run] [--on-conflict cancel|replace] [--as CODE] [--format text|json]
         [--design all|none] [--data none|all|APP,...] [--confirm NAME]
                     check a package against an environment, print the plan, then import what
                     was chosen (default: all of it); a production environment needs --confirm NAME
  export --package CODE [--kind namespace|app|solution|configuration] [--env NAME] --out FILE
         [--data none|all|APP,...] [--design all|none]
                     export from an environment into a package file
  unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]
                     write a package's entities as manifests into DIR (default .), editing the
                     manifests already there in place; --force replaces files that are not Isola's
  retrieve --package CODE [--kind namespace|app|solution|configuration] [--env NAME] [--dir DIR]
           [--data none|all|APP,...] [--dry-run] [--force] [--format text|json]
                     export from an environment and unpack the package into DIR
  env serve [--data DIR] [--port N] [--host ADDR] [--database URL] [--name NAME]
                     run an environment service (HTTP + JSON, bearer tokens)
  lsp --stdio        run the language server on stdin/stdout (for editors other than VS Code)
  help               show this help

Environments are named in isola.config.json; "local" (embedded, in .isola/local) always exists.
A token for environment NAME is read from $ISOLA_TOKEN_NAME, never from a file.

Messages in English or Russian: --lang en|ru with any command, else LC_ALL, LC_MESSAGES or LANG
(ru_RU.UTF-8: Russian); codes and JSON/SARIF keys are the same in both.

Exit status: 0 fine, 1 findings or a refused operation, 2 bad usage or bad input.
`;
