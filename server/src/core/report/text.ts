import { oneLine } from '../oneLine';
import type { CheckResult } from '../check';

/** `file:line:col severity code message`, 1-based like compilers, then a summary line. */
export function formatText(result: CheckResult): string {
  // One line per finding, whatever a manifest's text or a file's name holds: a line break or an
  // escape sequence quoted from a manifest must not forge another line or drive the terminal.
  const lines = result.diagnostics.map(
    (d) => `${oneLine(d.file, Infinity)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${oneLine(d.message, Infinity)}`,
  );
  const s = result.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')} in ${plural(s.files, 'manifest')}`);
  return lines.join('\n') + '\n';
}
