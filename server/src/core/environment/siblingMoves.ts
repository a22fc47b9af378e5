/**
 * A change (`PUT /v1/entities/:id`) that moves a top-level menu page or an org-chart unit moves
 * that one, as the platform's UI does, and the rest keep their order: the sibling that followed
 * its new place follows it from now on, and the one that followed its old place follows what it
 * followed there. Its links alone would leave two siblings following one (moving a page took a
 * change per page), an order an export carries and no retrieve can give back.
 */
import { sameJson } from '../packaging/canonical';
import type { Sql } from './db/database';
import { chainTo, linksOf, misplacedSaying, Place, placeOf, placeProblem, placesIn } from './siblingLinks';
import type { EnvEntity } from './types';

type Obj = Record<string, unknown>;

/** A sibling a move re-links: its id and code, and the code of the sibling it now follows (none: it comes first). */
export interface Relink {
  id: string;
  code: string;
  after?: string;
}

/**
 * What changing entity `e`'s body to `body` does to its siblings: the ones it re-links, or why the
 * change does not place it among them (the 400's message). Only a change that moves a link is
 * judged: a change of a page's title keeps whatever link the environment held, and moves nothing.
 */
export async function siblingMove(db: Sql, e: Pick<EnvEntity, 'type' | 'namespace' | 'code' | 'body'>, body: Obj): Promise<{ refusal: string } | { relinks: Relink[] }> {
  const keys = linksOf(e.type);
  if (keys.every((k) => sameJson(body[k], e.body[k]))) return { relinks: [] };
  const places = await placesIn(db, e.type, e.namespace);
  // A cycle of links stored before they were checked: the move would close it through the entity.
  const target = body.after;
  const ring = typeof target === 'string' && target !== e.code ? chainTo(places, target, target, 'after') : undefined;
  if (ring && !ring.includes(e.code)) return { refusal: misplacedSaying(e.type, `"after" "${target}" is in a cycle of links the environment holds (${ring.join(' → ')}): move ${ring.slice(0, -1).join(' or ')} out of it first`) };
  const moved = relinked(e.type, places, e.code, placeOf(e.type, e.body), placeOf(e.type, body));
  // The moved entity first: a link of its own that places it nowhere is what the caller sent.
  for (const code of [e.code, ...moved.keys()]) {
    const why = placeProblem(e.type, e.namespace, places, code);
    if (why) return { refusal: misplacedSaying(e.type, code === e.code ? why : `moving ${e.code} would leave ${code} misplaced: ${why}`) };
  }
  return { relinks: [...moved].map(([code, after]) => ({ id: places.get(code)!.id!, code, after })) };
}

/**
 * Moves `code` from place `from` to place `to` in `places` (updated), re-linking its neighbours;
 * returns each re-linked sibling's code with the code it now follows. A unit's list is its parent's
 * children: it leaves one list and joins another.
 */
function relinked(type: string, places: Map<string, Place>, code: string, from: Place, to: Place): Map<string, string | undefined> {
  const inList = (p: Place, parent: unknown) => type !== 'orgUnit' || p.parent === parent;
  const out = new Map<string, string | undefined>();
  const follow = (c: string, after: string | undefined) => {
    places.set(c, { ...places.get(c)!, after });
    out.set(c, after);
  };
  // Its followers close up to what it followed; they come first when that was no place (a link the
  // environment held to nothing), or when it was in a cycle of held links, which the move breaks there.
  const held = typeof from.after === 'string' && places.has(from.after) ? from.after : undefined;
  const before = held !== undefined && !chainTo(places, held, code, 'after') ? held : undefined;
  for (const [c, p] of places) if (c !== code && p.after === code && inList(p, from.parent)) follow(c, before);
  places.set(code, { ...to, id: places.get(code)?.id });
  const at = typeof to.after === 'string' ? to.after : undefined;
  // Not when `to` is no place (a link to nothing or itself): the change is refused, and a sibling of
  // a broken link held there is not made to follow the entity.
  if (to.after !== undefined && (at === undefined || at === code || !places.has(at))) return out;
  for (const [c, p] of places) if (c !== code && !out.has(c) && p.after === at && inList(p, to.parent)) follow(c, code);
  return out;
}
