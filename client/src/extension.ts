import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCheckWorkspace } from './commands/checkWorkspace';
import { registerRestartServer } from './commands/restartServer';
import { registerShowOutput } from './commands/showOutput';
import { startLanguageClient } from './languageClient';
import { registerStatusBar } from './statusBar';

let client: LanguageClient | undefined;

/** Wires Isola's features together; each lives in its own module. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Isola', { log: true });
  context.subscriptions.push(output, registerShowOutput(output));
  client = await startLanguageClient(context, output);
  context.subscriptions.push(registerRestartServer(client), registerCheckWorkspace(client));
  registerStatusBar(context, client);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
