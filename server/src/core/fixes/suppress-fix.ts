import { DIRECTIVE, findSuppressions, lineBreakOf, lineText, Suppression } from '../suppressions';
import type { TextEdit } from '../language/navigation';
import { FixProvider, manifestByFile } from './fix';

/** Warnings and infos: insert `// isola-disable-next-line CODE -- reason` above the line. */
export const fixSuppress: FixProvider = (project, d, t) => {
  if (d.severity === 'error' || d.code === 'MAN004') return [];
  const m = manifestByFile(project, d.file);
  if (!m) return [];
  const title = t.t('fix.suppress', { code: d.code });
  // A directive above the line already: a second one would leave the first suppressing nothing (MAN004).
  const above = findSuppressions(m.text).find((s) => s.line === d.range.start.line - 1);
  if (above) {
    if (above.codes.includes(d.code)) return [];
    return [{ title, edits: new Map([[d.file, [codesEdit(m.text, above, [...above.codes, d.code], ' -- reason')]]]) }];
  }
  // Lines as the finding's position counts them (a lone CR ends one too); the text's own line break.
  const line = lineText(m.text, d.range.start.line);
  const indent = /^\s*/.exec(line)![0];
  const eol = lineBreakOf(m.text);
  const at = { line: d.range.start.line, character: 0 };
  return [{
    title,
    edits: new Map([[d.file, [{ range: { start: at, end: at }, newText: `${indent}// ${DIRECTIVE} ${d.code} -- reason${eol}` }]]]),
  }];
};

/**
 * MAN004: remove a suppression comment that does nothing, or, when others of its codes still
 * suppress a finding, only the code that does nothing.
 */
export const fixRemoveSuppression: FixProvider = (project, d, t) => {
  if (d.code !== 'MAN004') return [];
  const m = manifestByFile(project, d.file);
  if (!m) return [];
  const line = d.range.start.line;
  if (d.data?.unused === true) {
    return [{
      title: t.t('fix.removeSuppression'),
      isPreferred: true,
      edits: new Map([[d.file, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' }]]]),
    }];
  }
  const code = d.data?.unusedCode;
  const dir = typeof code === 'string' ? findSuppressions(m.text).find((s) => s.line === line) : undefined;
  if (!dir) return [];
  return [{
    title: t.t('fix.removeSuppressionCode', { code: String(code) }),
    isPreferred: true,
    edits: new Map([[d.file, [codesEdit(m.text, dir, dir.codes.filter((c) => c !== code))]]]),
  }];
};

/**
 * Rewrites the codes of a directive as written, between the directive and ` -- reason`, which
 * stays; `noReason` is written when the directive has none.
 */
function codesEdit(text: string, dir: Suppression, codes: string[], noReason = ''): TextEdit {
  const line = lineText(text, dir.line);
  const from = dir.start + DIRECTIVE.length;
  const dash = line.indexOf('--', from);
  const to = dash < 0 ? line.length : dash;
  return { range: { start: { line: dir.line, character: from }, end: { line: dir.line, character: to } }, newText: ` ${codes.join(', ')}${dash < 0 ? noReason : ' '}` };
}
