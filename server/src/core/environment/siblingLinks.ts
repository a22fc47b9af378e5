/**
 * Where a top-level menu page and an org-chart unit stand among their siblings: the links their
 * cards carry of their own (package-format.md: `after`, the code of the sibling it follows; a
 * unit's `parent`). Cards hold no position, so these links are the environment's record of the
 * order of a menu and of each level of the org chart, which an export carries and a retrieve
 * follows. A change that leaves them out keeps them (a manifest never says them), and a link a
 * change or a package gives must name a sibling, as a build's always does: one that names
 * nothing, the entity itself, or goes round a cycle leaves a retrieve to guess the order.
 */
import { sameJson } from '../packaging/canonical';
import type { Card } from '../packaging/format';
import type { Sql } from './db/database';
import { checkSaying } from './said';
import type { EnvEntity, ImportCheck } from './types';

type Obj = Record<string, unknown>;

/** The links a body of this type holds: `after` of a page, `parent` and `after` of an org-chart unit, none of other types. */
export function linksOf(type: string): readonly ('parent' | 'after')[] {
  return type === 'page' ? ['after'] : type === 'orgUnit' ? ['parent', 'after'] : [];
}

/** Where one sibling stands: the unit it sits in (org-chart units only) and the sibling it follows. */
interface Place {
  parent?: unknown;
  after?: unknown;
}

const placeOf = (type: string, b: { parent?: unknown; after?: unknown }): Place =>
  type === 'orgUnit' ? { parent: b.parent ?? undefined, after: b.after ?? undefined } : { after: b.after ?? undefined };

/**
 * The body a change writes: a link the given body leaves out is the one the environment holds,
 * and a link given as `null` is dropped (a page put first, a unit put at the top of the chart).
 * The body itself when it says every link it has.
 */
export function withHeldLinks(type: string, held: Obj, given: Obj): Obj {
  let out = given;
  for (const k of linksOf(type)) {
    const says = Object.hasOwn(given, k);
    if (says ? given[k] !== null : held[k] === undefined) continue;
    if (out === given) out = { ...given };
    if (says) delete out[k];
    else out[k] = held[k];
  }
  return out;
}

/** Where each entity of a type stands in a namespace, by code, as the environment holds it. */
async function placesIn(db: Sql, type: string, namespace: string): Promise<Map<string, Place>> {
  const rows = await db.query<{ code: string; parent: unknown; after: unknown }>(
    `SELECT code, body->'parent' AS parent, body->'after' AS after FROM entities WHERE type = $1 AND namespace = $2`, [type, namespace]);
  return new Map(rows.map((r) => [r.code, placeOf(type, r)]));
}

/**
 * The codes from `from` on, following `key`, up to `to` (included), when that chain reaches it;
 * undefined when it ends first (a link to nothing, or a cycle `to` is not on).
 */
function chainTo(places: ReadonlyMap<string, Place>, from: string, to: string, key: keyof Place): string[] | undefined {
  const path = [from];
  const seen = new Set(path);
  for (let at = from; ;) {
    const next = places.get(at)?.[key];
    if (typeof next !== 'string') return undefined;
    path.push(next);
    if (next === to) return path;
    if (seen.has(next)) return undefined;
    seen.add(next);
    at = next;
  }
}

/**
 * Why the links of `code` do not place it among its siblings, or undefined. `places` holds
 * where every sibling stands, `code` as it would.
 */
function placeProblem(type: string, namespace: string, places: ReadonlyMap<string, Place>, code: string): string | undefined {
  const own = places.get(code)!;
  const unit = type === 'orgUnit';
  if (unit && own.parent !== undefined) {
    const p = own.parent;
    if (typeof p !== 'string') return `"parent" must be the code of an org-chart unit, not ${JSON.stringify(p)}`;
    if (p === code) return `"parent" names the unit itself`;
    if (!places.has(p)) return `"parent" "${p}" names no org-chart unit`;
    const round = chainTo(places, p, code, 'parent');
    if (round) return `"parent" "${p}" is inside ${code} (${[code, ...round].join(' → ')}): a unit cannot sit in its own subtree`;
  }
  const a = own.after;
  if (a === undefined) return undefined;
  const sibling = unit ? 'org-chart unit' : `top-level menu page of namespace \`${namespace}\``;
  if (typeof a !== 'string') return `"after" must be the code of the ${sibling} it follows, not ${JSON.stringify(a)}`;
  if (a === code) return `"after" names the ${unit ? 'unit' : 'page'} itself`;
  const s = places.get(a);
  if (!s) return `"after" "${a}" names no ${sibling}`;
  if (unit && s.parent !== own.parent) return `"after" "${a}" is a unit ${under(s.parent)} and ${code} ${under(own.parent)}: a unit follows one of the same parent`;
  const round = chainTo(places, a, code, 'after');
  // round ends [..., follower, code]: the one that follows `code` now has to move first.
  if (round) return `"after" "${a}" makes a cycle (${[code, ...round].join(' → ')}): give ${round[round.length - 2]}, which follows ${code}, another "after" first`;
  return undefined;
}

const under = (parent: unknown) => (parent === undefined ? 'at the top of the chart' : `under ${JSON.stringify(parent)}`);

const KEEP_HINT: Record<string, string> = {
  page: 'leave "after" out to keep the page where it stands, or send "after": null to put it first',
  orgUnit: 'leave "parent" and "after" out to keep the unit where it stands; "parent": null puts it at the top of the chart, "after": null first among its siblings',
};

/**
 * Why a change of an entity's body (`PUT /v1/entities/:id`) does not place it among its
 * siblings (a 400), or undefined. Only a change that moves a link is judged: a change of a page's
 * title keeps whatever link the environment held.
 */
export async function linkRefusal(db: Sql, e: Pick<EnvEntity, 'type' | 'namespace' | 'code' | 'body'>, body: Obj): Promise<string | undefined> {
  const keys = linksOf(e.type);
  if (keys.every((k) => sameJson(body[k], e.body[k]))) return undefined;
  const places = await placesIn(db, e.type, e.namespace);
  places.set(e.code, placeOf(e.type, body));
  const why = placeProblem(e.type, e.namespace, places, e.code);
  return why && `"body": ${why}; ${KEEP_HINT[e.type]}`;
}

/**
 * The plan's `order` check: the link of each page and org-chart unit the package carries names
 * a sibling the package carries or the environment holds, not itself, and makes no cycle; a
 * unit's parent likewise. A build's always do; an edited or foreign package's may not, and the
 * environment would then hold an order no retrieve can give back. A card the environment holds
 * as it is (the same hash) writes nothing new and is not judged again.
 */
export async function orderCheck(db: Sql, cards: readonly Card[], held: ReadonlyMap<string, EnvEntity>): Promise<ImportCheck> {
  const groups = new Map<string, Card[]>();
  for (const c of cards) {
    if (!linksOf(c.type).length) continue;
    const key = `${c.type}\u0000${c.namespace}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const lines: string[] = [];
  for (const list of groups.values()) {
    const judged = list.filter((c) => held.get(c.id)?.hash !== c.hash);
    if (!judged.length) continue;
    const { type, namespace } = list[0];
    const places = await placesIn(db, type, namespace);
    for (const c of list) places.set(c.code, placeOf(type, c.body));
    for (const c of judged) {
      const why = placeProblem(type, namespace, places, c.code);
      if (why) lines.push(`${c.id}: ${why}`);
    }
  }
  return lines.length ? checkSaying('order', false, 'plan.order.failed', { n: lines.length }, lines) : checkSaying('order', true, 'plan.order.ok');
}
