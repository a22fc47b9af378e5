import { validateManifestValue } from '../schema/validate';
import { Finding, finding, Rule } from './rule';

/** MAN002: the manifest is not valid JSONC, or does not match its kind's schema. */
export const man002: Rule = {
  code: 'MAN002',
  severity: 'error',
  title: 'Manifest does not match the schema',
  description: 'The manifest is malformed JSON or does not match the schema of its kind (wrong type, missing `kind` or `code`, ...).',
  check(m, ctx) {
    const out: Finding[] = [];
    for (const e of m.syntaxErrors) {
      out.push(finding(this, m, ctx, { offset: e.offset, length: Math.max(e.length, 1) }, `Malformed JSON: ${e.message}`));
    }
    // A broken file's recovered value would only repeat the syntax errors in other words.
    if (out.length > 0) return out;
    for (const p of validateManifestValue(m.value)) {
      out.push(finding(this, m, ctx, { path: p.path, part: p.part }, p.message));
    }
    return out;
  },
};
