import * as vscode from 'vscode';
import { defaultTokenEnv, EnvironmentConfig } from '../../../server/src/env/config';
import { EnvClient, HttpClient } from '../../../server/src/env/client';
import type { EnvironmentList } from './environmentList';
import type { LocalService } from './localService';

/** The secret-storage key of an environment's token. */
export const tokenKey = (name: string) => `isola.token.${name}`;

/** A client for each environment: the local service, or an HTTP client with the token from secret storage. */
export class Connections {
  constructor(
    private readonly list: EnvironmentList,
    private readonly secrets: vscode.SecretStorage,
    private readonly local: LocalService,
  ) {}

  async client(name: string): Promise<EnvClient> {
    const e = this.list.get(name);
    if (!e) throw new Error(`no environment "${name}" in isola.config.json`);
    if (!e.url) {
      const { url, token } = await this.local.ensure(e.data!);
      return new HttpClient('local', url, token, vscode.env.language);
    }
    // A token set in VS Code wins; the CLI's variable is the fallback, so one setup serves both.
    const token = (await this.secrets.get(tokenKey(name))) ?? process.env[e.tokenEnv ?? defaultTokenEnv(name)];
    // The service answers its refusals in the editor's display language (Accept-Language).
    return new HttpClient(name, e.url, token, vscode.env.language);
  }

  config(name: string): EnvironmentConfig | undefined {
    return this.list.get(name);
  }

  setToken(name: string, token: string): Thenable<void> {
    return this.secrets.store(tokenKey(name), token);
  }

  deleteToken(name: string): Thenable<void> {
    return this.secrets.delete(tokenKey(name));
  }
}
