import { helpText, noCommand, unknownCommand } from './help';
import { CommandGroup, ExitCode, Io, isUsageError, takeLanguage } from './usage';
import { oneLine } from '../core/oneLine';
import { shellQuote } from './shellQuote';

/**
 * The command groups, each a bundle of its own (dist/commands/GROUP.js, an entry point of
 * `build:cli`) that is loaded only when one of its commands runs: one bundle of everything made
 * every command, `isola check` and `help` too, parse and start the database, HTTP and zip code
 * first (start-up ~3x that of `node -e 0`). The paths stay literal so that both the compiled
 * sources (tests) and esbuild (which leaves `./commands/*` external) resolve them.
 */
const GROUPS = {
  check: () => require('./commands/check').commands as CommandGroup,
  package: () => require('./commands/package').commands as CommandGroup,
  environment: () => require('./commands/environment').commands as CommandGroup,
  init: () => require('./commands/init').commands as CommandGroup,
  graph: () => require('./commands/graph').commands as CommandGroup,
  lsp: () => require('./commands/lsp').commands as CommandGroup,
};

/** Each command's group: a new command joins the group whose code it uses (or gets a group of its own). */
const COMMANDS: Record<string, keyof typeof GROUPS> = {
  check: 'check',
  build: 'package',
  inspect: 'package',
  init: 'init',
  import: 'environment',
  export: 'environment',
  graph: 'graph',
  unpack: 'package',
  retrieve: 'environment',
  env: 'environment',
  lsp: 'lsp',
};

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

/** Runs the `isola` command line; returns the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<ExitCode> {
  try {
    const chosen = takeLanguage(argv, process.env);
    argv = chosen.argv;
    // A caller's own choice (tests) wins over the process's locale.
    io = { ...io, locale: io.locale ?? chosen.locale };
  } catch (e) {
    io.err(`isola: ${firstLine(e)}\n`);
    return 2;
  }
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(helpText(io.locale));
    if (command) return 0;
    io.err(noCommand(io.locale));
    return 2;
  }
  if (command === '--version' || command === '-v') {
    io.out(`${require('../../../package.json').version}\n`);
    return 0;
  }
  const group = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!group) {
    io.err(unknownCommand(command, io.locale));
    return 2;
  }
  try {
    return await GROUPS[group]()[command](rest, io);
  } catch (e) {
    const code = (e as { code?: unknown } | null | undefined)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`isola ${command}: ${argumentError(e as Error, rest)}\n`);
      return 2;
    }
    if (isUsageError(e)) {
      io.err(`isola ${command}: ${firstLine(e)}\n`);
      return 2;
    }
    io.err(internalError(`isola ${command}`, e));
    return 2;
  }
}

/** Whether internal errors print their stack trace (`ISOLA_DEBUG=1`); users see one line otherwise. */
function debugging(): boolean {
  return process.env.ISOLA_DEBUG === '1';
}

/** The report of an error nobody expected: one line, or the whole stack trace when debugging. */
export function internalError(prefix: string, e: unknown): string {
  if (debugging()) return `${prefix}: internal error: ${(e as Error | undefined)?.stack ?? String(e)}\n`;
  return `${prefix}: internal error: ${firstLine(e)} (ISOLA_DEBUG=1 prints the stack trace)\n`;
}

/**
 * Node's complaint about the arguments on one line. Its lines after the first say what to do
 * (`--comment=-XYZ` for a value that starts with a dash), so they are kept, joined; the
 * ambiguous value gets a sentence of its own that quotes what was typed.
 */
export function argumentError(e: Error, args: readonly string[]): string {
  const ambiguous = /^Option '(-[^']*)' argument is ambiguous/.exec(e.message);
  const at = ambiguous ? args.indexOf(ambiguous[1]) : -1;
  if (ambiguous && at >= 0 && at + 1 < args.length) {
    const [option, value] = [ambiguous[1], args[at + 1]];
    return oneLine(`${option} needs a value, and "${value}" starts with a dash, as an option does: if it is the value, write ${shellQuote(`${option}=${value}`)}`, Infinity);
  }
  return oneLine(e.message.split('\n').map((l) => l.trim()).filter(Boolean).join(' '), Infinity) || 'bad arguments';
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // Messages quote packages and the environment's answers: no escape sequence reaches the terminal.
  return oneLine(message.split('\n')[0], Infinity) || (e as Error | undefined)?.name || 'unknown error';
}

/**
 * The last resort for errors outside a command's promise (an event handler, a stray rejection):
 * one line and exit 2, as for any other internal error. Not for `lsp`, whose server logs such
 * errors and keeps serving.
 */
function installLastResort(command: string | undefined): void {
  const fail = (e: unknown) => {
    // A reader that went away (`isola check | head`) needs no message; the status says whether the command had finished.
    if ((e as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 2);
    process.stderr.write(internalError(`isola${command ? ` ${command}` : ''}`, e));
    process.exit(2);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] !== 'lsp') installLastResort(argv[0]);
  main(argv).then((code) => {
    process.exitCode = code;
  });
}
