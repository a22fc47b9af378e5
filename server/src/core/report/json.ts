import type { CheckResult } from '../check';

/** The object of spec §6: zero-based ranges as in LSP, files relative to the checked folder. */
export function formatJson(result: CheckResult): string {
  const diagnostics = result.diagnostics.map((d) => ({
    file: d.file,
    range: d.range,
    severity: d.severity,
    code: d.code,
    message: d.message,
    package: d.package ?? null,
  }));
  return JSON.stringify({ diagnostics, summary: result.summary }, null, 2) + '\n';
}
