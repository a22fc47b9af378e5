import type { Diagnostic } from './check';
import { LineIndex } from './json/positions';
import { english, Translator } from './l10n';
import type { RuleCode } from './rules/rule';

/** The directive users write above a finding: `// isola-disable-next-line ISO005 -- reason`. */
export const DIRECTIVE = 'isola-disable-next-line';

const CODE_RE = /^(ISO|MAN)\d{3}$/;

/** One suppression comment, with what it asks for. */
export interface Suppression {
  line: number;
  /** Character range of the directive's codes (for findings about the comment itself). */
  start: number;
  end: number;
  codes: string[];
  reason?: string;
}

/**
 * Finds suppression comments in a manifest's text (a cheap `indexOf` scan when there are none).
 * Lines are counted as the positions of findings are (`LineIndex`): LF, CRLF and a lone CR each
 * end a line, so a directive applies to the line the editor and `isola check` show below it.
 */
export function findSuppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  let at = text.indexOf(DIRECTIVE);
  let lines: LineIndex | undefined;
  while (at >= 0) {
    lines ??= new LineIndex(text);
    const { line, character } = lines.positionAt(at);
    const lineStart = at - character;
    const lineEnd = lineEndOf(text, at);
    const before = text.slice(lineStart, at);
    // Only a `//` comment that holds nothing but the directive counts.
    if (/^\s*\/\/\s*$/.test(before)) {
      const rest = text.slice(at + DIRECTIVE.length, lineEnd);
      const [codesPart, ...reasonParts] = rest.split('--');
      const codes = codesPart.split(/[\s,]+/).filter(Boolean);
      out.push({
        line,
        start: character,
        end: lineEnd - lineStart,
        codes,
        reason: reasonParts.length ? reasonParts.join('--').trim() || undefined : undefined,
      });
    }
    at = text.indexOf(DIRECTIVE, at + DIRECTIVE.length);
  }
  return out;
}

/** Where the line holding `offset` ends: at its line break (LF, CR or CRLF), or the end of the text. */
function lineEndOf(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

/** The text of one line, without its line break; lines end as in `LineIndex` (LF, CRLF, a lone CR). */
export function lineText(text: string, line: number): string {
  return text.split(/\r\n|\r|\n/, line + 1)[line] ?? '';
}

/** The line break to insert lines with: CRLF when the text has one, else LF, or CR in a text whose lines end with a lone CR. */
export function lineBreakOf(text: string): string {
  if (text.includes('\r\n')) return '\r\n';
  return text.includes('\r') && !text.includes('\n') ? '\r' : '\n';
}

/**
 * Drops warnings and infos that a directive on the line above suppresses, and reports the
 * directives that do nothing or ask for too much (MAN004): unknown codes, errors (which
 * block export and cannot be waved away), and codes with no finding on the next line. Those
 * findings are in `t`'s language, as the rules' findings of the same check.
 */
export function applySuppressions(file: string, text: string, diagnostics: Diagnostic[], pkg: string | undefined, t: Translator = english): Diagnostic[] {
  const directives = findSuppressions(text);
  if (directives.length === 0) return diagnostics;
  const used = new Set<string>();
  const byLine = new Map(directives.map((d) => [d.line + 1, d]));
  const kept = diagnostics.filter((d) => {
    const dir = byLine.get(d.range.start.line);
    if (!dir || d.severity === 'error' || !dir.codes.includes(d.code)) return true;
    used.add(`${dir.line}:${d.code}`);
    return false;
  });
  const severityOf = new Map(diagnostics.map((d) => [`${d.range.start.line}:${d.code}`, d.severity]));
  for (const dir of directives) {
    const range = { start: { line: dir.line, character: dir.start }, end: { line: dir.line, character: dir.end } };
    // `unused` marks the directive that can simply go (faded in editors, removed by a quick fix):
    // the message is in the user's language, so nothing reads it for that.
    const report = (message: string, data: Record<string, unknown> = {}) =>
      kept.push({ file, range, severity: 'warning', code: 'MAN004' as RuleCode, message, package: pkg, data: { line: dir.line, ...data } });
    const unused = (code: string) => CODE_RE.test(code) && severityOf.get(`${dir.line + 1}:${code}`) !== 'error' && !used.has(`${dir.line}:${code}`);
    // The whole comment can go only when none of its codes does anything; otherwise only the code.
    const whole = dir.codes.every(unused);
    if (dir.codes.length === 0) report(t.t('man004.noCode', { directive: DIRECTIVE }));
    for (const code of dir.codes) {
      if (!CODE_RE.test(code)) report(t.t('man004.notCode', { code }));
      else if (severityOf.get(`${dir.line + 1}:${code}`) === 'error') report(t.t('man004.error', { code }));
      else if (unused(code)) report(t.t('man004.unused', { code }), whole ? { unused: true } : { unusedCode: code });
    }
  }
  return kept;
}
