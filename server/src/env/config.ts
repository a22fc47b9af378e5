import { readRegularFile } from '../core/manifest/host';
import { linkedPathVerdict } from '../core/manifest/linkedPath';
import * as path from 'node:path';
import { parseJson } from '../core/json/parse';
import { LineIndex } from '../core/json/positions';
import { CONFIG_FILE, findUp, ForeignFile } from '../core/packaging/projectFolder';

export { CONFIG_FILE };

/** One environment as `isola.config.json` names it. Tokens never live here. */
export interface EnvironmentConfig {
  name: string;
  /** Service URL; absent for the embedded `local`. */
  url?: string;
  /** Data folder of the embedded environment (relative to the config file). */
  data?: string;
  /** Name of the environment variable holding the token (default `ISOLA_TOKEN_<NAME>`); always `ISOLA_…`. */
  tokenEnv?: string;
  /** A production environment asks for its name before an import. */
  production?: boolean;
}

/** The configuration in effect: from the nearest `isola.config.json` up from a folder, or defaults. */
export interface IsolaConfig {
  /** Folder of the config file, or the starting folder when there is none. */
  root: string;
  file?: string;
  environments: EnvironmentConfig[];
  /** Config files passed over on the way up because another user owns them (see `trustedOwner`). */
  ignored: ForeignFile[];
}

/** A config file that cannot be used; the CLI shows the message and exits 2. */
export class ConfigError extends Error {}

/** The variable a token for `name` is read from unless the config names another. */
export function defaultTokenEnv(name: string): string {
  return `ISOLA_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The variables `tokenEnv` may name. The file is committed and read by CI: were any name allowed,
 * one edit (`"tokenEnv": "GITHUB_TOKEN"`) would send that job's other secrets to the file's `url`.
 */
export const TOKEN_ENV = /^ISOLA_[A-Z0-9_]+$/;

/** A value as the file spells it, cut short: an error quotes it, not a whole object. */
function shortJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** Whether `url` is an address a service can be reached at: http or https, with a host. */
function serviceUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}

/** Finds and reads `isola.config.json`; `local` is always there (spec §6). */
export function loadConfig(from: string): IsolaConfig {
  // Found the way a package's project folder is (packageProjectFolder), so both agree.
  const ignored: ForeignFile[] = [];
  const found = findUp(from, [CONFIG_FILE], (f) => ignored.push(f));
  const file = found === undefined ? undefined : path.join(found, CONFIG_FILE);
  const root = file ? path.dirname(file) : path.resolve(from);
  const environments: EnvironmentConfig[] = [];
  if (file) {
    const read = readRegularFile(file);
    if (!read || 'reason' in read) throw new ConfigError(`${file}: ${read ? read.reason : 'cannot be read'}`);
    const text = read.bytes.toString('utf8');
    const { value, errors, repeated } = parseJson(text);
    if (errors.length) {
      // Where, as an editor counts (one-based): an offset alone sends the user counting characters.
      const at = new LineIndex(text).positionAt(errors[0].offset);
      throw new ConfigError(`${file}:${at.line + 1}:${at.character + 1}: not valid JSON (${errors[0].message})`);
    }
    // Two "url"s or "production"s for one environment: a reader of the file sees the first, every
    // JSON reader keeps the last (a token sent elsewhere, a confirmation dropped). Refused.
    if (repeated) {
      const lines = new LineIndex(text);
      const at = lines.positionAt(repeated[0].offset);
      const kept = lines.positionAt(repeated[0].keptAt);
      throw new ConfigError(`${file}:${at.line + 1}:${at.character + 1}: "${repeated[0].key}" is written twice in one object (again on line ${kept.line + 1}); JSON keeps only the last, so say it once`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${file}: not a JSON object`);
    const envs = (value as { environments?: unknown }).environments ?? {};
    if (typeof envs !== 'object' || envs === null || Array.isArray(envs)) throw new ConfigError(`${file}: "environments" must be an object keyed by environment name`);
    for (const [name, raw] of Object.entries(envs as Record<string, unknown>)) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${file}: environment "${name}" must be an object`);
      const e = raw as Record<string, unknown>;
      if ('token' in e) throw new ConfigError(`${file}: environment "${name}" has a "token"; tokens do not belong in files that are committed. Remove it and set ${typeof e.tokenEnv === 'string' && TOKEN_ENV.test(e.tokenEnv) ? e.tokenEnv : defaultTokenEnv(name)} instead`);
      if ('tokenEnv' in e && name !== 'local' && (typeof e.tokenEnv !== 'string' || !TOKEN_ENV.test(e.tokenEnv))) {
        throw new ConfigError(`${file}: the "tokenEnv" of environment "${name}" must name a variable starting with ISOLA_ (upper-case letters, digits and _), such as ${defaultTokenEnv(name)}; other variables may hold other secrets`);
      }
      if (name !== 'local' && typeof e.url !== 'string') throw new ConfigError(`${file}: environment "${name}" needs a "url"`);
      if (name !== 'local' && !serviceUrl(e.url as string)) {
        throw new ConfigError(`${file}: the "url" of environment "${name}" must be an http:// or https:// address, such as http://127.0.0.1:7700, not ${shortJson(e.url)}`);
      }
      // A value of the wrong type is a mistake, never a default: `"production": "true"` would
      // otherwise drop the confirmation that guards a production environment.
      if ('production' in e && typeof e.production !== 'boolean') {
        throw new ConfigError(`${file}: the "production" of environment "${name}" must be true or false (without quotes), not ${shortJson(e.production)}`);
      }
      if ('data' in e && typeof e.data !== 'string') {
        throw new ConfigError(`${file}: the "data" of environment "${name}" must be a folder path (a string), not ${shortJson(e.data)}`);
      }
      // `local` is the embedded environment, the default of every command: a project that made it
      // a service would have a plain `isola import` send the package, and the token it names, there.
      if (name === 'local' && ('url' in e || 'tokenEnv' in e)) {
        throw new ConfigError(`${file}: environment "local" is the embedded one and takes no "url" or "tokenEnv"; give the service another name`);
      }
      if (name === 'local' && typeof e.data === 'string') {
        const verdict = linkedPathVerdict(root, e.data, path.resolve(root, e.data));
        if (!verdict.inside) throw new ConfigError(`${file}: the "data" of environment "local" (${e.data}) must be a folder inside the project`);
      }
      environments.push({
        name,
        ...(typeof e.url === 'string' ? { url: e.url.replace(/\/+$/, '') } : {}),
        ...(typeof e.data === 'string' ? { data: path.resolve(root, e.data) } : {}),
        ...(typeof e.tokenEnv === 'string' ? { tokenEnv: e.tokenEnv } : {}),
        production: e.production === true,
      });
    }
  }
  if (file) refuseSharedDefaultTokens(file, environments);
  if (!environments.some((e) => e.name === 'local')) environments.unshift({ name: 'local' });
  const local = environments.find((e) => e.name === 'local')!;
  local.data ??= path.join(root, '.isola', 'local');
  return { root, file, environments, ignored };
}


/**
 * Two services whose names spell one default token variable (`s` and `S`, `my-env` and `my_env`)
 * would each send the token set for the other to its own address: refused unless one of them
 * names its own `tokenEnv` (or both lead to one origin, where one token is meant).
 */
function refuseSharedDefaultTokens(file: string, environments: EnvironmentConfig[]): void {
  const byVar = new Map<string, EnvironmentConfig>();
  for (const e of environments) {
    if (e.url === undefined || e.tokenEnv !== undefined) continue;
    const v = defaultTokenEnv(e.name);
    const other = byVar.get(v);
    if (other && new URL(other.url!).origin !== new URL(e.url).origin) {
      throw new ConfigError(`${file}: environments "${other.name}" and "${e.name}" would both read their token from ${v} and send it to ${new URL(other.url!).origin} and ${new URL(e.url).origin}: give one of them a "tokenEnv" of its own`);
    }
    byVar.set(v, e);
  }
}
