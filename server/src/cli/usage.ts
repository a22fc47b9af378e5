/** Thrown for bad usage or bad input: the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {}

/** The result of a command: an exit status (0 fine, 1 findings or refused, 2 bad usage or input). */
export type ExitCode = 0 | 1 | 2;

/** Where a command writes; injected so tests can capture output without spawning. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

export const HELP = `Usage: isola <command> [options]

Commands:
  check [DIR] [--format text|json|sarif] [--builtins FILE]
                     check every *.isola.json under DIR (default .) for isolation problems
  build [DIR] --package CODE [--kind KIND] [--out FILE] [--title T] [--comment C]
        [--data none|all|APP,...] [--design all|none]
                     build a package (refused while isolation errors stand)
  inspect FILE [--format text|json]
                     print a package's descriptor, import steps and entries (verified)
  lsp --stdio        run the language server on stdin/stdout (for editors other than VS Code)
  help               show this help

Exit status: 0 fine, 1 findings or a refused operation, 2 bad usage or bad input.
`;
