import { applyEdits, Edit, modify } from 'jsonc-parser';
import type { JsonPath } from '../json/path';
import { LineIndex } from '../json/positions';
import type { Diagnostic } from '../check';
import type { FileEdits, TextEdit } from '../language/navigation';
import type { Project } from '../manifest/project';
import type { Manifest } from '../manifest/types';
import type { Translator } from '../l10n';

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

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/** Edits that set a JSON value at a path, formatted like the rest of the file (jsonc-parser keeps comments). */
export function jsonEdits(text: string, path: JsonPath, value: unknown): TextEdit[] {
  const lines = new LineIndex(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return modify(text, path as (string | number)[], value, { formattingOptions: { ...FORMAT.formattingOptions, eol } }).map((e: Edit) => ({
    range: lines.rangeOf(e.offset, e.length),
    newText: e.content,
  }));
}

/** The text with a JSON value set at a path, formatted as `jsonEdits` formats it. */
export function withJsonValue(text: string, path: JsonPath, value: unknown): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return applyEdits(text, modify(text, path as (string | number)[], value, { formattingOptions: { ...FORMAT.formattingOptions, eol } }));
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
