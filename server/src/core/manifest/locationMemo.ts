import { locatePaths, NodeLocation } from '../json/locate';
import { LineIndex } from '../json/positions';
import { JsonPath, pathKey } from '../json/path';
import type { ChangedRange } from '../json/textEdit';
import { DIRECTIVE } from '../suppressions';
import type { Manifest } from './types';

/** Locations of paths in each manifest version, as found so far (keyed by `pathKey`). */
const memos = new WeakMap<Manifest, Map<string, NodeLocation>>();

/**
 * Where paths stand in a manifest's text: remembered per manifest version, so a file is scanned
 * only for paths not asked for before (or carried over from the previous version by `carryLocations`).
 */
export function locateInManifest(m: Manifest, paths: Iterable<JsonPath>, keep = true): Map<string, NodeLocation> {
  let memo = memos.get(m);
  // Without `keep` (a check no edit follows) what is known is used and nothing new is remembered.
  if (!memo) {
    memo = new Map();
    if (keep) memos.set(m, memo);
  }
  const out = new Map<string, NodeLocation>();
  const missing: JsonPath[] = [];
  for (const p of paths) {
    const k = pathKey(p);
    const loc = memo.get(k);
    if (loc) out.set(k, loc);
    else missing.push(p);
  }
  if (missing.length > 0) {
    // A text without syntax errors or repeated names (the parser proved it) is read only as far as the last path.
    const tolerantOnly = m.syntaxErrors.length > 0;
    for (const [k, loc] of locatePaths(m.text, missing, { tolerantOnly, uniqueNames: !tolerantOnly && !m.repeatedKeys })) {
      memo.set(k, loc);
      out.set(k, loc);
    }
  }
  return out;
}

/**
 * Records where a path stands in a manifest version, unless it is known already: an edit knows
 * where the string it changed stands, so a finding that appears there (a reference just broken)
 * is placed without scanning the text for it.
 */
export function noteLocation(m: Manifest, path: JsonPath, loc: NodeLocation): void {
  let memo = memos.get(m);
  if (!memo) memos.set(m, (memo = new Map()));
  const k = pathKey(path);
  if (!memo.has(k)) memo.set(k, loc);
}

/** Line indexes of manifest versions whose findings were placed (or carried over from the previous version). */
const lineIndexes = new WeakMap<Manifest, LineIndex>();

/**
 * The line index of a manifest version's text: made once per version, or carried over an edit
 * (`carryLocations`); without `keep`, one made now is not remembered.
 */
export function lineIndexOf(m: Manifest, keep = true): LineIndex {
  let lines = lineIndexes.get(m);
  if (!lines) {
    lines = new LineIndex(m.text);
    if (keep) lineIndexes.set(m, lines);
  }
  return lines;
}

/**
 * Gives a new version the locations known in the previous one, moved by an edit that changed
 * only the inside of one string value or comment (so no path moved to another token): what
 * follows the edit shifts, what contains it grows or shrinks, what precedes it stays.
 * Copied, not linked, so the previous version can be collected.
 */
export function carryLocations(from: Manifest, to: Manifest, edit: ChangedRange): void {
  const delta = edit.newEnd - edit.oldEnd;
  // No line break was typed or deleted (the edit stays inside one string or comment): lines only move.
  const lines = lineIndexes.get(from);
  if (lines) lineIndexes.set(to, lines.shifted(edit.start, delta));
  const old = memos.get(from);
  if (!old) return;
  const memo = new Map<string, NodeLocation>();
  for (const [k, loc] of old) {
    const end = loc.offset + loc.length;
    const moved: NodeLocation = {
      offset: loc.offset >= edit.oldEnd ? loc.offset + delta : loc.offset,
      length: loc.offset < edit.oldEnd && end >= edit.oldEnd ? loc.length + delta : loc.length,
    };
    if (loc.keyOffset !== undefined) {
      moved.keyOffset = loc.keyOffset >= edit.oldEnd ? loc.keyOffset + delta : loc.keyOffset;
      moved.keyLength = loc.keyLength;
    }
    memo.set(k, moved);
  }
  memos.set(to, memo);
}

/** Whether each manifest version's text names the suppression directive anywhere (known once per version). */
const directives = new WeakMap<Manifest, boolean>();

/**
 * Whether a manifest version's text may hold a suppression comment (`isola-disable-next-line`):
 * found once per version, or carried over an edit inside a string (`carryDirectiveScan`), so a
 * keystroke in a 1 MB manifest does not scan its text for comments it cannot have changed.
 */
export function mayHoldDirective(m: Manifest, keep = true): boolean {
  let has = directives.get(m);
  if (has === undefined) {
    has = m.text.includes(DIRECTIVE);
    if (keep) directives.set(m, has);
  }
  return has;
}

/**
 * Gives a new version the previous one's answer when the edit stayed inside one string value:
 * a directive counts only on a line holding nothing but a `//` comment, which such an edit
 * cannot touch (no quote, line break or backslash typed), so none appears or goes.
 */
export function carryDirectiveScan(from: Manifest, to: Manifest): void {
  const has = directives.get(from);
  if (has === false) directives.set(to, false);
}
