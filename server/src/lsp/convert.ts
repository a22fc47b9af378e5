import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Diagnostic as LspDiagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { Diagnostic } from '../core/check';

export function toUri(absPath: string): string {
  return pathToFileURL(absPath).toString();
}

/** Absolute path of a `file:` URI, or undefined for other schemes (untitled documents, diffs). */
export function toPath(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

export function absOf(root: string, file: string): string {
  return path.resolve(root, file);
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** A core diagnostic as LSP sends it; `data` carries what quick fixes need back. */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'isola',
    message: d.message,
    data: { file: d.file, package: d.package, data: d.data },
  };
  if (d.code === 'MAN004' && d.data?.unused === true) out.tags = [DiagnosticTag.Unnecessary];
  return out;
}

/** Back from LSP to core, for code actions. */
export function fromLspDiagnostic(d: LspDiagnostic): Diagnostic | undefined {
  const extra = d.data as { file?: string; package?: string; data?: Record<string, unknown> } | undefined;
  if (!extra?.file || typeof d.code !== 'string') return undefined;
  const severity = d.severity === DiagnosticSeverity.Error ? 'error' : d.severity === DiagnosticSeverity.Warning ? 'warning' : 'info';
  const message = typeof d.message === 'string' ? d.message : d.message.value;
  return { file: extra.file, range: d.range, severity, code: d.code as Diagnostic['code'], message, package: extra.package, data: extra.data };
}
