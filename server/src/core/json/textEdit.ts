import type { JsonPath } from './path';
import { lineCommentEnd, skipContainerAt, skipStringAt, skipWsAt } from './scan';

/** The one span in which two texts differ: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new. */
export interface ChangedRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

const BLOCK = 1024;

/**
 * The span two texts differ in (common prefix and suffix removed), or undefined when they are
 * equal. Compares blocks natively before comparing characters, so a 1 MB text costs well under
 * a millisecond when one keystroke changed it.
 */
export function changedRange(a: string, b: string): ChangedRange | undefined {
  if (a === b) return undefined;
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p + BLOCK <= max && a.slice(p, p + BLOCK) === b.slice(p, p + BLOCK)) p += BLOCK;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  // The suffix may not overlap the prefix in either text.
  const room = max - p;
  let s = 0;
  while (s + BLOCK <= room && a.slice(a.length - s - BLOCK, a.length - s) === b.slice(b.length - s - BLOCK, b.length - s)) s += BLOCK;
  while (s < room && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return { start: p, oldEnd: a.length - s, newEnd: b.length - s };
}

/** The token an edit fell inside: a string value (with its path) or a comment, and where it stands. */
export type EditedToken =
  | { kind: 'string'; path: JsonPath; start: number; end: number }
  | { kind: 'comment'; start: number; end: number };

/** Whether `[from, to)` lies strictly inside a token: between a string's quotes, or after a comment's opening. */
export function isInside(t: EditedToken, from: number, to: number): boolean {
  return t.kind === 'string' ? t.start < from && to < t.end : t.start + 2 <= from && to <= t.end;
}

/** The same token after an edit inside it moved its end by `delta`. */
export function resized(t: EditedToken, delta: number): EditedToken {
  return { ...t, end: t.end + delta };
}

class Stop extends Error {}

/**
 * Where the elements of the root object's arrays stand (`apps[3]` spans `[starts[k], ends[k])`),
 * sorted by offset: an edit inside one element is looked for in that element alone. Made only
 * when the root object has no duplicate keys, so those paths name what `JSON.parse` keeps.
 */
export interface ElementIndex {
  starts: number[];
  ends: number[];
  keys: string[];
  indices: number[];
}

/** Indexes the elements of the root object's arrays of well-formed JSONC; undefined for any other shape. */
export function indexElements(text: string): ElementIndex | undefined {
  const idx: ElementIndex = { starts: [], ends: [], keys: [], indices: [] };
  const seen = new Set<string>();
  let i = skipWsAt(text, 0);
  if (i < 0 || text.charCodeAt(i) !== 123) return undefined;
  i++;
  for (;;) {
    i = skipWsAt(text, i);
    if (i < 0) return undefined;
    if (text.charCodeAt(i) === 125) return idx;
    if (text.charCodeAt(i) !== 34) return undefined;
    const ks = i;
    i = skipStringAt(text, i);
    if (i < 0) return undefined;
    const key = JSON.parse(text.slice(ks, i)) as string;
    if (seen.has(key)) return undefined;
    seen.add(key);
    i = skipWsAt(text, i);
    if (i < 0 || text.charCodeAt(i) !== 58) return undefined;
    i = skipWsAt(text, i + 1);
    if (i < 0) return undefined;
    const c = text.charCodeAt(i);
    if (c === 91) {
      i++;
      for (let index = 0; ; index++) {
        i = skipWsAt(text, i);
        if (i < 0) return undefined;
        if (text.charCodeAt(i) === 93) break;
        const start = i;
        const d = text.charCodeAt(i);
        if (d === 123 || d === 91) i = skipContainerAt(text, i);
        else if (d === 34) i = skipStringAt(text, i);
        else while (i < text.length && !/[\s,\]\/]/.test(text[i])) i++;
        if (i < 0) return undefined;
        idx.starts.push(start);
        idx.ends.push(i);
        idx.keys.push(key);
        idx.indices.push(index);
        i = skipWsAt(text, i);
        if (i < 0) return undefined;
        if (text.charCodeAt(i) === 44) i++;
        else if (text.charCodeAt(i) !== 93) return undefined;
      }
      i++;
    } else if (c === 123) i = skipContainerAt(text, i);
    else if (c === 34) i = skipStringAt(text, i);
    else while (i < text.length && !/[\s,}\/]/.test(text[i])) i++;
    if (i < 0) return undefined;
    i = skipWsAt(text, i);
    if (i < 0) return undefined;
    if (text.charCodeAt(i) === 44) i++;
    else if (text.charCodeAt(i) !== 125) return undefined;
  }
}

/** The element of the index that strictly holds `[from, to)`, or -1. */
export function elementAt(idx: ElementIndex, from: number, to: number): number {
  let lo = 0;
  let hi = idx.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (idx.starts[mid] <= from) lo = mid + 1;
    else hi = mid - 1;
  }
  const k = lo - 1;
  return k >= 0 && idx.starts[k] < from && to < idx.ends[k] ? k : -1;
}

/** The index after an edit inside one string or comment: what follows moves, what holds it resizes. */
export function shiftIndex(idx: ElementIndex, edit: ChangedRange): ElementIndex {
  const delta = edit.newEnd - edit.oldEnd;
  const move = (x: number) => (x >= edit.oldEnd ? x + delta : x);
  return { starts: idx.starts.map(move), ends: idx.ends.map(move), keys: idx.keys, indices: idx.indices };
}

/** Where `tokenAround` looks: one value of the text and its path (by default the whole text, at the root). */
export interface ScanScope {
  start: number;
  end: number;
  path: JsonPath;
}

/**
 * Finds the token of well-formed JSONC that strictly contains `[from, to)`: a string value
 * (between its quotes; `end` is after the closing quote) or a comment (after its opening `//` or
 * `/*`; `end` is where its text ends). Undefined when the span touches anything else (a key, a
 * number, punctuation, white space) or when a key on the found value's path repeats in its
 * object: `JSON.parse` keeps the last of duplicate keys, so the path would not name the edited
 * value. With a scope, only that value is scanned (its own path must be free of duplicates).
 * Strings are skipped with `indexOf`, and keys are read only for the path that is returned.
 */
export function tokenAround(text: string, from: number, to: number, scope?: ScanScope): EditedToken | undefined {
  const n = scope ? scope.end : text.length;
  let i = scope ? scope.start : 0;
  const base = scope ? scope.path : [];
  // The path below the scope: an array index, or (for an object member) the key's token offsets.
  const segIndex: number[] = [];
  const segKey: number[] = [];
  let depth = 0;
  let found: EditedToken | undefined;
  let foundPath: (string | number)[] = [];

  const stop = (): never => {
    throw new Stop();
  };
  const keyName = (ks: number, ke: number): string => {
    const backslash = text.indexOf('\\', ks);
    return backslash >= 0 && backslash < ke ? (JSON.parse(text.slice(ks, ke)) as string) : text.slice(ks + 1, ke - 1);
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else if (c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
        const line = text.charCodeAt(i + 1) === 47;
        const e = line ? lineCommentEnd(text, i + 2) : text.indexOf('*/', i + 2);
        const end = line ? e : e < 0 ? stop() : e;
        if (!found && from >= i + 2 && to <= end) {
          found = { kind: 'comment', start: i, end };
          throw new Stop(); // a comment holds no value: nothing else needs checking
        }
        if (!found && i > from) stop();
        i = line ? end : end + 2;
      } else return;
    }
  };
  const skipString = (): void => {
    i = skipStringAt(text, i);
    if (i < 0 || i > n) stop();
  };
  const value = (): void => {
    const start = i;
    if (!found && start > from) stop(); // the span began outside every token
    const c = text.charCodeAt(i);
    if (c === 123) object();
    else if (c === 91) array();
    else if (c === 34) {
      skipString();
      if (!found && start < from && to < i) {
        foundPath = base.slice();
        for (let d = 0; d < depth; d++) foundPath.push(segKey[d] < 0 ? segIndex[d] : keyName(segKey[d], segIndex[d]));
        found = { kind: 'string', path: foundPath, start, end: i };
      }
    } else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9 || d === 47) break;
        i++;
      }
      if (i === start) stop();
    }
  };
  const object = (): void => {
    const myDepth = base.length + depth;
    let onPath = false;
    i++;
    for (;;) {
      ws();
      if (text.charCodeAt(i) === 125) return void i++;
      if (text.charCodeAt(i) !== 34) stop();
      const ks = i;
      if (!found && ks > from) stop();
      skipString();
      const ke = i;
      if (!found && ks < from && to < ke) stop(); // an edit of a key changes the structure
      if (onPath && keyName(ks, ke) === foundPath[myDepth]) stop(); // a later duplicate key would win
      ws();
      if (text.charCodeAt(i) !== 58) stop();
      i++;
      ws();
      const before = found;
      segKey[depth] = ks;
      segIndex[depth] = ke;
      depth++;
      value();
      depth--;
      if (!before && found) onPath = true;
      ws();
      const d = text.charCodeAt(i);
      if (d === 44) i++;
      else if (d !== 125) stop();
    }
  };
  const array = (): void => {
    i++;
    for (let index = 0; ; index++) {
      ws();
      if (text.charCodeAt(i) === 93) return void i++;
      segKey[depth] = -1;
      segIndex[depth] = index;
      depth++;
      value();
      depth--;
      ws();
      const d = text.charCodeAt(i);
      if (d === 44) i++;
      else if (d !== 93) stop();
    }
  };

  try {
    ws();
    value();
    if (!scope) ws();
  } catch (e) {
    if (!(e instanceof Stop) && !(e instanceof SyntaxError)) throw e;
    return found?.kind === 'comment' ? found : undefined;
  }
  return found;
}
