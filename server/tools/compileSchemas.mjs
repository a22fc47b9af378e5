// Compiles schemas/ into standalone validator modules at build time, so no process pays ajv's
// schema compilation (0.1–0.4 s) at start: the CLI, the language server and builds.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const standalone = require('ajv/dist/standalone').default;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const schema = (name) => require(path.join(root, 'schemas', `${name}.schema.json`));

/** Compiles the manifest schema (with the schemas it refers to) under `options` into `file`, through `rewrite`. */
function writeValidator(options, file, rewrite = (code) => code) {
  const ajv = new Ajv({ ...options, code: { source: true, esm: true } });
  for (const name of ['definitions', 'app', 'workspace', 'module', 'solution', 'configuration']) ajv.addSchema(schema(name));
  const code = rewrite(appendInPlace(linearUniqueItems(standalone(ajv, ajv.compile(schema('manifest'))))));
  writeFileSync(path.join(root, 'server/src/core/schema', file), `// @ts-nocheck\n// Generated from schemas/ by server/tools/compileSchemas.mjs at build time; do not edit.\n${code}\n`);
}

// The same options as the runtime would use: every error, unknown keywords allowed, and errors
// that carry their schema (for a schema's own `errorMessage`).
writeValidator({ allErrors: true, strict: false, verbose: true }, 'manifestValidator.generated.ts');

// A second validator that only says whether a manifest is valid, for the check's common case (most
// manifests are): stopping at the first error, and calling its parts without the context object
// ajv passes to every part it calls ({instancePath, parentData, ...}, with the path joined as a
// string), which was a third of what a check of 100,000 entities allocated. That context only
// fills error objects, and no option used here reads it otherwise (no $data, defaults, coercion
// or removal). When it says invalid, the full validator above says why.
writeValidator({ allErrors: false, strict: false, messages: false }, 'manifestVerdict.generated.ts', withoutContext);

/**
 * Rewrites ajv's standalone code so that its functions take only the data: each takes an empty
 * path of its own, and each call (direct, or through the wrapper of a recursive schema) passes
 * none. Fails the build when the code has a shape this does not know, rather than writing a
 * validator that reads a context it was not given.
 */
function withoutContext(src) {
  const header = /function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)\{/g;
  const call = /\b(validate\d+|wrapper\d+\.validate)\(([^(){},]+), \{instancePath[^{}()]*\}\)/g;
  let headers = 0;
  let calls = 0;
  const out = src
    .replace(header, (_, name) => (headers++, `function ${name}(data){const instancePath="";`))
    .replace(call, (_, fn, arg) => (calls++, `${fn}(${arg})`));
  const defined = (src.match(/\bfunction validate\d+\(/g) ?? []).length;
  if (headers !== defined || calls === 0 || /parentData|rootData/.test(out)) {
    throw new Error(`compileSchemas: unexpected validator code (${headers} of ${defined} functions, ${calls} calls rewritten)`);
  }
  return out;
}

/**
 * Replaces ajv's pairwise scan for `uniqueItems` (each item against every one before it, which ajv
 * writes when the schema does not say the items' type: languages, includes, a script's imports)
 * with one call of `lastDuplicate` (server/src/core/schema/uniqueItems.ts), which finds the same
 * pair in one pass. What the scan did on finding it (the error, the break) is kept as written.
 * Fails the build when the code has a shape this does not know.
 */
function linearUniqueItems(src) {
  const scan = /(outer\d+):for\(;(i\d+)--;\)\{for\((j\d+) = \2; \3--;\)\{if\(func\d+\(([\w$]+)\[\2\], \4\[\3\]\)\)\{((?:(?!outer\d+:for)[^])*?)break \1;\}\}\}/g;
  let found = 0;
  const out = src.replace(scan, (_, outer, i, j, data, body) => {
    found++;
    return `{const ${outer}Pair = lastDuplicate(${data});if(${outer}Pair !== undefined){${i} = ${outer}Pair[0];${j} = ${outer}Pair[1];${body}}}`;
  });
  const scans = (src.match(/\bouter\d+:for\(/g) ?? []).length;
  if (found === 0 || found !== scans || /\bouter\d+\b/.test(out.replace(/\bouter\d+Pair\b/g, ''))) {
    throw new Error(`compileSchemas: unexpected uniqueItems code (${found} of ${scans} scans rewritten)`);
  }
  return out.replace('"use strict";', '"use strict";const lastDuplicate = require("./uniqueItems").lastDuplicate;');
}

/**
 * Makes the errors a part returns join its caller's list in place: ajv writes
 * `vErrors = vErrors.concat(validateN.errors)`, a copy of every error found so far for each part
 * that fails, the square of the errors' number in a list with a mistake in every item (32,000 apps
 * with a wrong `fields`: 4.4 s of a check). Ajv already pushes to and truncates that list in place.
 */
function appendInPlace(src) {
  const concat = /\bvErrors\.concat\(((?:validate\d+|wrapper\d+\.validate)\.errors)\)/g;
  let found = 0;
  const out = src.replace(concat, (_, errors) => (found++, `appendErrors(vErrors, ${errors})`));
  if (found === 0 || /\.concat\(/.test(out)) throw new Error(`compileSchemas: unexpected error lists (${found} rewritten)`);
  return out.replace('"use strict";', '"use strict";const appendErrors = (to, from) => { for (let i = 0; i < from.length; i++) to.push(from[i]); return to; };');
}
