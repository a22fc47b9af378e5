import * as vscode from 'vscode';
import { EnvError } from '../../../server/src/core/environment/errors';
import { UnreachableError } from '../../../server/src/env/client';

/**
 * Shows an environment's refusal as something the user can act on: a 401 offers "Set Token", an
 * unreachable service names its URL and offers "Retry", a 403 says which role is needed (the
 * service's message does). Resolves to true when the user chose to retry.
 */
export async function showEnvError(e: unknown, env: string, what: string): Promise<boolean> {
  if (e instanceof UnreachableError) {
    const c = await vscode.window.showErrorMessage(`Isola: ${what}: ${e.message}. Is \`isola env serve\` running there?`, 'Retry');
    return c === 'Retry';
  }
  if (e instanceof EnvError && e.status === 401) {
    const c = await vscode.window.showErrorMessage(`Isola: ${what}: environment "${env}" did not accept the token (${e.message}).`, 'Set Token');
    if (c === 'Set Token') await vscode.commands.executeCommand('isola.setToken', { env });
    return false;
  }
  if (e instanceof EnvError && e.status === 403) {
    void vscode.window.showErrorMessage(`Isola: ${what}: ${e.message}. Ask the environment administrator for that role.`);
    return false;
  }
  void vscode.window.showErrorMessage(`Isola: ${what}: ${(e as Error).message}`);
  return false;
}
