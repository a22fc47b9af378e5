import { Edit, modify } from 'jsonc-parser';
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
