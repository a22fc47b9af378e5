import { runBuild } from './build';
import { runCheck } from './check';
import { runEnv } from './env';
import { runExport } from './export';
import { runImport } from './import';
import { runInspect } from './inspect';
import { runLsp } from './lsp';
import { ExitCode, HELP, Io, UsageError } from './usage';

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<ExitCode>> = {
  check: runCheck,
  build: runBuild,
  inspect: runInspect,
  import: runImport,
  export: runExport,
  env: runEnv,
  lsp: runLsp,
};

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

/** Runs the `isola` command line; returns the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    io.out(`${require('../../../package.json').version}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`isola: unknown command "${command}" (try: isola help)\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`isola ${command}: ${(e as Error).message}\n`);
      return 2;
    }
    io.err(`isola ${command}: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
