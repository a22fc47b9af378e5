import * as path from 'node:path';
import { addEdits, Fix, FixProvider, jsonEdits, manifestByFile } from './fix';
import { kindLabel } from '../rules/words';

/** Path of `file` as written in an includes list of a manifest at `from` (both project-relative). */
function includePath(from: string, file: string): string {
  return path.posix.relative(path.posix.dirname(from), file);
}

/** ISO004: add the missing manifest to the solution, or create a solution that holds both. */
export const fixIso004: FixProvider = (project, d, t) => {
  const data = d.data ?? {};
  const target = String(data.targetFile ?? '');
  if (data.fix === 'addToSolution') {
    const solution = manifestByFile(project, String(data.solutionFile));
    const member = String(data.member ?? target);
    const memberManifest = manifestByFile(project, member);
    if (!solution || !memberManifest) return [];
    // An include the solution has already would only repeat it: it is not what is missing.
    if (solution.links.some((l) => l.role === 'include' && l.file === member)) return [];
    const rel = includePath(solution.file, member);
    const edits = addEdits(new Map(), solution.file, jsonEdits(solution.text, ['includes', -1], rel));
    const title = t.t('fix.iso004.add', { memberAcc: kindLabel(memberManifest.kind!, memberManifest.code, t, 'acc'), solutionAcc: kindLabel(solution.kind!, solution.code, t, 'acc') });
    return [{ title, isPreferred: true, edits }];
  }
  if (data.fix === 'createSolution') {
    const member = manifestByFile(project, String(data.member));
    const other = manifestByFile(project, target);
    if (!member || !other) return [];
    const dir = commonDir(member.file, other.file);
    const fileOf = (code: string) => (dir ? `${dir}/${code}.isola.json` : `${code}.isola.json`);
    // Neither a code nor a file of the project: the fix creates a file and never writes into one.
    const taken = new Set(project.manifests.map((m) => m.code));
    let name = solutionCode(String(member.code), 1);
    for (let i = 2; taken.has(name) || project.manifestAt(fileOf(name)); i++) name = solutionCode(String(member.code), i);
    const file = fileOf(name);
    const text = JSON.stringify({
      kind: 'solution',
      code: name,
      title: `${member.title ?? member.code} solution`,
      version: '1.0.0',
      includes: [includePath(file, member.file), includePath(file, other.file)],
    }, null, 2) + '\n';
    const title = t.t('fix.iso004.create', { name, firstAcc: kindLabel(member.kind!, member.code, t, 'acc'), secondAcc: kindLabel(other.kind!, other.code, t, 'acc') });
    const fix: Fix = { title, edits: new Map(), creates: [{ file, text }] };
    return [fix];
  }
  return [];
};

/** Longest code a package unit may have (`^[a-z][a-z0-9_]{0,63}$`, MAN002). */
const MAX_CODE = 64;

/** `<member>_solution`, or `<member>_solution_<n>` past the first: the member's code shortened to keep it a valid code. */
function solutionCode(member: string, n: number): string {
  const suffix = n === 1 ? '_solution' : `_solution_${n}`;
  return member.slice(0, MAX_CODE - suffix.length) + suffix;
}

function commonDir(a: string, b: string): string {
  const pa = path.posix.dirname(a).split('/');
  const pb = path.posix.dirname(b).split('/');
  const out: string[] = [];
  for (let i = 0; i < Math.min(pa.length, pb.length) && pa[i] === pb[i]; i++) out.push(pa[i]);
  return out.filter((s) => s !== '.').join('/');
}
