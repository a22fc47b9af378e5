import * as vscode from 'vscode';
import { EnvError } from '../../../server/src/core/environment/errors';
import { NotAFileError } from '../../../server/src/core/exclusiveWrite';
import { localeOf, translator } from '../../../server/src/core/l10n';
import { InvalidTokenError, UnreachableError } from '../../../server/src/env/client';
import { TokenNotSent } from './tokenBinding';

/**
 * Shows an environment's refusal as something the user can act on: a 401, or a token not sent
 * there (the user said no to sending it), offers "Set Token", an
 * unreachable service names its URL and offers "Retry", a 403 says which role is needed (the
 * service's message does). Resolves to true when the user chose to retry.
 */
export async function showEnvError(e: unknown, env: string, what: string): Promise<boolean> {
  if (e instanceof UnreachableError) {
    const retry = vscode.l10n.t('Retry');
    const c = await vscode.window.showErrorMessage(vscode.l10n.t('Isola: {0}: {1}. Is `isola env serve` running there?', what, e.message), retry);
    return c === retry;
  }
  if (e instanceof EnvError && e.status === 401) {
    const setToken = vscode.l10n.t('Set Token');
    const c = await vscode.window.showErrorMessage(vscode.l10n.t('Isola: {0}: environment "{1}" did not accept the token ({2}).', what, env, e.message), setToken);
    if (c === setToken) await vscode.commands.executeCommand('isola.setToken', { env });
    return false;
  }
  if (e instanceof InvalidTokenError) {
    // Never the token itself: only where it came from.
    const setToken = vscode.l10n.t('Set Token');
    const message = e.source
      ? vscode.l10n.t('Isola: {0}: the token of environment "{1}" in ${2} holds a line break or another character a header cannot carry; set the variable to the token alone, on one line.', what, env, e.source)
      : vscode.l10n.t('Isola: {0}: the token of environment "{1}" holds a line break or another character a header cannot carry; set it again.', what, env);
    const c = await vscode.window.showErrorMessage(message, setToken);
    if (c === setToken) await vscode.commands.executeCommand('isola.setToken', { env });
    return false;
  }
  if (e instanceof TokenNotSent) {
    const setToken = vscode.l10n.t('Set Token');
    const c = await vscode.window.showErrorMessage(`Isola: ${what}: ${e.message}`, setToken);
    if (c === setToken) await vscode.commands.executeCommand('isola.setToken', { env });
    return false;
  }
  if (e instanceof EnvError && e.status === 403) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Isola: {0}: {1}. Ask the environment administrator for that role.', what, e.message));
    return false;
  }
  // The save dialog can point at a named pipe or a device: the download refused to replace it.
  const message = e instanceof NotAFileError ? e.say(translator(localeOf(vscode.env.language) ?? 'en')) : (e as Error).message;
  void vscode.window.showErrorMessage(`Isola: ${what}: ${message}`);
  return false;
}
