import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { Database, Row, Sql } from './database';

/**
 * Where PGlite's WebAssembly and file-system bundle live. Bundled builds copy them next to the
 * bundle (`dist/pglite/`), because a bundle cannot find them the way the package does (through
 * `import.meta.url`); unbundled code (tests) finds them in node_modules.
 */
async function assets(): Promise<Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule' | 'fsBundle'> | undefined> {
  // Node has WebAssembly; the project's type libraries (es2022, node) do not declare it.
  const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<PGliteOptions['pgliteWasmModule']> } }).WebAssembly;
  const candidates = [path.join(__dirname, 'pglite'), path.join(__dirname, '..', 'pglite')];
  for (const dir of candidates) {
    try {
      const [pg, initdb, data] = await Promise.all(['pglite.wasm', 'initdb.wasm', 'pglite.data'].map((f) => fs.readFile(path.join(dir, f))));
      const [pgliteWasmModule, initdbWasmModule] = await Promise.all([wasm.compile(pg), wasm.compile(initdb)]);
      return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([data]) };
    } catch {
      // not here; try the next place, then let PGlite find its own files
    }
  }
  return undefined;
}

/** Opens (creating if needed) an embedded database in `dir`, or in memory when `dir` is undefined. */
export async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) await fs.mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir, { ...(await assets()) });
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<T extends Row>(text: string, params?: unknown[]) {
      return (await q.query<T>(text, params)).rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    serialised: true,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}
