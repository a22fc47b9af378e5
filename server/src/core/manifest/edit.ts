import { stripBom } from '../json/parse';
import type { JsonPath } from '../json/path';
import {
  changedRange, ChangedRange, EditedToken, ElementIndex, elementAt, indexElements, isInside, resized, shiftIndex, tokenAround,
} from '../json/textEdit';
import { modelManifest } from './build';
import { carryModel, isReferencePath, titleOnlyPath } from './carryModel';
import type { NodeLocation } from '../json/locate';
import { carryDirectiveScan, carryLocations, noteLocation } from './locationMemo';
import type { Manifest } from './types';

/** Characters that, typed or deleted inside a string, could end it or change an escape. */
const STRING_UNSAFE = /["\\\u0000-\u001f]/;
/** Characters that, typed or deleted inside a comment, could end it or start another. */
const COMMENT_UNSAFE = /[*/\r\n]/;

/** The token the edit that made a manifest version fell inside, where it stands in that version. */
const lastToken = new WeakMap<Manifest, EditedToken>();
/** The elements of a manifest version's root lists, where known. */
const elements = new WeakMap<Manifest, ElementIndex>();

/**
 * The next version of a manifest after an edit inside one string value or one comment (typing a
 * title, a reference, a script line, a comment), built without parsing the text again: the old
 * value with that one string replaced (objects on its path copied, the rest shared), then the
 * model. Undefined when the edit is anything else; the caller then builds the manifest from its
 * text. The result equals what `buildManifest` gives for the new text (tested on random edits).
 */
export function rebuildAfterEdit(root: string, old: Manifest, rawText: string): Manifest | undefined {
  if (old.syntaxErrors.length > 0 || old.repeatedKeys || typeof old.value !== 'object' || old.value === null) return undefined;
  const text = stripBom(rawText);
  const edit = changedRange(old.text, text);
  if (!edit) return undefined;
  const removed = old.text.slice(edit.start, edit.oldEnd);
  const typed = text.slice(edit.start, edit.newEnd);
  // Keystrokes come in runs inside one token: the one found for the previous edit is reused
  // (its bounds moved by that edit) without scanning the text again.
  const last = lastToken.get(old);
  const token = last && isInside(last, edit.start, edit.oldEnd) ? last : findToken(old, edit);
  if (!token) return undefined;
  let value: unknown = old.value;
  // What the model may carry over: all of it for a comment, all but a title for a title or
  // description, all but one reference's text for a reference.
  let carry = root === old.root;
  let edited: { path: JsonPath; text: string; reference?: boolean } | undefined;
  if (token.kind === 'comment') {
    if (COMMENT_UNSAFE.test(removed) || COMMENT_UNSAFE.test(typed)) return undefined;
    // Deleting what stood between `*` and `/` would close a block comment early.
    if (text[edit.start - 1] === '*' && text[edit.newEnd] === '/') return undefined;
  } else {
    if (STRING_UNSAFE.test(removed) || STRING_UNSAFE.test(typed)) return undefined;
    let s: unknown;
    try {
      s = JSON.parse(text.slice(token.start, token.end + edit.newEnd - edit.oldEnd));
    } catch {
      return undefined; // an escape sequence broken by the edit
    }
    if (typeof s !== 'string') return undefined;
    value = withValueAt(old.value, token.path, s);
    if (titleOnlyPath(token.path)) edited = { path: token.path, text: s };
    // A reference's text: the model is carried with that one reference changed.
    else if (isReferencePath(old, token.path)) edited = { path: token.path, text: s, reference: true };
    else carry = false;
  }
  const m = (carry && carryModel(old, text, value, edited)) || modelManifest(root, old.absPath, text, value, []);
  carryLocations(old, m, edit);
  const now = resized(token, edit.newEnd - edit.oldEnd);
  if (now.kind === 'string') {
    const loc = locationOf(text, now.start, now.end, now.path);
    if (loc) noteLocation(m, now.path, loc);
    carryDirectiveScan(old, m);
  }
  lastToken.set(m, now);
  const index = elements.get(old);
  if (index) elements.set(m, shiftIndex(index, edit));
  return m;
}

/**
 * The token an edit fell inside, scanning only the element of a root list that holds it (an
 * app, a page, a process) once the manifest's elements are indexed. The index is made by the
 * first such edit and carried from version to version while edits stay inside strings and comments.
 */
function findToken(m: Manifest, edit: ChangedRange): EditedToken | undefined {
  let index = elements.get(m);
  if (!index) {
    index = indexElements(m.text);
    if (!index) return tokenAround(m.text, edit.start, edit.oldEnd);
    elements.set(m, index);
  }
  const k = elementAt(index, edit.start, edit.oldEnd);
  if (k < 0) return tokenAround(m.text, edit.start, edit.oldEnd);
  return tokenAround(m.text, edit.start, edit.oldEnd, { start: index.starts[k], end: index.ends[k], path: [index.keys[k], index.indices[k]] });
}

/** A copy of `root` with the value at `path` replaced: containers on the path are copied, the rest shared. */
function withValueAt(root: unknown, path: JsonPath, v: unknown): unknown {
  if (path.length === 0) return v;
  const [seg, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[seg as number] = withValueAt(root[seg as number], rest, v);
    return copy;
  }
  const obj = root as Record<string, unknown>;
  return { ...obj, [seg]: withValueAt(obj[seg as string], rest, v) };
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Where the edited string value stands, as `locatePaths` gives it: the value `[start, end)` and,
 * for an object property, its key (found by stepping back over `:` and white space). Undefined
 * when something else stands between them (a comment) or the key is not the path's last name.
 */
function locationOf(text: string, start: number, end: number, path: JsonPath): NodeLocation | undefined {
  let i = start - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  const last = path[path.length - 1];
  const c = text.charCodeAt(i);
  // An array item: no key.
  if (typeof last === 'number') return c === 44 || c === 91 ? { offset: start, length: end - start } : undefined;
  if (c !== 58) return undefined;
  i--;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  if (text.charCodeAt(i) !== 34) return undefined;
  const keyEnd = i + 1;
  const keyStart = text.lastIndexOf('"', i - 1);
  // A key with escapes is left to the scan.
  if (keyStart < 0 || text.slice(keyStart + 1, i) !== last || last.includes('\\')) return undefined;
  return { offset: start, length: end - start, keyOffset: keyStart, keyLength: keyEnd - keyStart };
}
