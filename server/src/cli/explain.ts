import * as path from 'node:path';
import { diagnoseManifest } from '../core/check';
import { explainReference, explanationText, referenceAt } from '../core/graph/explain';
import type { Project } from '../core/manifest/project';
import { translatorOf } from './lang';
import { ExitCode, Io, UsageError } from './usage';

/** The findings `--explain` can trace: those on a reference, whose path ends at what it names. */
const EXPLAINED = ['ISO002', 'ISO003', 'ISO004', 'ISO006', 'ISO007', 'ISO009'];

/**
 * `isola check --explain CODE@FILE:LINE[:COL]`: prints the finding and the path from its
 * package's root to what the reference names (which includes, which entity, which reference).
 * `view` is the project the check ran in (the package's own view with `--package`). FILE is
 * relative to the checked folder, as `isola check` prints it, or to the current folder. The
 * finding, the path and the errors are in the user's language. `json`: the findings as
 * `isola check --format json` gives them, each with its `explanation` (steps, conclusion).
 */
export function runExplain(spec: string, view: Project, io: Io, json = false): ExitCode {
  const t = translatorOf(io);
  const m = /^([A-Z]{3}\d{3})@(.+?):(\d+)(?::(\d+))?$/.exec(spec);
  if (!m) throw new UsageError(t.t('cli.explain.spec', { spec }));
  const [, code, file, lineText, colText] = m;
  if (!EXPLAINED.includes(code)) throw new UsageError(t.t('cli.explain.code', { codes: EXPLAINED.join(', '), code }));
  const rel = path.relative(view.root, path.resolve(io.cwd, file)).split(path.sep).join('/');
  const manifest = view.manifestAt(file) ?? view.manifestAt(rel);
  if (!manifest) throw new UsageError(t.t('cli.explain.noManifest', { file, root: view.root }));
  const line = Number(lineText) - 1;
  const col = colText === undefined ? undefined : Number(colText) - 1;
  const found = diagnoseManifest(view, manifest, undefined, t).filter((d) => d.code === code && d.range.start.line === line && (col === undefined || d.range.start.character === col));
  if (found.length === 0) throw new UsageError(t.t('cli.explain.noFinding', { code, place: `${manifest.file}:${lineText}${colText ? `:${colText}` : ''}` }));
  if (json) {
    const diagnostics = found.map((d) => {
      const ref = referenceAt(manifest, d.range);
      const x = ref && explainReference(view, ref, t);
      return {
        file: d.file, range: d.range, severity: d.severity, code: d.code, message: d.message, package: d.package ?? null,
        explanation: x ? { package: { kind: x.package.kind, code: x.package.code }, steps: x.steps, conclusion: x.conclusion } : null,
      };
    });
    io.out(`${JSON.stringify({ diagnostics }, null, 2)}\n`);
    return 0;
  }
  for (const d of found) {
    io.out(`${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}\n`);
    const ref = referenceAt(manifest, d.range);
    const x = ref && explainReference(view, ref, t);
    io.out(x ? explanationText(x, t) : `  ${t.t('explain.noReference')}\n`);
  }
  return 0;
}
