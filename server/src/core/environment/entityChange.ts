/**
 * What a change through `PUT /v1/entities/:id` writes over the entity as the environment holds
 * it: its body, hash and deleted flag, or a refusal (4xx) when the change may not be made (pure:
 * the caller judges it once on the entity as read and again under the revision lock); and how it
 * is written, for the entity and for each sibling a move re-links (siblingMoves.ts).
 */
import { requireMemberRights } from './access';
import { bodyNameRefusal, bodySchemaProblems } from './bodySchema';
import type { Sql } from './db/database';
import { badRequest, EnvError } from './errors';
import { hashAfterChange } from './merge';
import { withHeldLinks } from './siblingLinks';
import { historyOf, writeHistory } from './store';
import type { Caller, EnvEntity } from './types';
import { agreeingBody } from '../packaging/carry';
import { bodyCodeProblem } from '../packaging/cardCheck';
import { fileRefs } from '../packaging/fileRefs';
import { entriesOf } from '../packaging/history';

type Obj = Record<string, unknown>;

/** What a change writes over an entity. */
export interface EntityChange {
  body: Obj;
  hash: string;
  deleted: boolean;
}

/** What `Environment.changeEntity` writes over entity `e`: refused (4xx) when the change may not be made. */
export function changedEntity(caller: Caller, e: EnvEntity, change: { body?: Obj; deleted?: boolean }): EntityChange {
  // Where a page or org-chart unit stands is the environment's (its card's links, which no
  // manifest says): a body that leaves them out keeps them.
  const given = change.body === undefined ? undefined : withHeldLinks(e.type, e.body, change.body);
  // Codes a body gives its scripts become file names when the entity is retrieved: held to what a package's reader asks.
  const badCode = given === undefined ? undefined : bodyCodeProblem(e.type, given);
  if (badCode) throw badRequest(`"body": ${badCode}`);
  // The body names the entity it changes: an export would write it under the entity's code.
  const otherName = given === undefined ? undefined : bodyNameRefusal(e, given);
  if (otherName) throw badRequest(otherName);
  // What the environment holds must be what a manifest may say: a retrieved project is checked
  // against the schema (MAN002), and the isolation check reads only booleans as the Global flag.
  const wrong = given === undefined ? [] : bodySchemaProblems(e.type, e.namespace, given);
  if (wrong.length) throw new EnvError(422, `"body" does not match the schema of a ${e.type}, as a manifest's would have to: ${wrong.join('; ')}`, 'bad-body', wrong);
  const deleted = change.deleted ?? (given?.deleted === true || e.deleted);
  const body = flaggedBody(given ?? e.body, deleted);
  // A solution's members are what an import or export of it may reach (writeScope.ts): adding a
  // workspace or module there needs the rights on it.
  requireMemberRights(caller, [{ ...e, body }], new Map([[e.id, e]]));
  // Files come only with packages: a body may keep the files it names, not name others (by a
  // hash, another namespace's script would then leave with an export of this one).
  const had = new Set(fileRefs(e.body).map((r) => `${r.file}\u0000${r.sha256}`));
  const named = fileRefs(body).find((r) => !had.has(`${r.file}\u0000${r.sha256}`));
  if (named) throw badRequest(`"body" names ${named.file} (sha256 ${named.sha256}), a file ${e.id} does not have: files come only with packages`);
  // A change to what belongs to the target alone (a title, a setting's value) keeps the design's version (merge.ts).
  return { body, hash: hashAfterChange(e, body), deleted };
}

/**
 * Deleted, the body says so too, as a build's card of a deleted entity does: the export, unpacked
 * and built again, is then the version the environment holds, not a new one. Not deleted, it does not.
 */
function flaggedBody(body: Obj, deleted: boolean): Obj {
  const agreeing = agreeingBody(body, deleted);
  return deleted && agreeing.deleted !== true ? { ...agreeing, deleted: true } : agreeing;
}

/**
 * What a move writes over a sibling it re-links (siblingMoves.ts): the body it holds, following
 * `after` (first when undefined), as a change of that sibling giving that link would write it.
 */
export function relinkedEntity(e: EnvEntity, after: string | undefined): EntityChange {
  const linked: Obj = { ...e.body, after };
  if (after === undefined) delete linked.after;
  const body = flaggedBody(linked, e.deleted);
  return { body, hash: hashAfterChange(e, body), deleted: e.deleted };
}

/**
 * Writes a change of entity `id` made by `by` at `at`, in the caller's transaction (which holds the
 * revision lock and moves the revision): its body, hash and flag, and the hash appended to its
 * history when it is a new one, so the next import of an older package sees a conflict.
 */
export async function writeChange(tx: Sql, id: string, c: EntityChange, at: string, by: string): Promise<void> {
  await tx.query(`UPDATE entities SET body = $2, hash = $3, deleted = $4, updated_at = $5, updated_by = $6, job_id = NULL WHERE id = $1`, [id, JSON.stringify(c.body), c.hash, c.deleted, at, by]);
  const h = entriesOf(await historyOf(tx, [id]), id) ?? [];
  if (h[h.length - 1]?.hash !== c.hash) await writeHistory(tx, id, [...h, { hash: c.hash, at }]);
}
