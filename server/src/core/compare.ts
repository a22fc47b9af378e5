/** Orders codes and paths by UTF-16 code units: stable across machines and locales, and cheap (no collator). */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
