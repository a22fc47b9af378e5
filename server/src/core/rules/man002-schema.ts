import { JsonPath, pathKey } from '../json/path';
import type { Manifest } from '../manifest/types';
import { SchemaProblem, validateListItem, validateManifestValue } from '../schema/validate';
import { changedNumbers } from '../json/numbers';
import { UnstorableString, unstorableStrings } from '../json/unstorable';
import { Finding, finding, Rule, RuleContext } from './rule';
import { en, MessageKey } from '../l10n/en';
import type { Translator } from '../l10n';

/** Syntax errors listed per file before the rest are summed up. */
export const MAX_SYNTAX_ERRORS = 50;

/** MAN002: the manifest is not valid JSONC, or does not match its kind's schema. */
export const man002: Rule = {
  code: 'MAN002',
  severity: 'error',
  title: 'Manifest does not match the schema',
  description: 'The manifest cannot be read (not a regular file, not permitted, a loop of symbolic links, larger than 64 MB), is malformed JSON or does not match the schema of its kind (wrong type, missing `kind` or `code`, ...), or holds a value no package keeps as written (a number past double precision, a NUL or an unpaired surrogate in a string).',
  check(m, ctx) {
    if (m.unlisted !== undefined) return [finding(this, m, ctx, { offset: 0, length: 1 }, ctx.t.t('man002.unlisted', { reason: m.unlisted }))];
    const out: Finding[] = [];
    // A badly broken file yields an error per token; the first ones say what is wrong, the rest is noise.
    for (const e of m.syntaxErrors.slice(0, MAX_SYNTAX_ERRORS)) {
      // A file that could not be read has no JSON to be malformed: it says so in its own words.
      const message = e.unreadable !== undefined ? ctx.t.t('man002.unreadable', { reason: e.unreadable }) : ctx.t.t('man002.syntax', { message: parserWords(e.message, ctx.t) });
      out.push(finding(this, m, ctx, { offset: e.offset, length: Math.max(e.length, 1) }, message));
    }
    const more = m.syntaxErrors.length - MAX_SYNTAX_ERRORS;
    if (more > 0) {
      const last = m.syntaxErrors[MAX_SYNTAX_ERRORS];
      out.push(finding(this, m, ctx, { offset: last.offset, length: Math.max(last.length, 1) }, ctx.t.t('man002.more', { n: more })));
    }
    // A broken file's recovered value would only repeat the syntax errors in other words.
    if (out.length > 0) return out;
    const repeated = m.repeatedKeys ?? [];
    // One list of line breaks for all of them: a file that repeats a name thousands of times
    // counted the lines from its start for each, the square of its size.
    const breaks = repeated.length > 0 ? lineBreaks(m.text) : [];
    for (const r of repeated) {
      out.push(finding(this, m, ctx, { offset: r.offset, length: r.length }, ctx.t.t('man002.repeatedKey', { key: r.key, line: lineOf(breaks, r.keptAt) }), { repeatedKey: true }));
    }
    const bad = unstorableStrings(m.text, m.value);
    out.push(...schemaFindings(m, ctx, validateManifestValue(m.value, ctx.t), bad));
    for (const n of changedNumbers(m.text)) {
      out.push(finding(this, m, ctx, { path: n.path }, ctx.t.t('man002.changedNumber', { text: n.text, kept: n.kept }), { changedNumber: true }));
    }
    out.push(...unstorable(m, ctx, bad));
    return out;
  },
};

/**
 * The schema's problems as findings, less those on a string that holds a NUL or an unpaired
 * surrogate: one finding per value, and that one names what is wrong with it and how to mend it
 * (the schema's pattern or enum would only quote the string back).
 */
function schemaFindings(m: Manifest, ctx: RuleContext, problems: readonly SchemaProblem[], bad: readonly UnstorableString[]): Finding[] {
  const reported = new Set(bad.filter((u) => !u.key).map((u) => pathKey(u.path)));
  const out: Finding[] = [];
  for (const p of problems) {
    if (reported.size === 0 || !reported.has(pathKey(p.path))) out.push(finding(man002, m, ctx, { path: p.path, part: p.part }, p.message));
  }
  return out;
}

/** A string or property name no environment stores (a NUL, an unpaired surrogate): the package's readers refuse it. */
function unstorable(m: Manifest, ctx: RuleContext, bad: readonly UnstorableString[]): Finding[] {
  const { t } = ctx;
  return bad.map((u) => finding(man002, m, ctx, u.key ? { path: u.path, part: 'key' } : { path: u.path },
    t.t(u.why === 'nul' ? 'man002.nul' : 'man002.surrogate', { where: t.t(u.key ? 'man002.where.key' : 'man002.where.string') }), { unstorable: true }));
}

/**
 * MAN002's findings after one string inside an element of a root list changed (a reference
 * typed in a page of a large manifest), from the findings before the edit: the element is
 * validated alone and replaces what was found inside it; the rest stays. Undefined when the
 * edit is not inside such an element or the list's schema is not a plain list (see
 * `validateListItem`); the rule then runs on the whole manifest.
 */
export function schemaAfterItemEdit(m: Manifest, ctx: RuleContext, before: readonly Finding[], path: JsonPath): Finding[] | undefined {
  const [key, index] = path;
  const v = m.value as Record<string, unknown>;
  if (m.syntaxErrors.length > 0 || typeof key !== 'string' || typeof index !== 'number' || path.length < 3 || !Array.isArray(v?.[key])) return undefined;
  const problems = validateListItem(v, key, index, ctx.t);
  if (!problems) return undefined;
  const inside = (p: JsonPath) => p.length >= 2 && p[0] === key && p[1] === index;
  // A string edit changes no number: what was found of the numbers inside the element stands.
  // The edited string may have gained or lost a NUL: those are found again, in the whole value
  // (at no cost in a text without a `\u` escape).
  const kept = before.filter((f) => !f.data?.unstorable && (!('path' in f.anchor) || !inside(f.anchor.path) || f.data?.changedNumber));
  const bad = unstorableStrings(m.text, m.value);
  kept.push(...schemaFindings(m, ctx, problems, bad));
  kept.push(...unstorable(m, ctx, bad));
  return kept;
}

/** The catalog key of each of the JSON parser's messages, by its English words. */
const PARSER_WORDS = new Map(Object.entries(en).filter(([k]) => k.startsWith('json.')).map(([k, v]) => [v as string, k as MessageKey]));

/** The offset of every LF in `text`, in order (only LF counts: a CR alone starts no line here). */
function lineBreaks(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** The 1-based line of an offset: one more than the line breaks before it. */
function lineOf(breaks: readonly number[], offset: number): number {
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (breaks[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** The parser's message in the translator's language; other messages (UTF-8, depth) as they are. */
function parserWords(message: string, t: Translator): string {
  const key = PARSER_WORDS.get(message);
  return key ? t.t(key) : message;
}
