import type { EntityDecl, Manifest } from '../manifest/types';
import { cardEntryName } from './cardCheck';
import { foldedName } from './entryNames';
import { attachmentEntryName, hasOwnCard, STEP_OF } from './format';

/** An entity whose package entry differs from an earlier one's only in letter case. */
export interface CaseTwin {
  /** The earlier entity. */
  first: EntityDecl;
  /** The entry this entity would be. */
  entry: string;
  /** The entry the earlier one would be. */
  firstEntry: string;
}

/**
 * For every entity a package would name an entry after (its card; a script's source file) whose
 * entry name equals an earlier one's once folded as the reader folds names, but not exactly: the
 * earlier one. The reader refuses such a package (`A.json` and `a.json` are one file on
 * case-insensitive file systems), so the check must report the pair. Names equal exactly are left
 * to the duplicate checks. A template's document is named by the template's id like its card, so
 * a clash of documents is already one of cards.
 */
export function caseTwins(manifests: readonly Manifest[]): Map<EntityDecl, CaseTwin> {
  const out = new Map<EntityDecl, CaseTwin>();
  // A card is `<step>/<namespace>.<code>.card.json`: two differ only in letter case when they
  // share a namespace (a lower-case code) and a step, and their codes fold alike. Maps of the parts,
  // not of whole names: building and hashing a name per card was most of what this cost.
  const cards = new Map<string, Map<string, Map<string, EntityDecl>>>();
  const scripts = new Map<string, { e: EntityDecl; entry: string }>();
  for (const m of manifests) {
    for (const e of m.entities) {
      if (!hasOwnCard(e)) continue;
      const step = STEP_OF[e.kind]!;
      let steps = cards.get(e.namespace);
      if (!steps) cards.set(e.namespace, (steps = new Map()));
      let codes = steps.get(step);
      if (!codes) steps.set(step, (codes = new Map()));
      const key = foldedName(e.code);
      const had = codes.get(key);
      if (!had) codes.set(key, e);
      else if (had.code !== e.code) out.set(e, { first: had, entry: cardEntryName(e.kind, e.id), firstEntry: cardEntryName(had.kind, had.id) });
    }
    // As the builder carries them: a script's file, unless the script is deleted, in its owner's
    // card. Few scripts have files: their whole names are compared.
    for (const s of m.scripts) {
      const owner = s.entity.parent;
      if (!s.file || s.entity.deleted || !owner || !hasOwnCard(owner)) continue;
      const entry = attachmentEntryName('scripts', s.entity.id, s.file.absPath);
      const key = foldedName(entry);
      const had = scripts.get(key);
      if (!had) scripts.set(key, { e: s.entity, entry });
      else if (had.entry !== entry) out.set(s.entity, { first: had.e, entry, firstEntry: had.entry });
    }
  }
  return out;
}
