import assert from 'node:assert/strict';
import type { CheckResult, Diagnostic } from '../../../server/src/core/check';
import { check, covered, only } from '../helpers';

/** Project-relative paths to texts (JSONC strings) or values (written as JSON, 2-space indent). */
export type Files = Record<string, string | object>;

type Obj = Record<string, unknown>;

/** The text the in-memory project holds for a file, exactly as `helpers.project` writes it. */
export function textOf(files: Files, file: string): string {
  const v = files[file];
  assert.ok(v !== undefined, `the test project has no file ${file}`);
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/** A checked project, with shortcuts to look at its diagnostics. */
export interface Checked {
  result: CheckResult;
  /** Diagnostics of one code. */
  of(code: string): Diagnostic[];
  /** The one diagnostic of a code (fails with the full list when there are none or several). */
  one(code: string): Diagnostic;
  /** Asserts there is no diagnostic of a code. */
  none(code: string): void;
  /** The text a diagnostic's range covers in its file. */
  text(d: Diagnostic): string;
}

/** One line per diagnostic, for assertion messages. */
export function listing(result: CheckResult): string {
  if (result.diagnostics.length === 0) return '(no diagnostics)';
  return result.diagnostics
    .map((d) => `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.severity} [${d.package ?? '-'}] ${d.message}`)
    .join('\n');
}

/** Loads and checks an in-memory project. */
export async function run(files: Files): Promise<Checked> {
  const result = await check(files);
  return {
    result,
    of: (code) => only(result, code),
    one(code) {
      const ds = only(result, code);
      assert.equal(ds.length, 1, `expected exactly one ${code}, got ${ds.length}:\n${listing(result)}`);
      return ds[0];
    },
    none(code) {
      const ds = only(result, code);
      assert.equal(ds.length, 0, `expected no ${code}:\n${listing(result)}`);
    },
    text: (d) => covered(textOf(files, d.file), d),
  };
}

/** Asserts what a user sees of a diagnostic. `message` entries are substrings (compared ignoring case) or patterns it must contain. */
export function expectDiagnostic(
  c: Checked,
  d: Diagnostic,
  want: { code: string; severity: string; file: string; covers?: string; package?: string | undefined; message?: (string | RegExp)[] },
): void {
  assert.equal(d.code, want.code);
  assert.equal(d.severity, want.severity, `severity of ${d.code}`);
  assert.equal(d.file, want.file, `file of ${d.code}`);
  if (want.covers !== undefined) assert.equal(c.text(d), want.covers, `range of ${d.code}: ${JSON.stringify(d.range)}`);
  if ('package' in want) assert.equal(d.package, want.package, `package of ${d.code}`);
  for (const m of want.message ?? []) {
    if (typeof m === 'string') assert.ok(d.message.toLowerCase().includes(m.toLowerCase()), `message of ${d.code} should contain ${JSON.stringify(m)}: ${d.message}`);
    else assert.match(d.message, m);
  }
}

export const workspace = (code: string, body: Obj = {}): Obj => ({ kind: 'workspace', code, title: code, version: '1.0.0', ...body });
export const moduleManifest = (code: string, body: Obj = {}): Obj => ({ kind: 'module', code, title: code, version: '1.0.0', ...body });
export const appManifest = (code: string, namespace: string, body: Obj = {}): Obj => ({ kind: 'app', code, namespace, title: code, version: '1.0.0', ...body });
export const solution = (code: string, includes: string[], body: Obj = {}): Obj => ({ kind: 'solution', code, title: code, version: '1.0.0', includes, ...body });
export const configuration = (code: string, includes: string[], body: Obj = {}): Obj => ({ kind: 'configuration', code, title: code, version: '1.0.0', includes, ...body });

/** An inline app with a field of type `app` pointing at `ref`. */
export const appWithRef = (code: string, ref: string): Obj => ({ code, fields: [{ code: 'link', type: 'app', app: ref }] });

/** A process with one inline script. */
export const processWithScript = (code: string, script: Obj): Obj => ({ code, scripts: [{ code: 'run', source: 'export async function run() {}', ...script }] });
