/**
 * Reading back the names a package gives the files its cards carry. A build names a script's
 * source or a template's document after its entity's id, with the extension of the file it read
 * (`attachmentEntryName`, format.ts: `templates/files/ws.t.png`, `scripts/ws.p.s` for a file
 * without one); an unpack writes the file back with that extension, and an export names every
 * file as a build would, so that the project it unpacks into builds the same cards.
 */
import * as path from 'node:path';

/** The folders a package keeps its cards' files in. */
export type AttachmentDir = 'scripts' | 'templates/files';

type Obj = Record<string, unknown>;

/** The number an export gives a name that another content took (`ws.t_2`): `_` and digits. */
const NUMBERED = /_\d+$/;
/** A part of an id: a code. */
const CODE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The parts of the ids files are named after: a template's `ns.code`, a script's `ns.owner.code`. */
const PARTS: Record<AttachmentDir, number> = { 'templates/files': 2, scripts: 3 };

/**
 * The extension of the file an entry was read from (`.png`, or `''` for none), for the entity
 * `id` whose file it is: what follows the id in the entry's name (`templates/files/ws.t.png` of
 * `ws.t` → `.png`, `templates/files/ws.t` → none). An entry may be named after another id of the
 * same shape: an environment kept the name a file had before its entity was copied under another
 * code (`templates/files/ws.t` of `ws_copy.t`), or before a script's code was changed there
 * (`scripts/ws.p.s` of `ws.p.run`), or numbered a clashing one (`ws.t_2`). Such a name has as
 * many dot-separated parts as the id, each a code and one of them the id's own (a number
 * aside), when the file had no extension, and one more when it had one: the last dot of `ws.t`
 * is not the extension `.t`. Any other name (one Isola did not write) gives its last extension.
 */
export function attachmentExtension(entry: string, dir: AttachmentDir, id: string): string {
  const stem = `${dir}/${id}`;
  if (entry.startsWith(stem)) {
    const rest = entry.slice(stem.length);
    if (rest === '' || /^\.[^./]*$/.test(rest)) return rest;
  }
  if (entry.startsWith(`${dir}/`) && idOfCodes(dir, id)) {
    const ids = id.split('.');
    const parts = entry.slice(dir.length + 1).split('.');
    if (parts.length === ids.length && parts.every((p) => CODE.test(p)) && parts.some((p, i) => p === ids[i] || p.replace(NUMBERED, '') === ids[i])) return '';
  }
  return path.posix.extname(entry);
}

/**
 * Whose file a holder of a card's body names (fileRefs.ts), as a build names it: the template's
 * own document after the template, a script's source after the script (`<owner id>.<code>`);
 * undefined for any other holder, and for one whose id is not made of codes (a script code an
 * environment took before codes were checked), whose name is left as it is.
 */
export function attachmentOwner(card: { id: string; type: string; body: Obj }, holder: Obj): { dir: AttachmentDir; id: string } | undefined {
  const owner: { dir: AttachmentDir; id: string } | undefined = holder === card.body
    ? (card.type === 'template' ? { dir: 'templates/files', id: card.id } : undefined)
    : (typeof holder.code === 'string' ? { dir: 'scripts', id: `${card.id}.${holder.code}` } : undefined);
  return owner && idOfCodes(owner.dir, owner.id) ? owner : undefined;
}

/** The entry a build names the file `entry` after, once its entity is `owner`: `<dir>/<id><ext>`, the extension read from `entry`. */
export function ownAttachmentName(entry: string, owner: { dir: AttachmentDir; id: string }): string {
  return `${owner.dir}/${owner.id}${attachmentExtension(entry, owner.dir, owner.id)}`;
}

/** Whether `id` is one a build names a file in `dir` after: a template's `ns.code`, a script's `ns.owner.code`, each part a code. */
function idOfCodes(dir: AttachmentDir, id: string): boolean {
  const ids = id.split('.');
  return ids.length === PARTS[dir] && ids.every((p) => CODE.test(p));
}
