import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { Catalog, catalogShapeError, CatalogData, defaultCatalog } from '../core/catalog/catalog';
import { parseJson } from '../core/json/parse';
import { readRegularFile } from '../core/manifest/host';
import type { ServerSettings } from './workspace';

/**
 * Settings the server reads, all under the `isola` section (names in one place; the client
 * declares the same names in package.json):
 * - `isola.check.builtins`: path of an extra built-in catalog, relative to the first workspace folder;
 * - `isola.check.alone`: codes of units (workspaces, modules, apps, solutions) whose manifests are
 *   checked in their own package rather than the larger one that holds them;
 * - `isola.diagnostics.delay`: milliseconds between the last edit and the re-check.
 */
export interface RawSettings {
  check?: { builtins?: string; alone?: unknown };
  diagnostics?: { delay?: number };
}

export const DEFAULT_DELAY = 150;

/** Reads settings from the client (or initialization options), loading the extra catalog once per path. */
export class SettingsReader {
  private catalogPath: string | undefined;
  private catalog: Catalog = defaultCatalog();

  constructor(private readonly connection: Connection, private readonly root: string | undefined) {}

  async read(canPull: boolean, fallback: RawSettings | undefined): Promise<ServerSettings> {
    let raw: RawSettings | undefined = fallback;
    if (canPull) raw = ((await this.connection.workspace.getConfiguration('isola')) as RawSettings | null) ?? fallback;
    const delay = Math.max(0, Math.min(5000, Number(raw?.diagnostics?.delay ?? DEFAULT_DELAY)));
    const builtins = raw?.check?.builtins?.trim() || undefined;
    const abs = builtins && (this.root ? path.resolve(this.root, builtins) : path.resolve(builtins));
    if (abs !== this.catalogPath) {
      this.catalogPath = abs;
      this.catalog = abs ? await this.loadCatalog(abs) : defaultCatalog();
    }
    const alone = Array.isArray(raw?.check?.alone) ? raw.check.alone.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()) : [];
    return { catalog: this.catalog, delay, alone };
  }

  private async loadCatalog(abs: string): Promise<Catalog> {
    const catalog = defaultCatalog();
    let problem: string | undefined;
    // Only a regular file is opened: a FIFO named here would keep the server from ever starting.
    const read = readRegularFile(abs);
    if (!read) problem = 'cannot be read (ENOENT)';
    else if ('reason' in read) problem = `cannot be read (${read.reason})`;
    else {
      const { value, errors } = parseJson(read.bytes.toString('utf8'));
      problem = errors.length ? `not valid JSON (${errors[0].message})` : catalogShapeError(value);
      if (!problem) catalog.add(value as CatalogData);
    }
    if (problem) void this.connection.window.showWarningMessage(`Isola: the built-in catalog ${abs} ${problem}; using the standard catalog only.`);
    return catalog;
  }
}
