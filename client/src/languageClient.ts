import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SERVER_NODE_FLAGS } from '../../server/src/protocol';
import { SETTINGS } from './settings';

/** The language id of `*.isola.json` manifests. */
export const LANGUAGE_ID = 'isola-manifest';

/**
 * Starts the language server (dist/commands/lsp.js, the bundle `isola lsp` runs too) over IPC.
 * The client watches every file of the workspace because manifests name scripts, templates and
 * data files anywhere in it.
 */
export async function startLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/commands/lsp.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_FLAGS } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6011'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: LANGUAGE_ID }],
    synchronize: { fileEvents: watcher, configurationSection: SETTINGS.section },
    outputChannel: output,
    initializationOptions: { settings: vscode.workspace.getConfiguration(SETTINGS.section) },
  };
  const client = new LanguageClient('isola', 'Isola', serverOptions, clientOptions);
  await client.start();
  return client;
}
