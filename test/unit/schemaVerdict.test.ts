import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import Ajv from 'ajv';
import { parseJson } from '../../server/src/core/json/parse';
import { isValidManifestValue, validateManifestValue } from '../../server/src/core/schema/validate';

// Compiled to out/test/unit/; the schemas and examples stay at the repository root.
const REPO = path.resolve(__dirname, '../../..');

// ajv compiled here from schemas/ at run time: the reference neither generated validator comes from.
const ajv = new Ajv({ allErrors: true, strict: false });
for (const f of fs.readdirSync(path.join(REPO, 'schemas')).filter((f) => f.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(REPO, 'schemas', f), 'utf8')));
}
const reference = ajv.compile({ $ref: 'https://isola.dev/schemas/manifest.schema.json' });

function manifestsUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.isola.json'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

const values = manifestsUnder(path.join(REPO, 'examples')).map((f) => parseJson(fs.readFileSync(f, 'utf8')).value);

type Step = string | number;

/** Every object and array of a value, by path (the root first). */
function containers(v: unknown, at: Step[] = [], out: Step[][] = []): Step[][] {
  if (typeof v !== 'object' || v === null) return out;
  out.push(at);
  for (const [k, c] of Object.entries(v)) containers(c, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

type Edit = { op: 'set'; key: string; value: unknown } | { op: 'drop' } | { op: 'replace'; value: unknown };

/** A copy of `v` with one edit made to one of its containers (a set on a list appends) or to one of that container's entries. */
function edited(v: unknown, at: Step[], pick: number, edit: Edit): unknown {
  const copy = structuredClone(v) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const s of at) node = node[s as string] as Record<string, unknown>;
  const keys = Object.keys(node);
  if (edit.op === 'set') {
    if (Array.isArray(node)) node.push(edit.value);
    else node[edit.key] = edit.value;
  }
  else if (keys.length > 0) {
    const key = keys[pick % keys.length];
    if (edit.op === 'replace') node[key] = edit.value;
    else if (Array.isArray(node)) node.splice(Number(key), 1);
    else delete node[key];
  }
  return copy;
}

// Keys the schemas give meaning to, so that an added property is sometimes one they know.
const KEYS = ['kind', 'code', 'title', 'namespace', 'apps', 'fields', 'type', 'app', 'scripts', 'global', 'groups', 'includes', 'pages', 'children', 'unknown', ''];

const arbEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ op: fc.constant('drop' as const) }),
  fc.record({ op: fc.constant('replace' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', 'x', 'a.b', 0, -1, true, null, [], {})) }),
);

test('the quick verdict says what the full schema says, for the examples and thousands of edits of them', () => {
  assert.ok(values.length >= 8, `examples found: ${values.length}`);
  for (const v of values) {
    assert.equal(isValidManifestValue(v), reference(v), JSON.stringify(v).slice(0, 80));
    assert.equal(validateManifestValue(v).length === 0, reference(v));
  }
  let valid = 0;
  let invalid = 0;
  fc.assert(
    fc.property(fc.nat(), fc.nat(), fc.nat(), fc.array(arbEdit, { minLength: 1, maxLength: 3 }), (which, where, pick, edits) => {
      let v = values[which % values.length];
      for (const e of edits) {
        const places = containers(v);
        if (places.length === 0) break;
        v = edited(v, places[where % places.length], pick, e);
      }
      const expected = reference(v);
      if (expected) valid++;
      else invalid++;
      const shown = JSON.stringify(v)?.slice(0, 400);
      assert.equal(isValidManifestValue(v), expected, `quick verdict on ${shown}`);
      assert.equal(validateManifestValue(v).length === 0, expected, `full validation of ${shown}`);
    }),
    { numRuns: 3000, seed: 20261205 },
  );
  // Both answers came up often: the agreement above is not that of a validator that always says one thing.
  assert.ok(valid > 300 && invalid > 300, `valid ${valid}, invalid ${invalid}`);
});

test('the quick verdict takes values that are not objects at all', () => {
  for (const v of [undefined, null, 0, 'x', [], [{ kind: 'app' }], true]) {
    assert.equal(isValidManifestValue(v), reference(v));
  }
});
