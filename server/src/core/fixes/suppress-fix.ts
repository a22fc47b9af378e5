import { DIRECTIVE, findSuppressions } from '../suppressions';
import { FixProvider, manifestByFile } from './fix';

/** Warnings and infos: insert `// isola-disable-next-line CODE -- reason` above the line. */
export const fixSuppress: FixProvider = (project, d, t) => {
  if (d.severity === 'error' || d.code === 'MAN004') return [];
  const m = manifestByFile(project, d.file);
  if (!m) return [];
  const line = m.text.split(/\r?\n/)[d.range.start.line] ?? '';
  const indent = /^\s*/.exec(line)![0];
  const eol = m.text.includes('\r\n') ? '\r\n' : '\n';
  const at = { line: d.range.start.line, character: 0 };
  return [{
    title: t.t('fix.suppress', { code: d.code }),
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
  // The codes as written, between the directive and ` -- reason`: rewritten without that one.
  const text = m.text.split(/\r?\n/)[line] ?? '';
  const from = dir.start + DIRECTIVE.length;
  const dash = text.indexOf('--', from);
  const to = dash < 0 ? text.length : dash;
  const codes = dir.codes.filter((c) => c !== code);
  return [{
    title: t.t('fix.removeSuppressionCode', { code: String(code) }),
    isPreferred: true,
    edits: new Map([[d.file, [{ range: { start: { line, character: from }, end: { line, character: to } }, newText: ` ${codes.join(', ')}${dash < 0 ? '' : ' '}` }]]]),
  }];
};
