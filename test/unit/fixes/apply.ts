import assert from 'node:assert/strict';
import type { CheckResult, Diagnostic } from '../../../server/src/core/check';
import { checkProject } from '../../../server/src/core/check';
import { fixesFor, Fix } from '../../../server/src/core/fixes';
import { LineIndex } from '../../../server/src/core/json/positions';
import type { TextEdit } from '../../../server/src/core/language/navigation';
import type { Project } from '../../../server/src/core/manifest/project';
import { project } from '../helpers';

/** A checked in-memory project and the quick fixes of its diagnostics. */
export interface Fixable {
  project: Project;
  result: CheckResult;
  /** The one diagnostic that matches (fails with the list when there are none or several). */
  one(match: (d: Diagnostic) => boolean): Diagnostic;
  fixes(d: Diagnostic): Fix[];
}

export async function fixable(files: Record<string, string | object>): Promise<Fixable> {
  const p = await project(files);
  const result = checkProject(p);
  return {
    project: p,
    result,
    one(match) {
      const ds = result.diagnostics.filter(match);
      assert.equal(ds.length, 1, result.diagnostics.map((d) => `${d.file} ${d.code} ${d.message}`).join('\n'));
      return ds[0];
    },
    fixes: (d) => fixesFor(p, d),
  };
}

/**
 * Applies one file's edits as an editor does; like VS Code, refuses edits that overlap (the LSP
 * spec forbids them, and applying them one after another corrupts the text).
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e, i) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.i - b.i);
  for (let k = 1; k < spans.length; k++) {
    assert.ok(spans[k].start >= spans[k - 1].end, `edits overlap: ${JSON.stringify(edits)}`);
  }
  let out = text;
  for (const s of [...spans].reverse()) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** The texts of a project's files after a fix, for the files it edits or creates. */
export function applyFix(p: Project, fix: Fix): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, edits] of fix.edits) {
    const m = p.manifestAt(file);
    assert.ok(m, `the fix edits ${file}, which is not a manifest of the project`);
    out.set(file, applyEdits(m.text, edits));
  }
  for (const c of fix.creates ?? []) {
    assert.ok(!p.manifestAt(c.file), `the fix creates ${c.file}, which exists`);
    out.set(c.file, c.text);
  }
  return out;
}

/** The one fix with this title (fails with the titles offered). */
export function titled(fixes: Fix[], title: string | RegExp): Fix {
  const found = fixes.filter((f) => (typeof title === 'string' ? f.title === title : title.test(f.title)));
  assert.equal(found.length, 1, `one fix ${title} among: ${fixes.map((f) => f.title).join(' | ') || '(none)'}`);
  return found[0];
}
