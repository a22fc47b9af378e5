import { compareCodes } from '../compare';
import { Case, english, Translator } from '../l10n';
import type { EntityDecl, Package } from '../manifest/types';
import { codeSpanText } from '../language/markdown';

/** "workspace `invoices`"; in Russian in the case its slot needs ("раздела `invoices`"). */
export function packageLabel(p: Package, t: Translator = english, c: Case = 'nom'): string {
  return kindLabel(p.kind, p.code, t, c);
}

/** A kind's noun and a code: "module `tax`", "модуля `tax`". */
export function kindLabel(kind: string, code: string | undefined, t: Translator = english, c: Case = 'nom'): string {
  // Labels go into hovers' Markdown too: a code with a backtick or a line break must not end the span.
  return `${t.noun(kind, c)} \`${codeSpanText(String(code))}\``;
}

/** "script `notify` of process `approve`"; "скрипт `notify` бизнес-процесса `approve`" (parents in the genitive). */
export function entityLabel(e: EntityDecl, t: Translator = english, c: Case = 'nom'): string {
  const own = kindLabel(e.kind, e.code, t, c);
  return e.parent ? t.t('label.nested', { own, parentGen: entityLabel(e.parent, t, 'gen') }) : own;
}

/** The first letter in upper case: labels open sentences. */
export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// The two rows of the distance table, kept between calls: "did you mean" measures a misspelt
// name against every entity of its kind, and a fresh pair of arrays per candidate was most of it.
let prevRow = new Int32Array(64);
let curRow = new Int32Array(64);

/** Levenshtein distance, capped: returns `max + 1` as soon as the distance must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  if (prevRow.length <= n) {
    prevRow = new Int32Array(2 * (n + 1));
    curRow = new Int32Array(2 * (n + 1));
  }
  let prev = prevRow;
  let cur = curRow;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}

/** The closest candidates to a misspelt name, best first. */
export function closest(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const max = Math.max(2, Math.floor(word.length / 5));
  const scored: [string, number][] = [];
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(lower, c.toLowerCase(), max);
    if (d <= max) scored.push([c, d]);
  }
  scored.sort((a, b) => a[1] - b[1] || compareCodes(a[0], b[0]));
  // Only near-best candidates: a clear winner should not come with a tail of weak guesses.
  const best = scored.length ? scored[0][1] : 0;
  return [...new Set(scored.filter((s) => s[1] <= best + 1).map((s) => s[0]))].slice(0, limit);
}
