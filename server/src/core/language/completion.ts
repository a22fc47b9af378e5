import { getLocation } from 'jsonc-parser';
import type { Range } from '../json/positions';
import { LineIndex } from '../json/positions';
import { REF_LIST_PROPERTIES, REF_PROPERTIES } from '../manifest/kinds';
import { english, Translator } from '../l10n';
import type { Project } from '../manifest/project';
import { contextNamespace, resolveReference } from '../manifest/resolve';
import { GLOBAL_NAMESPACE, Manifest, ORG_NAMESPACE, RefKind } from '../manifest/types';
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
    return { kind, range: lines.rangeOf(node.offset + 1, node.length - (closed ? 2 : 1)), quote: false };
  }
  if (node) return undefined;
  return { kind, range: lines.rangeOf(offset, 0), quote: true };
}

/**
 * Every entity a reference of this kind could name from this manifest: the project's, the
 * built-ins, org-chart units; each with whether choosing it keeps the package isolated.
 */
export function referenceCompletions(project: Project, m: Manifest, kind: RefKind, limit = 2000, t: Translator = english): ReferenceCompletion[] {
  const pkg = project.packageOf(m);
  const ctx = contextNamespace(m);
  const out: ReferenceCompletion[] = [];
  const solutionCodes = new Set(project.manifests.filter((x) => x.kind === 'solution').map((x) => x.code!));
  const seen = new Set<string>();
  const verdict = (label: string): ReferenceCompletion['isolation'] => {
    if (!pkg) return 'inside';
    const r = resolveReference({ kind, text: label, path: [], manifest: m }, pkg, project.index, project.catalog, solutionCodes);
    if (r.builtin) return 'builtin';
    if (kind === 'orgUnit' || r.form === 'global') return pkg.kind === 'configuration' ? 'inside' : 'breaks';
    return r.inScope ? 'inside' : 'breaks';
  };
  for (const e of project.index.all()) {
    if (e.kind !== kind || e.parent || out.length >= limit) continue;
    const label = e.namespace === ORG_NAMESPACE || e.namespace === ctx ? e.code : `${e.namespace}.${e.code}`;
    if (seen.has(label)) continue;
    seen.add(label);
    const home = e.namespace === ORG_NAMESPACE ? t.t('completion.orgChart') : e.namespace === GLOBAL_NAMESPACE ? t.t('completion.globalObject') : namespaceLabel(project, e.namespace, t).replace(/`/g, '');
    out.push({ label, kind, title: e.title, detail: `${t.noun(kind)} · ${home}`, isolation: verdict(label), deleted: e.deleted });
  }
  for (const b of project.catalog.entitiesOfKind(kind)) {
    const label = `${b.namespace}.${b.code}`;
    const ns = project.catalog.namespaces.get(b.namespace)!;
    const built = t.t('completion.builtin', { title: ns.title }) + (ns.licensed ? t.t('completion.licensed') : '');
    out.push({ label, kind, title: b.title, detail: `${t.noun(kind)} · ${built}`, isolation: 'builtin', deleted: false });
  }
  return out;
}
