import * as path from 'node:path';
import type { Card } from '../packaging/format';
import { setOwn } from '../json/own';
import { defaultManifestFile, includeSpec } from './layout';
import type { ExistingManifest, ManifestDraft } from './manifestDrafts';
import { isObj, Obj } from './manifestLists';

/** What an unpack has read and drafted, for the includes of its solutions and configurations. */
export interface IncludeScope {
  /** The package's cards. */
  cards: Card[];
  /** Every manifest the package becomes. */
  drafts: ManifestDraft[];
  /** The manifests already in the folder. */
  existing: ExistingManifest[];
  /** Where a member the package does not carry is noted. */
  notes: string[];
}

/**
 * The units a configuration's package carries beyond the members its card names, directly or
 * through a member solution: an export of a configuration carries every namespace of the
 * environment, and its manifest must include them all for a build to carry them again.
 */
function uncovered(s: IncludeScope, members: { kind: string; code: string }[]): { kind: string; code: string }[] {
  const covered = new Set(members.map((x) => `${x.kind} ${x.code}`));
  const coverMembersOf = (solution: string) => {
    const card = s.cards.find((c) => c.type === 'solution' && c.code === solution);
    for (const y of Array.isArray(card?.body.members) ? card!.body.members : []) if (isObj(y)) covered.add(`${String(y.kind)} ${String(y.code)}`);
  };
  for (const x of members) if (x.kind === 'solution') coverMembersOf(x.code);
  // A solution not yet named covers its own members once it is included.
  const solutions = s.drafts.filter((d) => d.kind === 'solution' && !covered.has(`solution ${d.code}`));
  for (const d of solutions) coverMembersOf(d.code!);
  const units = s.drafts.filter((d) => (d.kind === 'workspace' || d.kind === 'module') && !covered.has(`${d.kind} ${d.code}`));
  return [...solutions, ...units].map((d) => ({ kind: d.kind!, code: d.code! })).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Solutions and configurations name their members by kind and code; the manifest includes their files. */
export function linkIncludes(s: IncludeScope, m: ManifestDraft): void {
  if (m.kind !== 'solution' && m.kind !== 'configuration') return;
  const card = s.cards.find((c) => c.type === m.kind && c.code === m.code)!;
  const members = Array.isArray(card.body.members) ? card.body.members : [];
  const hints = Array.isArray(m.existing?.value.includes) ? (m.existing!.value.includes as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  const includes: string[] = [];
  const listed = members.filter((x): x is Obj & { kind: string; code: string } => isObj(x) && typeof x.kind === 'string' && typeof x.code === 'string');
  if (m.kind === 'configuration') listed.push(...uncovered(s, listed));
  for (const x of listed) {
    const target = s.drafts.find((d) => d.kind === x.kind && d.code === x.code) ?? s.existing.find((e) => e.kind === x.kind && e.code === x.code);
    const file = target?.file ?? (x.kind === 'solution' || x.kind === 'configuration' || x.kind === 'app' ? defaultManifestFile.top(x.code) : defaultManifestFile.namespace(x.code));
    if (!target) s.notes.push(`${m.kind} ${m.code} includes ${x.kind} ${x.code}, which the package does not carry`);
    const spec = includeSpec(m.file, file);
    const kept = hints.find((h) => path.posix.normalize(path.posix.join(path.posix.dirname(m.file), h)) === file);
    includes.push(kept ?? spec);
  }
  // A configuration may include nothing (a solution may not): one that includes nothing gets
  // no `includes` unless its manifest writes one, or retrieving it would add `"includes": []`.
  if (m.kind === 'configuration' && !includes.length && !(m.existing && Object.hasOwn(m.existing.value, 'includes'))) {
    delete m.value.includes;
    return;
  }
  const value: Obj = {};
  // `includes` right after the top-level properties, where people write it.
  let placed = false;
  for (const [k, v] of Object.entries(m.value)) {
    if (!placed && (k === 'groups' || k === 'orgChart' || k === 'globals')) {
      value.includes = includes;
      placed = true;
    }
    setOwn(value, k, v);
  }
  if (!placed) value.includes = includes;
  m.value = value;
}
