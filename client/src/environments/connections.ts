import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../../../server/src/env/config';
import { EnvClient, HttpClient } from '../../../server/src/env/client';
import type { EnvironmentList } from './environmentList';
import type { LocalService } from './localService';
import { acceptedKey, boundKey, decideToken, legacyKey, originOf, originsKey, parseOrigins, TokenNotSent, tokenVariable, withOrigin, withoutOrigin } from './tokenBinding';

/**
 * A client for each environment: the local service, or an HTTP client with the token from secret
 * storage or, failing that, from the CLI's variable. Stored tokens are bound to the origin they
 * were entered for, and the variable's token goes only to origins accepted for it (tokenBinding.ts).
 */
export class Connections {
  /** `name origin` (and `$VARIABLE origin`) pairs the user declined this window, so a view refresh does not ask again. */
  private readonly refused = new Set<string>();
  /** Questions on screen, so that requests made together ask once. */
  private readonly asking = new Map<string, Promise<string | undefined>>();

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
    const { token, from } = await this.token(name, e.url, tokenVariable(name, e.tokenEnv));
    // The service answers its refusals in the editor's display language (Accept-Language); a token
    // that cannot be sent (a line break in it) is refused naming `from`, never shown.
    return new HttpClient(name, e.url, token, vscode.env.language, from);
  }

  /**
   * The token that may go to `url`, asking first when it was entered for another origin or is the
   * variable's for an origin not accepted; `from` is the variable it came from, if one.
   */
  private async token(name: string, url: string, variable: string | undefined): Promise<{ token: string | undefined; from?: string }> {
    const origin = originOf(url);
    const d = decideToken(name, url, {
      bound: origin ? await this.secrets.get(boundKey(name, origin)) : undefined,
      legacy: (await this.secrets.get(legacyKey(name))) !== undefined,
      origins: parseOrigins(await this.secrets.get(originsKey(name))),
      refused: this.refused.has(`${name} ${origin}`),
    }, variable === undefined ? undefined : {
      variable,
      value: process.env[variable],
      accepted: parseOrigins(await this.secrets.get(acceptedKey(variable))),
      refused: this.refused.has(`$${variable} ${origin}`),
    });
    switch (d.kind) {
      case 'send':
        return { token: d.token };
      case 'sendEnv':
        return { token: d.token, from: d.variable };
      case 'none':
        return { token: undefined };
      case 'refusedEnv':
        throw envNotSent(name, d.variable, d.origin);
      case 'askEnv': {
        const token = await this.askOnce(`$${d.variable} ${d.origin}`, () => this.askEnv(name, d.origin, d.variable));
        if (token === undefined) throw envNotSent(name, d.variable, d.origin);
        return { token, from: d.variable };
      }
      case 'invalid':
        throw new Error(vscode.l10n.t('environment "{0}": {1} is not an http:// or https:// URL', name, url));
      case 'refused':
        throw storedNotSent(name, d.origin);
      case 'ask': {
        const token = await this.askOnce(`${name} ${d.origin}`, () => this.ask(name, d.origin, d.storedFor, d.takeFrom));
        if (token === undefined) throw storedNotSent(name, d.origin);
        return { token };
      }
    }
  }

  /** One question per key at a time: requests made together wait for the same answer. */
  private askOnce(key: string, ask: () => Promise<string | undefined>): Promise<string | undefined> {
    let pending = this.asking.get(key);
    if (!pending) {
      pending = ask().finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    return pending;
  }

  /** The modal question; on yes the token is bound to `origin` (and a name-only one retired), on no nothing is sent. */
  private async ask(name: string, origin: string, storedFor: string | undefined, takeFrom: string): Promise<string | undefined> {
    const send = vscode.l10n.t('Send Token');
    const message = storedFor === undefined
      ? vscode.l10n.t('isola.config.json sends environment "{0}" to {1}. Its token in VS Code was saved before tokens were tied to a URL, so where it was meant to go is unknown. Send it to {1}?', name, origin)
      : vscode.l10n.t('isola.config.json sends environment "{0}" to {1}, but its token in VS Code was entered for {2}. Send it to {1}?', name, origin, storedFor);
    const detail = vscode.l10n.t('A repository you opened decides this URL. Send the token only if you trust {0}; otherwise set a separate token for it.', origin);
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, send);
    const token = answer === send ? await this.secrets.get(takeFrom) : undefined;
    if (token === undefined) {
      this.refused.add(`${name} ${origin}`);
      return undefined;
    }
    await this.bind(name, origin, token);
    if (storedFor === undefined) await this.secrets.delete(legacyKey(name));
    return token;
  }

  /** The modal question about the variable's token; a yes is kept for the variable and origin (never the token), a no for the window. */
  private async askEnv(name: string, origin: string, variable: string): Promise<string | undefined> {
    const send = vscode.l10n.t('Send Token');
    const message = vscode.l10n.t('isola.config.json sends environment "{0}" to {1}. Send the token in ${2} to {1}?', name, origin, variable);
    const detail = vscode.l10n.t('A repository you opened decides this URL and which variable is read. Send the token only if it is meant for {0}: a yes is remembered for this variable and {0}. Otherwise set a separate token for it.', origin);
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, send);
    // Only the yes is kept, never the token: that is read from the variable each time.
    const token = answer === send ? process.env[variable] || undefined : undefined;
    if (token === undefined) {
      this.refused.add(`$${variable} ${origin}`);
      return undefined;
    }
    await this.secrets.store(acceptedKey(variable), JSON.stringify(withOrigin(parseOrigins(await this.secrets.get(acceptedKey(variable))), origin)));
    this.refused.delete(`$${variable} ${origin}`);
    return token;
  }

  private async bind(name: string, origin: string, token: string): Promise<void> {
    await this.secrets.store(boundKey(name, origin), token);
    await this.secrets.store(originsKey(name), JSON.stringify(withOrigin(parseOrigins(await this.secrets.get(originsKey(name))), origin)));
    this.refused.delete(`${name} ${origin}`);
  }

  config(name: string): EnvironmentConfig | undefined {
    return this.list.get(name);
  }

  /** Keeps `token` for the origin the environment's URL has now: it goes nowhere else without asking. */
  async setToken(name: string, token: string, url = this.list.get(name)?.url): Promise<void> {
    const origin = url === undefined ? undefined : originOf(url);
    if (!origin) throw new Error(vscode.l10n.t('environment "{0}" has no http:// or https:// URL to keep a token for', name));
    await this.bind(name, origin, token);
  }

  /** Forgets the token for the environment's current origin, one stored by name only, and the acceptance of its variable for that origin. */
  async deleteToken(name: string): Promise<void> {
    const e = this.list.get(name);
    const origin = e?.url === undefined ? undefined : originOf(e.url);
    if (origin) {
      await this.secrets.delete(boundKey(name, origin));
      await this.forgetOrigin(originsKey(name), origin);
      const variable = tokenVariable(name, e?.tokenEnv);
      if (variable) await this.forgetOrigin(acceptedKey(variable), origin);
    }
    await this.secrets.delete(legacyKey(name));
  }

  private async forgetOrigin(key: string, origin: string): Promise<void> {
    const rest = withoutOrigin(parseOrigins(await this.secrets.get(key)), origin);
    await (rest.length ? this.secrets.store(key, JSON.stringify(rest)) : this.secrets.delete(key));
  }
}

const envNotSent = (name: string, variable: string, origin: string) =>
  new TokenNotSent(vscode.l10n.t('environment "{0}": the token in ${1} was not sent to {2}; set a token for it to connect', name, variable, origin));
const storedNotSent = (name: string, origin: string) =>
  new TokenNotSent(vscode.l10n.t('environment "{0}": the stored token was not sent to {1}; set a token for it to connect', name, origin));
