import type { ErrorObject, ValidateFunction } from 'ajv';
import compiledValidator from './manifestValidator.generated';
import { JsonPath, formatPath, valueAt } from '../json/path';
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

/** The validator compiled from `schemas/` at build time (`server/tools/compileSchemas.mjs`). */
const validator = compiledValidator as unknown as ValidateFunction;

/** Validates a parsed manifest against `schemas/manifest.schema.json`. */
export function validateManifestValue(value: unknown): SchemaProblem[] {
  if (validator(value)) return [];
  return toProblems(value, validator.errors ?? []);
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

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function toProblems(root: unknown, errors: ErrorObject[]): SchemaProblem[] {
  // Combinators repeat what their branches say; keep only the most specific messages.
  const combinatorPaths = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.schemaPath));
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
    if (typeof own === 'string' && e.keyword !== 'required' && e.keyword !== 'type') {
      push({ path, part: 'key', message: `${where}: ${own}` });
      continue;
    }
    switch (e.keyword) {
      case 'required': {
        if (isInsideCombinator(e, combinatorPaths)) continue;
        const missing = (e.params as { missingProperty: string }).missingProperty;
        push({ path, part: 'key', message: path.length ? `${where} is missing the required property \`${missing}\`` : `missing the required property \`${missing}\`` });
        break;
      }
      case 'type':
        push({ path, part: 'value', message: `${where} must be ${(e.params as { type: string }).type}, not ${typeName(value)}` });
        break;
      case 'enum':
      case 'const': {
        const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : [(e.params as { allowedValue: unknown }).allowedValue];
        push({ path, part: 'value', message: `${where} must be ${allowed.map((a) => JSON.stringify(a)).join(', ')}; found ${typeName(value)}` });
        break;
      }
      case 'pattern':
        push({ path, part: 'value', message: `${where} ${typeName(value)} is not valid here: it must match ${(e.params as { pattern: string }).pattern}` });
        break;
      case 'oneOf':
      case 'anyOf':
        push({ path, part: 'key', message: combinatorMessage(where, value, e) });
        break;
      case 'additionalProperties':
        push({ path, part: 'key', message: `${where} has an unknown property \`${(e.params as { additionalProperty: string }).additionalProperty}\`` });
        break;
      default:
        if (isInsideCombinator(e, combinatorPaths)) continue;
        push({ path, part: 'value', message: `${where} ${e.message ?? 'does not match the schema'}` });
    }
  }
  return problems;
}

function isInsideCombinator(e: ErrorObject, combinators: Set<string>): boolean {
  for (const c of combinators) {
    const base = c.slice(0, c.lastIndexOf('/'));
    if (e.schemaPath !== c && e.schemaPath.startsWith(base + '/')) return true;
  }
  return false;
}

function combinatorMessage(where: string, value: unknown, e: ErrorObject): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('file' in v && 'source' in v) return `${where} gives both \`file\` and \`source\`; a script takes exactly one`;
    if ('code' in v && !('file' in v) && !('source' in v) && /script/i.test(e.schemaPath + where)) {
      return `${where} needs \`file\` (a path relative to the manifest) or \`source\``;
    }
  }
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
  return passing ? `${where} matches more than one allowed form` : `${where} does not match any allowed form`;
}
