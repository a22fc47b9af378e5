// The language server for editors other than VS Code: vscode-languageserver and the whole core.
import { runLsp } from '../lsp';
import type { CommandGroup } from '../usage';

export const commands: CommandGroup = { lsp: runLsp };
