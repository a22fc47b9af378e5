import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from '../lsp/startServer';
import { ExitCode, Io, UsageError } from './usage';

/** `isola lsp --stdio`: the same language server as VS Code's, for any editor with an LSP client. */
export async function runLsp(args: string[], _io: Io): Promise<ExitCode> {
  if (args.length !== 1 || args[0] !== '--stdio') throw new UsageError('usage: isola lsp --stdio');
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  startServer(connection);
  // The server runs until the client sends `exit` (which ends the process); never resolve.
  return new Promise<ExitCode>(() => undefined);
}
