/**
 * A value put into a webview's HTML, as text or inside a quoted attribute. Whatever an
 * environment service or a package sends passes through here, numbers included: a hostile
 * service may send markup where a count or a revision is expected.
 */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
