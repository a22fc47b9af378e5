import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { Catalog, catalogShapeError, CatalogData, defaultCatalog } from '../core/catalog/catalog';
import { parseJson } from '../core/json/parse';
import { isWithin } from '../core/manifest/linkedPath';
import { readRegularFile } from '../core/manifest/host';
import { toUri } from './convert';

/**
 * Settings the server reads, all under the `isola` section (names in one place; the client
 * declares the same names in package.json):
 * - `isola.check.builtins`: path of an extra built-in catalog, relative to the workspace folder;
 * - `isola.check.alone`: codes of units (workspaces, modules, apps, solutions) whose manifests are
 *   checked in their own package rather than the larger one that holds them;
 * - `isola.diagnostics.delay`: milliseconds between the last edit and the re-check.
 * The two `isola.check` settings are resource-scoped: each workspace folder of a multi-root
 * workspace may set its own, and its manifests are checked with them.
 */
export interface RawSettings {
  check?: { builtins?: string; alone?: unknown };
  diagnostics?: { delay?: number };
}

/** The `isola.check` settings of one workspace folder. */
export interface CheckSettings {
  /** Built-in catalog, with the extra one of `isola.check.builtins` (already loaded). */
  catalog: Catalog;
  /** Codes of units checked in their own package (`isola.check.alone`). */
  alone: string[];
}

/** Settings the server reads (names live in one place: this file). */
export interface ServerSettings {
  /** Milliseconds to wait after the last edit before re-checking (window-wide). */
  delay: number;
  /** Each workspace folder's own `isola.check` settings, by the folder's path. */
  folders: ReadonlyMap<string, CheckSettings>;
  /** For a root in no workspace folder (a manifest opened outside them): the workspace's values. */
  outside: CheckSettings;
}

export const DEFAULT_DELAY = 150;

/**
 * The `isola.check` settings a project root is checked with: those of the workspace folder it is,
 * or of the innermost one it lies in (a manifest opened in its `node_modules`), else the workspace's.
 */
export function checkSettingsFor(settings: ServerSettings, root: string): CheckSettings {
  let best: string | undefined;
  for (const folder of settings.folders.keys()) if (isWithin(folder, root) && (!best || folder.length > best.length)) best = folder;
  return best !== undefined ? settings.folders.get(best)! : settings.outside;
}

/** Whether two `isola.check` settings check the same way (the catalog is kept per path, so the same path gives the same one). */
export function sameCheck(a: CheckSettings, b: CheckSettings): boolean {
  return a.catalog === b.catalog && String(a.alone) === String(b.alone);
}

/** Reads settings from the client (or initialization options), loading each extra catalog once per path. */
export class SettingsReader {
  private catalogs = new Map<string, Catalog>();
  private readonly standard = defaultCatalog();

  constructor(private readonly connection: Connection) {}

  /**
   * Reads the settings for these workspace folders: the window's, then each folder's own (a
   * `workspace/configuration` item scoped to the folder, as resource-scoped settings need; a
   * relative `isola.check.builtins` is resolved against that folder). Without pulling, every folder
   * gets `fallback`. The workspace's values, for roots outside every folder, resolve against the first.
   */
  async read(canPull: boolean, fallback: RawSettings | undefined, folders: readonly string[]): Promise<ServerSettings> {
    let window = fallback;
    let own: (RawSettings | undefined)[] = folders.map(() => fallback);
    if (canPull) {
      const items = [{ section: 'isola' }, ...folders.map((f) => ({ scopeUri: toUri(f), section: 'isola' }))];
      const got = ((await this.connection.workspace.getConfiguration(items)) ?? []) as (RawSettings | null | undefined)[];
      window = got[0] ?? fallback;
      own = folders.map((_, i) => got[i + 1] ?? window);
    }
    const delay = Math.max(0, Math.min(5000, Number(window?.diagnostics?.delay ?? DEFAULT_DELAY)));
    // Catalogs no folder names any more are forgotten: named again later, the file is read again.
    const used = new Map<string, Catalog>();
    const result: ServerSettings = { delay, folders: new Map(), outside: await this.checkOf(window, folders[0], used) };
    for (const [i, folder] of folders.entries()) (result.folders as Map<string, CheckSettings>).set(folder, await this.checkOf(own[i], folder, used));
    this.catalogs = used;
    return result;
  }

  private async checkOf(raw: RawSettings | undefined, base: string | undefined, used: Map<string, Catalog>): Promise<CheckSettings> {
    const builtins = raw?.check?.builtins?.trim() || undefined;
    const alone = Array.isArray(raw?.check?.alone) ? raw.check.alone.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()) : [];
    if (!builtins) return { catalog: this.standard, alone };
    const abs = base ? path.resolve(base, builtins) : path.resolve(builtins);
    let catalog = used.get(abs) ?? this.catalogs.get(abs);
    if (!catalog) catalog = await this.loadCatalog(abs);
    used.set(abs, catalog);
    return { catalog, alone };
  }

  private async loadCatalog(abs: string): Promise<Catalog> {
    const catalog = defaultCatalog();
    let problem: string | undefined;
    try {
      // Only a regular file is opened: a FIFO named here would keep the server from ever starting,
      // and one too large to read is refused by its size (see `readRegularFile`).
      const read = readRegularFile(abs);
      if (!read) problem = 'cannot be read (ENOENT)';
      else if ('reason' in read) problem = `cannot be read (${read.reason})`;
      else {
        const { value, errors } = parseJson(read.bytes.toString('utf8'));
        problem = errors.length ? `not valid JSON (${errors[0].message})` : catalogShapeError(value);
        if (!problem) catalog.add(value as CatalogData);
      }
    } catch (e) {
      // Whatever else goes wrong, the server starts with the standard catalog and says so.
      problem = `cannot be loaded (${(e as Error).message})`;
    }
    if (problem) void this.connection.window.showWarningMessage(`Isola: the built-in catalog ${abs} ${problem}; using the standard catalog only.`);
    return problem ? defaultCatalog() : catalog;
  }
}
