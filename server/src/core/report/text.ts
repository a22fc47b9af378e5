import type { CheckResult } from '../check';

/** `file:line:col severity code message`, 1-based like compilers, then a summary line. */
export function formatText(result: CheckResult): string {
  const lines = result.diagnostics.map(
    (d) => `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}`,
  );
  const s = result.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')} in ${plural(s.files, 'manifest')}`);
  return lines.join('\n') + '\n';
}
