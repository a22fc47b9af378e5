import * as os from 'node:os';
import { EnvError } from '../core/environment/errors';
import { english, Translator } from '../core/l10n';
import { translatorOf } from './lang';
import { EnvClient, HttpClient, InvalidTokenError, UnreachableError } from '../env/client';
import { tokenFault } from '../env/headers';
import { LocalClient } from '../env/localClient';
import { ConfigError, defaultTokenEnv, loadConfig } from '../env/config';
import { foreignWarning } from '../core/packaging/projectFolder';
import { ExitCode, Io, UsageError } from './usage';

/** The tool name and version packages and jobs record. */
export function tool(): { name: string; version: string } {
  return { name: 'isola', version: require('../../../package.json').version };
}

/**
 * The client for `--env NAME`: `local` runs the engine in this process on the project's data
 * folder; any other name is looked up in `isola.config.json`, with its token from the
 * environment variable (never from the file).
 */
export async function openEnvironment(name: string | undefined, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<EnvClient> {
  return (await open(name, io, env)).client;
}

/** The client for `--env NAME` and, for a service, the variable its token came from. */
async function open(name: string | undefined, io: Io, env: NodeJS.ProcessEnv): Promise<{ client: EnvClient; tokenVar?: string }> {
  let config;
  try {
    config = loadConfig(io.cwd);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  for (const f of config.ignored) io.err(`isola: warning: ${foreignWarning(f)}\n`);
  const wanted = name ?? 'local';
  const e = config.environments.find((x) => x.name === wanted);
  if (!e) throw new UsageError(`no environment "${wanted}" in ${config.file ?? 'isola.config.json (none found)'}; known: ${config.environments.map((x) => x.name).join(', ')}`);
  if (!e.url) {
    try {
      return { client: await LocalClient.open(e.data!, os.userInfo().username, tool()) };
    } catch (err) {
      throw new UsageError(`cannot open the local environment: ${(err as Error).message}`);
    }
  }
  const tokenVar = e.tokenEnv ?? defaultTokenEnv(e.name);
  const token = env[tokenVar];
  if (!token) throw new UsageError(`environment "${e.name}" needs a token: set ${tokenVar}`);
  // Refused here, exit 2, naming the variable and never its value.
  const fault = tokenFault(token);
  if (fault) throw new UsageError(new InvalidTokenError(e.name, tokenVar, fault).message);
  return { client: new HttpClient(e.name, e.url, token, io.locale, tokenVar), tokenVar };
}

/** Whether `--env NAME` is marked production in isola.config.json. */
export function isProduction(name: string | undefined, io: Io): boolean {
  try {
    return loadConfig(io.cwd).environments.find((e) => e.name === (name ?? 'local'))?.production === true;
  } catch {
    return false;
  }
}

/** What to do when a service cannot be reached, for the reasons a user can act on. */
const UNREACHABLE_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there: check its "url" in isola.config.json, or start the service (isola env serve)',
  ENOTFOUND: 'no such host: check its "url" in isola.config.json',
};

/** A refusal from the environment as one line, with what to do for the common ones. */
export function describeEnvError(e: unknown, envName: string, tokenVar?: string, t: Translator = english): string | undefined {
  if (e instanceof UnreachableError) return `${e.message}${Object.hasOwn(UNREACHABLE_HINTS, e.reason) ? `; ${UNREACHABLE_HINTS[e.reason]}` : ''}`;
  if (!(e instanceof EnvError)) return undefined;
  // The local environment's refusals are in-process: they come in the user's language too.
  const message = e.messageIn(t);
  if (e.status === 401) return `${envName}: ${message}${tokenVar ? ` (check ${tokenVar})` : ''}`;
  return `${envName}: ${message}`;
}

/**
 * Runs a command's work against `--env NAME`: opens the client, closes it whatever happens, and
 * turns a refusal from the environment into one line (`isola COMMAND: ...`) and exit code 1.
 */
export async function withEnvironment(command: string, name: string | undefined, io: Io, work: (client: EnvClient) => Promise<ExitCode>): Promise<ExitCode> {
  const { client, tokenVar } = await open(name, io, process.env);
  try {
    return await work(client);
  } catch (e) {
    // A refused token names the variable it came from: the one to fix.
    const line = describeEnvError(e, client.name, tokenVar, translatorOf(io));
    if (!line) throw e;
    io.err(`isola ${command}: ${line}\n`);
    return 1;
  } finally {
    await client.close();
  }
}
