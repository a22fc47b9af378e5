import type { ErrorObject, ValidateFunction } from 'ajv';
import { JsonPath, formatPath, valueAt } from '../json/path';
import { closest } from '../rules/words';
import { english, Translator } from '../l10n';
import definitions from '../../../../schemas/definitions.schema.json';
import app from '../../../../schemas/app.schema.json';
import workspace from '../../../../schemas/workspace.schema.json';
import moduleSchema from '../../../../schemas/module.schema.json';
import solution from '../../../../schemas/solution.schema.json';
import configuration from '../../../../schemas/configuration.schema.json';
import manifest from '../../../../schemas/manifest.schema.json';

/** One way a manifest does not match its schema. */
export interface SchemaProblem {
  /** Path of the offending value (for a missing property: the object that lacks it). */
  path: JsonPath;
  /** Point at the property key rather than the value (used for objects, whose value spans many lines). */
  part: 'key' | 'value';
  message: string;
}

/** The schemas in `schemas/`, keyed by file name; the language server serves the same ones. */
export const MANIFEST_SCHEMAS: Record<string, object> = {
  'definitions.schema.json': definitions,
  'app.schema.json': app,
  'workspace.schema.json': workspace,
  'module.schema.json': moduleSchema,
  'solution.schema.json': solution,
  'configuration.schema.json': configuration,
  'manifest.schema.json': manifest,
};

/**
 * The validator compiled from `schemas/` at build time (`server/tools/compileSchemas.mjs`),
 * loaded at its first use: it is most of the check bundle, and a command that validates nothing
 * (`isola check` of a folder without manifests, `--help`) should not evaluate it at start-up.
 */
let validator: ValidateFunction | undefined;

/**
 * The same schema compiled to say only whether a value is valid (see `compileSchemas.mjs`): it
 * allocates next to nothing for a valid manifest, where the full validator allocates a context
 * object and a path string for every part it calls. Loaded at its first use too.
 */
let verdict: ((value: unknown) => boolean) | undefined;

/** Whether a parsed manifest matches the schema (what `validateManifestValue` returning nothing means, for less). */
export function isValidManifestValue(value: unknown): boolean {
  verdict ??= (require('./manifestVerdict.generated') as { default: unknown }).default as (value: unknown) => boolean;
  return verdict(value);
}

/** Validates a parsed manifest against `schemas/manifest.schema.json`; messages in the translator's language. */
export function validateManifestValue(value: unknown, t: Translator = english): SchemaProblem[] {
  if (isValidManifestValue(value)) return [];
  validator ??= (require('./manifestValidator.generated') as { default: unknown }).default as ValidateFunction;
  if (validator(value)) return [];
  return toProblems(value, validator.errors ?? [], t);
}

/**
 * The schema problems inside one element of a root list (`pages[12]` and what it holds), found by
 * validating a manifest of the same kind that holds only that element: what a full validation
 * says inside it, for a fraction of the cost on a large manifest. Undefined when the list's
 * schema is not a plain list (an item's content could change what is said about the list, or
 * other items: `uniqueItems`, a combinator); the caller then validates the whole value.
 */
export function validateListItem(value: Record<string, unknown>, key: string, index: number, t: Translator = english): SchemaProblem[] | undefined {
  const item = (value[key] as unknown[])[index];
  if (typeof value.kind !== 'string' || !isPlainList(value.kind, key)) return undefined;
  validator ??= (require('./manifestValidator.generated') as { default: unknown }).default as ValidateFunction;
  if (validator({ kind: value.kind, [key]: [item] })) return [];
  const at = `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}/`;
  const inside = `${at}0`;
  const errors = (validator.errors ?? [])
    .filter((e) => e.instancePath === inside || e.instancePath.startsWith(inside + '/'))
    .map((e) => ({ ...e, instancePath: at + index + e.instancePath.slice(inside.length) }));
  return toProblems(value, errors, t);
}

// Whether each kind's root property is a plain list, as far as asked.
const plainLists = new Map<string, boolean>();

/**
 * Whether a kind's root property `key` is a list whose items are each checked alone against one
 * schema, with nothing said about the list that an item's content can change, and nothing said
 * about it by the schema every manifest shares.
 */
function isPlainList(kind: string, key: string): boolean {
  const k = `${kind}\u0000${key}`;
  let plain = plainLists.get(k);
  if (plain === undefined) {
    const own = MANIFEST_SCHEMAS[`${kind}.schema.json`] as { properties?: Record<string, unknown> } | undefined;
    const shared = (manifest as { properties?: Record<string, unknown> }).properties ?? {};
    plain = !!own && !!own.properties && Object.hasOwn(own.properties, key) && !Object.hasOwn(shared, key) && plainListSchema(own.properties[key], own);
    plainLists.set(k, plain);
  }
  return plain;
}

/** Keywords about a list or its parts that one item's content can turn. */
const LIST_WIDE = ['oneOf', 'anyOf', 'allOf', 'not', 'if', 'uniqueItems', 'contains', 'additionalItems', 'dependencies'];

function plainListSchema(schema: unknown, doc: object): boolean {
  let s = schema as Record<string, unknown> | undefined;
  for (let hops = 0; s && typeof s.$ref === 'string' && hops < 8; hops++) {
    if (LIST_WIDE.some((w) => w in s!)) return false;
    const [file, pointer = ''] = (s.$ref as string).split('#');
    const target = file ? Object.values(MANIFEST_SCHEMAS).find((x) => (x as { $id?: string }).$id === file) : doc;
    if (!target) return false;
    doc = target;
    s = pointer.split('/').slice(1).reduce<unknown>((v, seg) => (v as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')], target) as Record<string, unknown> | undefined;
  }
  return !!s && typeof s.$ref !== 'string' && s.type === 'array' && typeof s.items === 'object' && s.items !== null && !Array.isArray(s.items) && !LIST_WIDE.some((w) => w in s!);
}

function pointerToPath(root: unknown, pointer: string): JsonPath {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(cur) ? Number(seg) : seg;
    out.push(key);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined;
  }
  return out;
}

function typeName(v: unknown, t: Translator): string {
  if (v === null) return t.t('schema.found.null');
  if (Array.isArray(v)) return t.t('schema.found.array');
  if (typeof v === 'object') return t.t('schema.found.object');
  if (typeof v === 'string') return t.t('schema.found.string', { value: JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) });
  if (typeof v === 'number') return t.t('schema.found.number', { value: String(v) });
  if (typeof v === 'boolean') return t.t('schema.found.boolean', { value: String(v) });
  return `${typeof v} ${String(v)}`;
}

function toProblems(root: unknown, all: ErrorObject[], t: Translator): SchemaProblem[] {
  const errors = mostSpecific(all);
  // Combinators repeat what their branches say; keep only the most specific messages.
  const combinatorPaths = errorsByPath(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf'));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const push = (p: SchemaProblem) => {
    const k = `${formatPath(p.path)}|${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      problems.push(p);
    }
  };
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'not' && isInsideCombinator(e, combinatorPaths)) continue;
    const path = pointerToPath(root, e.instancePath);
    const where = `\`${formatPath(path)}\``;
    const value = valueAt(root, path);
    const own = (e.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage;
    if (typeof own === 'string' && (e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
      push({ path, part: 'value', message: t.t('schema.own', { where, own, found: typeName(value, t) }) });
      continue;
    }
    if (typeof own === 'string' && e.keyword !== 'required' && e.keyword !== 'type') {
      push({ path, part: 'key', message: `${where}: ${own}` });
      continue;
    }
    switch (e.keyword) {
      case 'required': {
        if (isInsideCombinator(e, combinatorPaths)) continue;
        const missing = (e.params as { missingProperty: string }).missingProperty;
        push({ path, part: 'key', message: path.length ? t.t('schema.required', { where, property: missing }) : t.t('schema.requiredRoot', { property: missing }) });
        break;
      }
      case 'type':
        push({ path, part: 'value', message: t.t('schema.type', { where, type: (e.params as { type: string }).type, found: typeName(value, t) }) });
        break;
      case 'enum':
      case 'const': {
        const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : [(e.params as { allowedValue: unknown }).allowedValue];
        const names = allowed.filter((a): a is string => typeof a === 'string');
        const guess = typeof value === 'string' ? closest(value, names, 1)[0] : undefined;
        const hint = guess === undefined ? '' : t.t('didYouMean', { list: JSON.stringify(guess) });
        push({ path, part: 'value', message: t.t('schema.enum', { where, allowed: allowed.map((a) => JSON.stringify(a)).join(', '), found: typeName(value, t), hint }) });
        break;
      }
      case 'pattern': {
        const pattern = (e.params as { pattern: string }).pattern;
        // The namespace code pattern refuses `global` by a lookahead, which says nothing to a reader.
        if (value === 'global' && pattern.startsWith('^(?!global$)')) push({ path, part: 'value', message: t.t('schema.reservedGlobal', { where }) });
        else push({ path, part: 'value', message: t.t('schema.pattern', { where, found: typeName(value, t), pattern }) });
        break;
      }
      case 'oneOf':
      case 'anyOf':
        push({ path, part: 'key', message: combinatorMessage(where, value, e, t) });
        break;
      case 'additionalProperties':
        push({ path, part: 'key', message: t.t('schema.unknownProperty', { where, property: (e.params as { additionalProperty: string }).additionalProperty }) });
        break;
      default:
        if (isInsideCombinator(e, combinatorPaths)) continue;
        push({ path, part: 'value', message: `${where} ${e.message ?? 'does not match the schema'}` });
    }
  }
  return problems;
}

/** Keywords that judge a value's content; after a wrong type they only repeat that the value is wrong. */
const CONTENT_KEYWORDS = new Set(['enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'uniqueItems']);

const schemaParent = (e: ErrorObject): string => e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'));

/**
 * One mistake, one finding. A value of the wrong type fails its `type` and its `enum` alike: keep
 * the `enum` (it names the allowed values and the type found). A value that fits no branch of an
 * `anyOf`/`oneOf` because of its shape fails every branch: when one branch takes values of its
 * shape, only that branch's findings are kept (`"access": "reed"` is an unknown right, not also
 * "not an array"); when none does, only the combinator's finding is kept.
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject[] {
  const typeAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => `${e.instancePath}|${schemaParent(e)}`));
  // An error that only says the value has the wrong shape for the schema that raised it.
  const mismatch = new Set(errors.filter((e) => e.keyword === 'type' ||
    CONTENT_KEYWORDS.has(e.keyword) && typeAt.has(`${e.instancePath}|${schemaParent(e)}`)));
  // The errors about each value, and the values some error (not an `if`) is about a value inside
  // of: looked up, where each combinator went through every error, the square of their number in a
  // manifest with thousands of mistakes.
  const byPath = errorsByPath(errors);
  const holdsErrors = new Set<string>();
  for (const e of errors) if (e.keyword !== 'if') for (const at of enclosing(e.instancePath)) holdsErrors.add(at);
  const drop = new Set<ErrorObject>();
  for (const c of errors) {
    if (c.keyword !== 'anyOf' && c.keyword !== 'oneOf') continue;
    const at = c.instancePath;
    const here = byPath.get(at)!;
    const mismatchesHere = here.filter((e) => e !== c && mismatch.has(e));
    // Combinators of objects (a script's `file` or `source`) are not about shape: leave them.
    if (mismatchesHere.length === 0) continue;
    // Anything said about a value inside this one, or about this one by a branch of its shape.
    const specific = holdsErrors.has(at) || here.some((e) => e !== c && e.keyword !== 'if' &&
      !mismatch.has(e) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
    for (const e of mismatchesHere) drop.add(e);
    if (specific) drop.add(c);
  }
  // Outside combinators: an enum that failed with its type says more than the type alone.
  const enumAt = new Set(errors.filter((o) => !drop.has(o) && (o.keyword === 'enum' || o.keyword === 'const'))
    .map((o) => `${o.instancePath}|${schemaParent(o)}`));
  for (const e of errors) {
    if (e.keyword !== 'type' || drop.has(e)) continue;
    if (enumAt.has(`${e.instancePath}|${schemaParent(e)}`)) drop.add(e);
  }
  for (const e of errors) {
    if (!CONTENT_KEYWORDS.has(e.keyword) || e.keyword === 'enum' || e.keyword === 'const' || drop.has(e)) continue;
    if (typeAt.has(`${e.instancePath}|${schemaParent(e)}`)) drop.add(e);
  }
  return errors.filter((e) => !drop.has(e));
}

/** Errors by their `instancePath`, each list in the errors' order. */
function errorsByPath(errors: readonly ErrorObject[]): Map<string, ErrorObject[]> {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath);
    if (list) list.push(e);
    else byPath.set(e.instancePath, [e]);
  }
  return byPath;
}

/** The pointers of the values that hold the one at `pointer` (those it starts with, followed by `/`), nearest first. */
function enclosing(pointer: string): string[] {
  const out: string[] = [];
  for (let k = pointer.lastIndexOf('/'); k >= 0; k = k > 0 ? pointer.lastIndexOf('/', k - 1) : -1) out.push(pointer.slice(0, k));
  return out;
}

/** Whether `e` was raised inside a branch of one of the failed combinators (by value), for the same value or one in it. */
function isInsideCombinator(e: ErrorObject, combinators: ReadonlyMap<string, ErrorObject[]>): boolean {
  if (combinators.size === 0) return false;
  for (const at of [e.instancePath, ...enclosing(e.instancePath)]) {
    for (const c of combinators.get(at) ?? []) {
      const base = c.schemaPath.slice(0, c.schemaPath.lastIndexOf('/'));
      if (e.schemaPath !== c.schemaPath && e.schemaPath.startsWith(base + '/')) return true;
    }
  }
  return false;
}

function combinatorMessage(where: string, value: unknown, e: ErrorObject, t: Translator): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('file' in v && 'source' in v) return t.t('schema.fileAndSource', { where });
    if ('code' in v && !('file' in v) && !('source' in v) && /script/i.test(e.schemaPath + where)) {
      return t.t('schema.fileOrSource', { where });
    }
  }
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
  return t.t(passing ? 'schema.manyForms' : 'schema.noForm', { where });
}
