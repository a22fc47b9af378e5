import { getLocation } from 'jsonc-parser';
import type { Range } from '../json/positions';
import { LineIndex } from '../json/positions';
import { REF_LIST_PROPERTIES, REF_PROPERTIES } from '../manifest/kinds';
import { english, Translator } from '../l10n';
import type { BuiltinEntity } from '../catalog/catalog';
import type { Project } from '../manifest/project';
import { contextNamespace, resolveReference } from '../manifest/resolve';
import { EntityDecl, GLOBAL_NAMESPACE, Manifest, ORG_NAMESPACE, RefKind } from '../manifest/types';
import { namespaceLabel } from '../rules/iso004-out-of-scope';

/** One reference the user may insert, with what inserting it would mean for isolation. */
export interface ReferenceCompletion {
  /** Text to insert (without quotes). */
  label: string;
  kind: RefKind;
  title?: string;
  /** "workspace `custom_objects`", "built-in · CRM"... */
  detail: string;
  /** `inside` keeps isolation, `builtin` is always fine, `breaks` would be a finding. */
  isolation: 'inside' | 'builtin' | 'breaks';
  deleted: boolean;
}

/** The completion context at a position: a reference value being typed, and what it replaces. */
export interface ReferenceSlot {
  kind: RefKind;
  /** Range to replace: the string's content, or an empty range where a value is missing. */
  range: Range;
  /** The value needs quotes (the cursor is not inside a string yet). */
  quote: boolean;
  /** What is typed of the value before the cursor (as the editor filters by). */
  typed: string;
}

/** Finds whether the cursor is on a reference value (`"app": "|"`, or an item of `uses`). */
export function referenceSlot(text: string, offset: number): ReferenceSlot | undefined {
  const loc = getLocation(text, offset);
  if (loc.isAtPropertyKey) return undefined;
  const path = loc.path;
  const last = path[path.length - 1];
  let kind: RefKind | undefined;
  if (typeof last === 'string') kind = REF_PROPERTIES[last];
  else if (typeof last === 'number' && typeof path[path.length - 2] === 'string') kind = REF_LIST_PROPERTIES[path[path.length - 2] as string];
  if (!kind) return undefined;
  const lines = new LineIndex(text);
  const node = loc.previousNode;
  const closed = !!node && node.length >= 2 && text[node.offset + node.length - 1] === '"';
  if (node && node.type === 'string' && offset > node.offset && offset <= node.offset + node.length - (closed ? 1 : 0)) {
    return { kind, range: lines.rangeOf(node.offset + 1, node.length - (closed ? 2 : 1)), quote: false, typed: text.slice(node.offset + 1, offset) };
  }
  if (node) return undefined;
  return { kind, range: lines.rangeOf(offset, 0), quote: true, typed: '' };
}

/** The references offered at a slot, and whether some were left out. */
export interface ReferenceCompletions {
  items: ReferenceCompletion[];
  /** Some were left out (past the limit, or not holding what is typed): the editor is to ask again as the user types. */
  incomplete: boolean;
}

export interface ReferenceCompletionOptions {
  /** What is typed of the value, to narrow a list that would be cut. */
  typed?: string;
  /** At most this many items (default 2000). */
  limit?: number;
}

/**
 * The entities a reference of this kind could name from this manifest: the project's, the
 * built-ins, org-chart units; each with whether choosing it keeps the package isolated. Those of
 * the package's own namespaces come first, then the built-ins, then the rest, up to `limit`, so
 * a cut falls on those that would break isolation. A list that would be cut is narrowed to the
 * labels that hold what is typed (its characters in order, any case, as editors filter) and is
 * `incomplete`: typing on asks again and brings back what a cut left out. A list that fits is
 * whole and complete, and the editor filters it as the user types.
 */
export function referenceCompletions(project: Project, m: Manifest, kind: RefKind, options: ReferenceCompletionOptions = {}, t: Translator = english): ReferenceCompletions {
  const limit = options.limit ?? 2000;
  let found = candidates(project, m, kind, '', limit);
  const incomplete = found.cut;
  if (found.cut && options.typed) found = candidates(project, m, kind, options.typed, limit);
  const pkg = project.packageOf(m);
  const solutionCodes = pkg && new Set(project.manifests.filter((x) => x.kind === 'solution').map((x) => x.code!));
  const verdict = (label: string): ReferenceCompletion['isolation'] => {
    if (!pkg) return 'inside';
    const r = resolveReference({ kind, text: label, path: [], manifest: m }, pkg, project.index, project.catalog, solutionCodes!);
    if (r.builtin) return 'builtin';
    if (kind === 'orgUnit' || r.form === 'global') return pkg.kind === 'configuration' ? 'inside' : 'breaks';
    return r.inScope ? 'inside' : 'breaks';
  };
  const ranked: Record<ReferenceCompletion['isolation'], ReferenceCompletion[]> = { inside: [], builtin: [], breaks: [] };
  for (const { label, e } of found.entities) {
    const home = e.namespace === ORG_NAMESPACE ? t.t('completion.orgChart') : e.namespace === GLOBAL_NAMESPACE ? t.t('completion.globalObject') : namespaceLabel(project, e.namespace, t).replace(/`/g, '');
    const isolation = verdict(label);
    ranked[isolation].push({ label, kind, title: e.title, detail: `${t.noun(kind)} · ${home}`, isolation, deleted: e.deleted });
  }
  for (const b of found.builtins) {
    const ns = project.catalog.namespaces.get(b.namespace)!;
    const built = t.t('completion.builtin', { title: ns.title }) + (ns.licensed ? t.t('completion.licensed') : '');
    ranked.builtin.push({ label: `${b.namespace}.${b.code}`, kind, title: b.title, detail: `${t.noun(kind)} · ${built}`, isolation: 'builtin', deleted: false });
  }
  return { items: [...ranked.inside, ...ranked.builtin, ...ranked.breaks], incomplete };
}

/**
 * Up to `limit` entities a reference of this kind could name whose labels hold what is typed:
 * the package's own namespaces first, then the built-ins, then the rest of the project (without a
 * package, the whole project before the built-ins); `cut` when one more would have fitted.
 */
function candidates(project: Project, m: Manifest, kind: RefKind, typed: string, limit: number): { entities: { label: string; e: EntityDecl }[]; builtins: BuiltinEntity[]; cut: boolean } {
  const pkg = project.packageOf(m);
  const ctx = contextNamespace(m);
  const entities: { label: string; e: EntityDecl }[] = [];
  const builtins: BuiltinEntity[] = [];
  let cut = false;
  const seen = new Set<string>();
  /** Takes one project entity; false when the list is full. */
  const take = (e: EntityDecl): boolean => {
    const bare = e.namespace === ORG_NAMESPACE || e.namespace === ctx;
    if (!holds(typed, bare ? '' : e.namespace, e.code)) return true;
    const label = bare ? e.code : `${e.namespace}.${e.code}`;
    if (seen.has(label)) return true;
    if (entities.length + builtins.length >= limit) {
      cut = true;
      return false;
    }
    seen.add(label);
    entities.push({ label, e });
    return true;
  };
  // The namespaces whose entities keep the package isolated, looked up by name: what is in the
  // package is offered however much else the project holds, and wherever it stands in the index.
  const near = new Set<string>([ctx]);
  if (pkg) for (const ns of pkg.namespaces) near.add(ns);
  if (!pkg || pkg.kind === 'configuration') near.add(ORG_NAMESPACE).add(GLOBAL_NAMESPACE);
  const nearby = (): void => {
    for (const ns of near) for (const list of project.index.ofKind(ns, kind)) for (const e of list) if (!take(e)) return;
  };
  const elsewhere = (): void => {
    for (const e of project.index.all()) {
      if (e.kind !== kind || e.parent || near.has(e.namespace)) continue;
      if (!take(e)) return;
    }
  };
  const builtIn = (): void => {
    for (const b of project.catalog.entitiesOfKind(kind)) {
      if (!holds(typed, b.namespace, b.code)) continue;
      if (entities.length + builtins.length >= limit) {
        cut = true;
        return;
      }
      builtins.push(b);
    }
  };
  // Without a package every entity keeps isolation: all of them come before the built-ins.
  for (const pass of pkg ? [nearby, builtIn, elsewhere] : [nearby, elsewhere, builtIn]) {
    if (cut) break;
    pass();
  }
  return { entities, builtins, cut };
}

/**
 * Whether a label (`code`, or `namespace.code` when `namespace` is not empty) holds the typed
 * characters in order, ASCII letters in any case: an editor's fuzzy filter shows no other.
 * Compared in place, without building the label: this runs for every entity of the kind.
 */
function holds(typed: string, namespace: string, code: string): boolean {
  if (typed.length === 0) return true;
  let i = 0;
  const step = (s: string): boolean => {
    for (let j = 0; j < s.length && i < typed.length; j++) if (fold(s.charCodeAt(j)) === fold(typed.charCodeAt(i))) i++;
    return i === typed.length;
  };
  if (namespace && (step(namespace) || step('.'))) return true;
  return step(code);
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
