// Injected into the CommonJS bundles: ESM dependencies (PGlite) read import.meta.url, which a
// CommonJS bundle does not have; this gives them the bundle's own URL instead.
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;
