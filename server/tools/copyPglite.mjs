// Copies PGlite's WebAssembly and file-system bundle next to the bundles in dist/: a bundle
// cannot find them the way the package does (import.meta.url), so the embedded database
// loads them from dist/pglite/ (see server/src/core/environment/db/pglite.ts).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve('@electric-sql/pglite'));
const out = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'dist', 'pglite');
mkdirSync(out, { recursive: true });
for (const f of ['pglite.wasm', 'initdb.wasm', 'pglite.data']) copyFileSync(path.join(dir, f), path.join(out, f));
