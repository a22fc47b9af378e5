import { codeFamily } from '../manifest/project';
import type { Manifest } from '../manifest/types';
import { oneLine } from '../oneLine';
import type { ManifestDraft } from './cardsToManifests';
import { UnpackRefused } from './errors';

/** A unit the package carries whose manifest in the folder cannot be read cleanly, and the new manifest the unpack plans for it. */
export interface UnreadableUnit {
  /** The folder's manifest: malformed JSON or not UTF-8, yet its top level still names the unit. */
  manifest: Manifest;
  /** The manifest the unpack would write for that unit instead of editing this one. */
  draft: ManifestDraft;
}

/**
 * The units the unpack would write a new manifest for although the folder has one of theirs that
 * cannot be read cleanly. Such a manifest is never edited in place (its value is a guess), so
 * the unpack lays the unit out afresh and the folder would end up with two manifests of it, the
 * user's edits left stale in the old one. `loadProject` parses tolerantly (jsonc-parser recovers
 * what precedes an error; bytes that are not UTF-8 are decoded with U+FFFD), so a manifest whose
 * kind and code come before the damage still says which unit it is. Manifests of other units,
 * or whose kind and code cannot be made out, are not the unpack's business and do not count.
 */
export function unreadableUnits(manifests: readonly Manifest[], drafts: readonly ManifestDraft[]): UnreadableUnit[] {
  const out: UnreadableUnit[] = [];
  for (const manifest of manifests) {
    if (!manifest.syntaxErrors.length || !manifest.kind || manifest.code === undefined) continue;
    const draft = drafts.find((d) => !d.existing && sameUnit(manifest, d));
    if (draft) out.push({ manifest, draft });
  }
  return out;
}

// The same unit as MAN001 sees it: workspaces and modules share namespace codes; an app is
// the same app only in the same namespace.
function sameUnit(m: Manifest, d: ManifestDraft): boolean {
  if (m.code !== d.code) return false;
  if (m.kind === 'app' || d.kind === 'app') return m.kind === d.kind && m.namespace === d.value.namespace;
  return codeFamily(m.kind!) === codeFamily(d.kind);
}

/**
 * Refuses the unpack when `found` is not empty, naming the first manifest, its unit and the way
 * on (a refusal marked `forceable`); with `force`, lets it go ahead and returns a note for each
 * unit whose new manifest is written beside the old one (one written over it, at the same
 * path, is listed as changed).
 */
export function judgeUnreadable(found: readonly UnreadableUnit[], force: boolean): string[] {
  if (!found.length) return [];
  if (!force) {
    const { manifest: m, draft: d } = found[0];
    const more = found.length > 1 ? ` (and ${found.length - 1} more manifest(s) like it)` : '';
    const way = d.file === m.file
      ? `the unpack would replace it with the package's; fix it so it is edited in place, or pass --force to replace it`
      : `the unpack would write ${d.file} beside it, a second manifest of that unit; fix ${m.file} so it is edited in place, or pass --force to write ${d.file} beside it`;
    throw new UnpackRefused(`${m.file} declares ${m.kind} ${m.code}, which the package carries, but cannot be read (${why(m)})${more}: ${way}`, { forceable: true });
  }
  return found
    .filter(({ manifest: m, draft: d }) => d.file !== m.file)
    .map(({ manifest: m, draft: d }) => oneLine(`${d.file} goes beside ${m.file}, which declares ${m.kind} ${m.code} too but cannot be read (${why(m)}): the folder has two manifests of that unit until ${m.file} is fixed and merged, or deleted`));
}

// The first problem, with its line: enough to find it in an editor.
function why(m: Manifest): string {
  const e = m.syntaxErrors[0];
  const line = m.text.slice(0, e.offset).split('\n').length;
  return `line ${line}: ${e.message}`;
}
