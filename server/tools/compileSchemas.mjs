// Compiles schemas/ into one standalone validator module at build time, so no process pays
// ajv's schema compilation (0.1–0.4 s) at start: the CLI, the language server and builds.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const standalone = require('ajv/dist/standalone').default;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schema = (name) => require(path.join(root, 'schemas', `${name}.schema.json`));

// The same options as the runtime would use: every error, unknown keywords allowed, and errors
// that carry their schema (for a schema's own `errorMessage`).
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, code: { source: true, esm: true } });
for (const name of ['definitions', 'app', 'workspace', 'module', 'solution', 'configuration']) ajv.addSchema(schema(name));
const code = standalone(ajv, ajv.compile(schema('manifest')));
const out = path.join(root, 'server/src/core/schema/manifestValidator.generated.ts');
writeFileSync(out, `// @ts-nocheck\n// Generated from schemas/ by server/tools/compileSchemas.mjs at build time; do not edit.\n${code}\n`);
