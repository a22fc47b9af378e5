import { applyEdits, createScanner, findNodeAtLocation, modify, parseTree, SyntaxKind } from 'jsonc-parser';
import type { JsonPath } from '../json/path';
import { LineIndex } from '../json/positions';
import type { Diagnostic } from '../check';
import type { FileEdits, TextEdit } from '../language/navigation';
import type { Project } from '../manifest/project';
import type { Manifest } from '../manifest/types';
import type { Translator } from '../l10n';
import { lineBreakOf } from '../suppressions';

/** A quick fix: edits to existing files and, optionally, files to create. */
export interface Fix {
  title: string;
  /** The fix a user most likely wants (editors apply it with the "auto fix" shortcut). */
  isPreferred?: boolean;
  edits: FileEdits;
  creates?: { file: string; text: string }[];
}

/** Computes the fixes for one diagnostic of a project; titles in the translator's language. */
export type FixProvider = (project: Project, d: Diagnostic, t: Translator) => Fix[];

/** How a file indents and breaks its lines, as jsonc-parser's `modify` takes it. */
export interface TextFormat {
  insertSpaces: boolean;
  tabSize: number;
  eol: string;
}

/**
 * The file's own line break (CRLF, LF, or CR alone) and indentation (tabs, or the narrowest run of
 * spaces that starts a line), so that a fix writes what the file's author would: two spaces and LF
 * when the file says nothing (one line, or no indented line).
 */
export function formatOf(text: string): TextFormat {
  const eol = lineBreakOf(text);
  let tabs = 0;
  let spaced = 0;
  let narrowest = Infinity;
  // The first few hundred indented lines say enough; a huge manifest is not read to its end.
  const lines = /[\r\n]([ \t]+)\S/g;
  for (let m = lines.exec(text), seen = 0; m && seen < 256; m = lines.exec(text), seen++) {
    if (m[1][0] === '\t') tabs++;
    else {
      spaced++;
      narrowest = Math.min(narrowest, m[1].length);
    }
  }
  if (tabs > spaced) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: spaced && narrowest <= 8 ? narrowest : 2, eol };
}

/**
 * Edits that set a JSON value at a path, formatted like the rest of the file (jsonc-parser keeps
 * comments): one edit, as `editBetween` makes it.
 */
export function jsonEdits(text: string, path: JsonPath, value: unknown): TextEdit[] {
  return editBetween(text, withJsonValue(text, path, value));
}

/**
 * The text with a JSON value set at a path, formatted as jsonc-parser formats it. A path that ends
 * in -1 appends to an array; a comment on the line of the array's last element stays with that
 * element instead of moving behind the new one.
 */
export function withJsonValue(text: string, path: JsonPath, value: unknown): string {
  const format = formatOf(text);
  if (path.length > 0 && path[path.length - 1] === -1) {
    const appended = appendAfterComment(text, path.slice(0, -1), value, format);
    if (appended !== undefined) return appended;
  }
  return applyEdits(text, modify(text, path as (string | number)[], value, { formattingOptions: format }));
}

/**
 * Appends a value to the array at `arrayPath` on a line of its own after the last element, when a
 * comment follows that element on its line (jsonc-parser would put the new element in front of
 * the comment). Undefined in every other case, which jsonc-parser handles.
 */
function appendAfterComment(text: string, arrayPath: JsonPath, value: unknown, format: TextFormat): string | undefined {
  const tree = parseTree(text);
  const array = tree && findNodeAtLocation(tree, arrayPath as (string | number)[]);
  const last = array?.type === 'array' ? array.children?.[array.children.length - 1] : undefined;
  if (!last) return undefined;
  const end = last.offset + last.length;
  const scanner = createScanner(text, false);
  scanner.setPosition(end);
  let comma: number | undefined;
  let comment = false;
  let lineEnd: number | undefined;
  for (let token = scanner.scan(); lineEnd === undefined; token = scanner.scan()) {
    switch (token) {
      case SyntaxKind.Trivia: break;
      case SyntaxKind.CommaToken: if (comma !== undefined) return undefined; comma = scanner.getTokenOffset(); break;
      case SyntaxKind.LineCommentTrivia: case SyntaxKind.BlockCommentTrivia: comment = true; break;
      case SyntaxKind.LineBreakTrivia: lineEnd = scanner.getTokenOffset(); break;
      default: return undefined; // the bracket (or anything else) on the element's line
    }
  }
  if (!comment) return undefined;
  const eol = format.eol;
  const lineStart = Math.max(text.lastIndexOf('\n', last.offset - 1), text.lastIndexOf('\r', last.offset - 1)) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, last.offset))![0];
  const json = JSON.stringify(value, null, format.insertSpaces ? format.tabSize : '\t').split('\n').join(eol + indent);
  // A trailing comma stays a trailing comma: the new element gets one too.
  const element = `${eol}${indent}${json}${comma === undefined ? '' : ','}`;
  return text.slice(0, end) + (comma === undefined ? ',' : '') + text.slice(end, lineEnd) + element + text.slice(lineEnd);
}

/**
 * One edit that turns `before` into `after`: the span between their common start and end. Fixes
 * that change a file in several steps send this, since edits of one fix must not overlap (LSP)
 * and a formatting edit may cover a line another step changes.
 */
export function editBetween(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  // Never split a CRLF or a surrogate pair: widen the span over the other half.
  const splits = (at: number) => at > 0 && at < before.length && (isLow(before.charCodeAt(at)) || (before[at - 1] === '\r' && before[at] === '\n'));
  while (splits(start)) start--;
  while (end > 0 && splits(before.length - end)) end--;
  return [{ range: new LineIndex(before).rangeOf(start, before.length - end - start), newText: after.slice(start, after.length - end) }];
}

const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Adds edits for a file to a set of file edits. */
export function addEdits(all: FileEdits, file: string, edits: TextEdit[]): FileEdits {
  const list = all.get(file);
  if (list) list.push(...edits);
  else all.set(file, [...edits]);
  return all;
}

export function manifestByFile(project: Project, file: string): Manifest | undefined {
  return project.manifestAt(file);
}
