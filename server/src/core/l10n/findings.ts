import type { Diagnostic } from '../check';

/**
 * The same findings with the messages of `localized` (the same check in another language),
 * matched by file, position and code; a finding without its match keeps its message. For
 * findings made by code that checks in English (the builder's refusal).
 */
export function inLanguage(diagnostics: readonly Diagnostic[], localized: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => `${d.file}\u0000${d.range.start.line}:${d.range.start.character}\u0000${d.code}`;
  const messages = new Map(localized.map((d) => [key(d), d.message]));
  return diagnostics.map((d) => ({ ...d, message: messages.get(key(d)) ?? d.message }));
}
