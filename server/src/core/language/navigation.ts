import { locatePaths } from '../json/locate';
import { JsonPath, pathKey } from '../json/path';
import { rawOffsetInStringToken } from '../json/strings';
import type { Range } from '../json/positions';
import { EntityIndex } from '../manifest/index';
import { hasOwnCard, topLevelHasOwnCard } from '../packaging/format';
import type { Project } from '../manifest/project';
import type { EntityDecl, EntityKind, Reference } from '../manifest/types';
import { entityLabel } from '../rules/words';
import { locationsOf, SymbolAt } from './locations';

/** A place in a project file. */
export interface FileRange {
  file: string;
  range: Range;
}

/** A text edit, as in LSP. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** Edits grouped by project-relative file. */
export type FileEdits = Map<string, TextEdit[]>;

/** The entity a symbol stands for: the declaration itself, or a reference's (first) target. */
export function entityOf(project: Project, s: SymbolAt): EntityDecl | undefined {
  return s.kind === 'declaration' ? s.entity : project.resolve(s.ref).targets[0];
}

/** Where an entity is declared (its code). */
export function declarationOf(e: EntityDecl): FileRange | undefined {
  const range = locationsOf(e.manifest).code(e) ?? locationsOf(e.manifest).extent(e);
  return range && { file: e.manifest.file, range };
}

/** Every reference in the project that resolves to the entity. */
export function referencesTo(project: Project, e: EntityDecl): Reference[] {
  const key = EntityIndex.keyOf(e);
  const out: Reference[] = [];
  for (const m of project.manifests) {
    for (const ref of m.references) {
      if (ref.kind !== e.kind) continue;
      const t = project.resolve(ref).targets[0];
      if (t && EntityIndex.keyOf(t) === key) out.push(ref);
    }
  }
  return out;
}

/** Ranges of references, each file scanned once. */
export function referenceRanges(refs: Reference[]): FileRange[] {
  const out: FileRange[] = [];
  for (const ref of refs) {
    const range = locationsOf(ref.manifest).reference(ref);
    if (range) out.push({ file: ref.manifest.file, range });
  }
  return out;
}

/** Codes must stay valid identifiers: references split on dots. */
export const CODE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why a rename cannot happen, or undefined when it can. Without `project` (a prepareRename, which
 * knows no new code yet) whether the new code is taken is not asked.
 */
export function renameProblem(e: EntityDecl | undefined, newCode: string, project?: Project): string | undefined {
  if (!e) return 'Only entities declared in this project can be renamed (built-ins belong to the platform).';
  if (e.code.startsWith('#')) return 'This entity has no code to rename.';
  if (!CODE_PATTERN.test(newCode)) return `\`${newCode}\` is not a valid code: use letters, digits and \`_\`, not starting with a digit.`;
  const taken = project && newCode !== e.code ? takenBy(project, e, newCode) : undefined;
  // References to either would then resolve to one of them: the rename would merge them silently.
  if (taken) {
    const where = taken.parent ? '' : ` in namespace \`${taken.namespace}\``;
    if (taken.kind !== e.kind) return `Cannot rename: ${entityLabel(taken)}${where} has that code; a package names both cards \`${taken.namespace}.${newCode}\`, and importing one would replace the other.`;
    return `Cannot rename: ${entityLabel(taken)}${where} exists already; the two and their references would merge.`;
  }
  return undefined;
}

/** An entity of the same kind and scope (namespace, or parent entity) that has the code already. */
function takenBy(project: Project, e: EntityDecl, code: string): EntityDecl | undefined {
  if (!e.parent) return codeTakenBy(project, e.namespace, e.kind, code, e);
  const parent = EntityIndex.keyOf(e.parent);
  return e.manifest.entities.find((x) => x.kind === e.kind && x.code === code && x.parent && EntityIndex.keyOf(x.parent) === parent);
}

/**
 * The top-level entity that has a code already for one of a kind in a namespace: one of that kind,
 * or, when that kind gets a card of its own, one of any kind with a card (a package names cards
 * `namespace.code` whatever their kind, MAN001: a page `home` takes a widget's id). `self`, an
 * entity of the kind being renamed, does not count; without it the entity is a new one.
 */
export function codeTakenBy(project: Project, namespace: string, kind: EntityKind, code: string, self?: EntityDecl): EntityDecl | undefined {
  const same = project.index.find(namespace, kind, code).find((x) => x !== self);
  if (same || !(self ? hasOwnCard(self) : topLevelHasOwnCard(kind))) return same;
  return project.index.inNamespace(namespace).find((x) => x.code === code && x !== self && hasOwnCard(x));
}

/**
 * The part of a reference's range (the string's raw content) after `namespace.`: the whole range
 * for a bare code. `ref.text` is decoded, so its dot is mapped to the raw text, where an escape
 * such as `\u0077` takes six characters.
 */
export function codePartRange(ref: Reference, range: Range): Range {
  const dot = ref.text.indexOf('.');
  if (dot < 0) return range;
  const lines = locationsOf(ref.manifest).lines;
  const from = lines.offsetAt(range.start) - 1; // the opening quote
  const token = ref.manifest.text.slice(from, lines.offsetAt(range.end) + 1);
  return { start: lines.positionAt(from + rawOffsetInStringToken(token, dot + 1)), end: range.end };
}

/**
 * Renames an entity's code across every manifest: its declaration and each reference, keeping
 * each reference's form (`code`, `namespace.code`).
 */
export function renameEdits(project: Project, e: EntityDecl, newCode: string): FileEdits {
  const edits: FileEdits = new Map();
  const add = (file: string, edit: TextEdit) => {
    const list = edits.get(file);
    if (list) list.push(edit);
    else edits.set(file, [edit]);
  };
  for (const decl of project.index.same(e)) {
    const range = locationsOf(decl.manifest).code(decl);
    if (range) add(decl.manifest.file, { range, newText: newCode });
  }
  for (const ref of referencesTo(project, e)) {
    const range = locationsOf(ref.manifest).reference(ref);
    // Replace only the code part, so `ns.old` becomes `ns.new` and the namespace is untouched.
    if (range) add(ref.manifest.file, { range: codePartRange(ref, range), newText: newCode });
  }
  // An app's records are keyed by its code in the `data` map of the manifests of its namespace.
  if (e.kind === 'app' && !e.parent) {
    for (const m of project.manifests) {
      const data = (m.value as { data?: unknown } | undefined)?.data;
      if (m.namespace !== e.namespace || typeof data !== 'object' || data === null || !Object.hasOwn(data, e.code)) continue;
      const key = locatePaths(m.text, [['data', e.code]], { tolerantOnly: m.syntaxErrors.length > 0 }).get(pathKey(['data', e.code]));
      if (key?.keyOffset === undefined || key.keyLength === undefined || key.keyLength < 2) continue;
      add(m.file, { range: locationsOf(m).lines.rangeOf(key.keyOffset + 1, key.keyLength - 2), newText: newCode });
    }
  }
  // A form names the fields it shows by their codes (`forms[].fields`), inside their app.
  if (e.kind === 'field' && e.parent?.kind === 'app') {
    const m = e.parent.manifest;
    const forms = (e.parent.body as { forms?: unknown }).forms;
    const paths: JsonPath[] = [];
    if (Array.isArray(forms)) {
      forms.forEach((f, i) => {
        const fields = (f as { fields?: unknown } | null)?.fields;
        if (Array.isArray(fields)) fields.forEach((x, j) => x === e.code && paths.push([...e.parent!.path, 'forms', i, 'fields', j]));
      });
    }
    const found = paths.length ? locatePaths(m.text, paths, { tolerantOnly: m.syntaxErrors.length > 0 }) : undefined;
    for (const at of paths) {
      const v = found?.get(pathKey(at));
      // Only a code written as it reads (no escapes) is replaced in place.
      if (!v || v.length !== e.code.length + 2) continue;
      add(m.file, { range: locationsOf(m).lines.rangeOf(v.offset + 1, v.length - 2), newText: newCode });
    }
  }
  return edits;
}
