// The language server, for VS Code and for any editor with an LSP client: vscode-languageserver
// and the whole core. One bundle serves both ways in.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../lsp/startServer';
import { runLsp } from '../lsp';
import type { CommandGroup } from '../usage';

export const commands: CommandGroup = { lsp: runLsp };

// Started by VS Code's client as a module of its own (`--node-ipc`), not through `isola lsp`: the
// transport then comes from the command line.
if (require.main === module) startServer(createConnection(ProposedFeatures.all));
