import { canonicalJson, sha256 } from '../packaging/canonical';
import { agreeingBody, carriedBody } from '../packaging/carry';
import type { Card, History } from '../packaging/format';
import type { EnvEntity } from './types';
import { entriesOf, historyEntry } from '../packaging/history';
import * as path from 'node:path';
import { fileRef, fileRefHolders, fileRefs } from '../packaging/fileRefs';
import { foldedName } from '../packaging/entryNames';
import { attachmentExtension, attachmentOwner, ownAttachmentName } from '../packaging/attachmentNames';

type Obj = Record<string, unknown>;

/**
 * The card an export carries of an entity: its body as the environment holds it, without setting
 * values and deleted sub-entities (packaging/carry.ts), its files named as a build names them,
 * hashed afresh. The entity's own hash names
 * the version of its design (merge.ts) and may not be the hash of this body: an update that kept
 * sub-entities or the target's properties wrote more than its card, and a package's card must
 * hash to its body.
 */
export function exportCard(e: EnvEntity): Card {
  const body = filesNamedAsBuilt(e, carriedBody(e.type, flaggedBody(e.body, e.deleted)));
  return { id: e.id, type: e.type, namespace: e.namespace, code: e.code, deleted: e.deleted, hash: sha256(canonicalJson(body)), body };
}

/**
 * The body with each script and template file named as a build names it, after its entity's id
 * with the file's own extension (packaging/attachmentNames.ts). An environment may hold another
 * name: a copy made with `as` by an earlier version kept its original's names, and a script whose
 * code a change renamed keeps its file's. An unpack writes the file under the entity's code, and
 * the project's build names the entry after the id: carried under the old name, the card hashed
 * otherwise than the one built from its unpack.
 */
function filesNamedAsBuilt(e: EnvEntity, body: Obj): Obj {
  const wanted = (b: Obj, h: Obj): string => {
    const owner = attachmentOwner({ id: e.id, type: e.type, body: b }, h);
    const file = fileRef(h.file)!.file;
    return owner ? ownAttachmentName(file, owner) : file;
  };
  if (fileRefHolders(body).every((h) => wanted(body, h) === fileRef(h.file)!.file)) return body;
  const out = structuredClone(body);
  for (const h of fileRefHolders(out)) h.file = { ...(h.file as Obj), file: wanted(out, h) };
  return out;
}

/**
 * The body as the entity's flag says, which wins. Earlier versions stored bodies that say
 * otherwise: a restore there kept the body's `deleted: true` (a card saying both is refused by the
 * reader), and a body may say `"deleted": false` on an entity in the recycle bin. The row stays
 * as it is: its hash names a version of the design, and the plan reads a restore made there from
 * the `deleted: true` it kept (planner.ts `actionFor`); the exported card is hashed afresh anyway.
 */
function flaggedBody(body: Obj, deleted: boolean): Obj {
  if (!deleted || !Object.hasOwn(body, 'deleted') || body.deleted === true) return agreeingBody(body, deleted);
  const out = { ...body };
  delete out.deleted;
  return out;
}

/**
 * The history an export carries: the environment's for each card, ending with the card's hash
 * (added, dated `now`, when the exported body is not the version the environment last recorded),
 * as a build's history ends with the hash of what it carries. An added hash says which version it
 * carries (`of`, the entity's hash in `versions`): the body is that version of the design with
 * only what an update kept and the target's own properties added, so an environment that imports
 * it holds that version, and a later package of that version's line updates it.
 */
export function exportHistory(history: History, cards: readonly Card[], now: string, versions: ReadonlyMap<string, string> = new Map()): History {
  const out: History = { ...history };
  for (const c of cards) {
    const list = entriesOf(out, c.id) ?? [];
    if (list[list.length - 1]?.hash === c.hash) continue;
    const version = versions.get(c.id);
    // The entity's own hash may carry a version already (it came by an export or as a copy): that one.
    const carried = version === undefined ? undefined : [...list].reverse().find((h) => h.hash === version)?.of;
    out[c.id] = [...list, historyEntry(c.hash, now, carried ?? version)];
  }
  return out;
}

/**
 * The cards with each file path naming one content. Two entities of an environment may name one
 * path for different files: a copy made with `as` keeps its original's script paths, and the
 * original's next version changes what is at them. A package holds one entry per path, and an
 * export's isolation check finds a script by its path, so a path named again for another content
 * becomes `<stem>_2<ext>` (the first one free or naming that content) in that card, whose hash is
 * computed again; every other card is returned as it was.
 */
export function ownFilePaths(cards: readonly Card[]): Card[] {
  // By the name as the reader compares names: two that differ only in letter case are one entry.
  const taken = new Map<string, { file: string; sha256: string }>();
  const free = (file: string, sha: string) => {
    const t = taken.get(foldedName(file));
    return !t || (t.file === file && t.sha256 === sha);
  };
  return cards.map((c) => {
    const refs = fileRefs(c.body);
    if (refs.every((r) => free(r.file, r.sha256))) {
      for (const r of refs) taken.set(foldedName(r.file), r);
      return c;
    }
    const body = structuredClone(c.body);
    for (const holder of fileRefHolders(body)) {
      const r = fileRef(holder.file)!;
      let at = r.file;
      // The number goes after the id (`ws.t_2`, `ws.t_2.png`): the last dot of a file without an extension is the id's.
      const owner = attachmentOwner({ ...c, body }, holder);
      const ext = owner ? attachmentExtension(at, owner.dir, owner.id) : path.posix.extname(at);
      for (let n = 2; !free(at, r.sha256); n++) at = `${r.file.slice(0, r.file.length - ext.length)}_${n}${ext}`;
      taken.set(foldedName(at), { file: at, sha256: r.sha256 });
      if (at !== r.file) (holder.file as Obj).file = at;
    }
    return { ...c, body, hash: sha256(canonicalJson(body)) };
  });
}
