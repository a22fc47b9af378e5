/**
 * Where a top-level menu page and an org-chart unit stand among their siblings: the links their
 * cards carry of their own (package-format.md: `after`, the code of the sibling it follows; a
 * unit's `parent`). Cards hold no position, so these links are the environment's record of the
 * order of a menu and of each level of the org chart, which an export carries and a retrieve
 * follows. A change that leaves them out keeps them (a manifest never says them), and a link a
 * change or a package gives must name a sibling, as a build's always does: one that names
 * nothing, the entity itself, or goes round a cycle leaves a retrieve to guess the order. A change
 * that moves one re-links its neighbours too (siblingMoves.ts).
 */
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
export interface Place {
  parent?: unknown;
  after?: unknown;
  /** The entity's id, when the environment holds it. */
  id?: string;
}

/** Where a body puts its entity among its siblings. */
export const placeOf = (type: string, b: { parent?: unknown; after?: unknown }): Place =>
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

/** Where each entity of a type stands in a namespace, by code, as the environment holds it (with its id). */
export async function placesIn(db: Sql, type: string, namespace: string): Promise<Map<string, Place>> {
  const rows = await db.query<{ id: string; code: string; parent: unknown; after: unknown }>(
    `SELECT id, code, body->'parent' AS parent, body->'after' AS after FROM entities WHERE type = $1 AND namespace = $2`, [type, namespace]);
  return new Map(rows.map((r) => [r.code, { ...placeOf(type, r), id: r.id }]));
}

/** Where the siblings of each list the package carries stand in the environment: by `siblingList` key, then code. */
export type HeldPlaces = ReadonlyMap<string, ReadonlyMap<string, Place>>;

/** The key of the list of pages or units of one type and namespace. */
export const siblingList = (type: string, namespace: string) => `${type}\u0000${namespace}`;

/** The package's menu pages and org-chart units, by the list they are in (`siblingList`). */
export function siblingCards(cards: readonly Card[]): Map<string, Card[]> {
  const lists = new Map<string, Card[]>();
  for (const c of cards) {
    if (!linksOf(c.type).length) continue;
    const key = siblingList(c.type, c.namespace);
    const list = lists.get(key);
    if (list) list.push(c);
    else lists.set(key, [c]);
  }
  return lists;
}

/**
 * Reads where the environment's menu pages and org-chart units stand, for each type and namespace
 * the package carries some of: one query for them all (a package of a thousand workspaces with
 * menus is one read, not a thousand).
 */
export async function heldPlaces(db: Sql, cards: readonly Card[]): Promise<HeldPlaces> {
  const lists = siblingCards(cards);
  const namespaces = new Set([...lists.values()].map((l) => l[0].namespace));
  const out = new Map<string, Map<string, Place>>();
  if (!lists.size) return out;
  const rows = await db.query<{ id: string; type: string; namespace: string; code: string; parent: unknown; after: unknown }>(
    `SELECT id, type, namespace, code, body->'parent' AS parent, body->'after' AS after FROM entities WHERE type IN ('page', 'orgUnit') AND namespace = ANY($1::text[])`, [[...namespaces]]);
  for (const r of rows) {
    const key = siblingList(r.type, r.namespace);
    if (!lists.has(key)) continue;
    let m = out.get(key);
    if (!m) out.set(key, (m = new Map()));
    m.set(r.code, { ...placeOf(r.type, r), id: r.id });
  }
  return out;
}

/**
 * The codes from `from` on, following `key`, up to `to` (included), when that chain reaches it;
 * undefined when it ends first (a link to nothing, or a cycle `to` is not on).
 */
export function chainTo(places: ReadonlyMap<string, Place>, from: string, to: string, key: keyof Place): string[] | undefined {
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

/** The chain from a sibling's link back round to it (`chainTo`'s answer), for one `code` at a time. */
type Round = (places: ReadonlyMap<string, Place>, from: string, to: string, key: 'parent' | 'after') => string[] | undefined;

/**
 * `chainTo` for every code of a group at once: the cycles of each link are found in one walk of
 * the group (each code has one link, so the links make chains that end or go round one cycle),
 * and a code's round is its cycle read from its link on. A chain followed per code took the
 * square of the group: 160 ms of a plan for 2,000 pages in one menu.
 */
function roundsOf(places: ReadonlyMap<string, Place>): Round {
  const cycles = { parent: cyclesOf(places, 'parent'), after: cyclesOf(places, 'after') };
  return (_places, from, to, key) => {
    const c = cycles[key].get(to);
    if (!c) return undefined;
    const at = c.index.get(to)!;
    const k = c.codes.length;
    if (c.codes[(at + 1) % k] !== from) return undefined;
    // From `to`'s link round to `to` itself, to's successor first; of a long cycle only what its
    // words show (pathWords), so a package of one cycle through every page costs no square.
    const code = (i: number) => c.codes[(at + 1 + i) % k];
    if (k <= SHOWN) return Array.from({ length: k }, (_, i) => code(i));
    return [...Array.from({ length: SHOWN / 2 }, (_, i) => code(i)), '…', ...Array.from({ length: SHOWN / 2 }, (_, i) => code(k - SHOWN / 2 + i))];
  };
}

/** Codes of a cycle its words name: a longer one shows its two ends. */
const SHOWN = 12;

/** A chain of codes in words: `a → b → c`, a long one with its middle left out. */
function pathWords(codes: readonly string[]): string {
  if (codes.length <= SHOWN + 1) return codes.join(' → ');
  return [...codes.slice(0, SHOWN / 2), '…', ...codes.slice(-SHOWN / 2)].join(' → ');
}

/** Each code on a cycle of `key` links, with its cycle in link order. */
function cyclesOf(places: ReadonlyMap<string, Place>, key: 'parent' | 'after'): Map<string, { codes: string[]; index: Map<string, number> }> {
  const out = new Map<string, { codes: string[]; index: Map<string, number> }>();
  const done = new Set<string>();
  for (const start of places.keys()) {
    if (done.has(start)) continue;
    const walk: string[] = [];
    const onWalk = new Map<string, number>();
    let at: unknown = start;
    while (typeof at === 'string' && places.has(at) && !done.has(at)) {
      const seen = onWalk.get(at);
      if (seen !== undefined) {
        const codes = walk.slice(seen);
        const cycle = { codes, index: new Map(codes.map((c, i) => [c, i])) };
        for (const c of codes) out.set(c, cycle);
        break;
      }
      onWalk.set(at, walk.length);
      walk.push(at);
      at = places.get(at)![key];
    }
    for (const c of walk) done.add(c);
  }
  return out;
}

/**
 * Why the links of `code` do not place it among its siblings, or undefined. `places` holds
 * where every sibling stands, `code` as it would; `round` finds the chain that brings a link
 * back to `code`.
 */
export function placeProblem(type: string, namespace: string, places: ReadonlyMap<string, Place>, code: string, round: Round = chainTo): string | undefined {
  const own = places.get(code)!;
  const unit = type === 'orgUnit';
  if (unit && own.parent !== undefined) {
    const p = own.parent;
    if (typeof p !== 'string') return `"parent" must be the code of an org-chart unit, not ${JSON.stringify(p)}`;
    if (p === code) return `"parent" names the unit itself`;
    if (!places.has(p)) return `"parent" "${p}" names no org-chart unit`;
    const inside = round(places, p, code, 'parent');
    if (inside) return `"parent" "${p}" is inside ${code} (${pathWords([code, ...inside])}): a unit cannot sit in its own subtree`;
  }
  const a = own.after;
  if (a === undefined) return undefined;
  const sibling = unit ? 'org-chart unit' : `top-level menu page of namespace \`${namespace}\``;
  if (typeof a !== 'string') return `"after" must be the code of the ${sibling} it follows, not ${JSON.stringify(a)}`;
  if (a === code) return `"after" names the ${unit ? 'unit' : 'page'} itself`;
  const s = places.get(a);
  if (!s) return `"after" "${a}" names no ${sibling}`;
  if (unit && s.parent !== own.parent) return `"after" "${a}" is a unit ${under(s.parent)} and ${code} ${under(own.parent)}: a unit follows one of the same parent`;
  const cycle = round(places, a, code, 'after');
  // cycle ends [..., follower, code]: the one that follows `code` now has to move first.
  if (cycle) return `"after" "${a}" makes a cycle (${pathWords([code, ...cycle])}): give ${cycle[cycle.length - 2]}, which follows ${code}, another "after" first`;
  return undefined;
}

const under = (parent: unknown) => (parent === undefined ? 'at the top of the chart' : `under ${JSON.stringify(parent)}`);

const KEEP_HINT: Record<string, string> = {
  page: 'leave "after" out to keep the page where it stands, or send "after": null to put it first',
  orgUnit: 'leave "parent" and "after" out to keep the unit where it stands; "parent": null puts it at the top of the chart, "after": null first among its siblings',
};

/** The 400's message when a change (`PUT /v1/entities/:id`) does not place an entity of this type: `why`, and how to keep or drop its links. */
export function misplacedSaying(type: string, why: string): string {
  return `"body": ${why}; ${KEEP_HINT[type]}`;
}

/**
 * The plan's `order` check: the link of each page and org-chart unit the package carries names
 * a sibling the package carries or the environment holds, not itself, and makes no cycle; a
 * unit's parent likewise. A build's always do; an edited or foreign package's may not, and the
 * environment would then hold an order no retrieve can give back. A card the environment holds
 * as it is (the same hash) writes nothing new and is not judged again.
 */
export function orderCheck(cards: readonly Card[], held: ReadonlyMap<string, EnvEntity>, heldPlaces: HeldPlaces): ImportCheck {
  const lines: string[] = [];
  for (const [key, list] of siblingCards(cards)) {
    const judged = list.filter((c) => held.get(c.id)?.hash !== c.hash);
    if (!judged.length) continue;
    const { type, namespace } = list[0];
    const places = new Map(heldPlaces.get(key));
    for (const c of list) places.set(c.code, placeOf(type, c.body));
    const round = roundsOf(places);
    for (const c of judged) {
      const why = placeProblem(type, namespace, places, c.code, round);
      if (why) lines.push(`${c.id}: ${why}`);
    }
  }
  return lines.length ? checkSaying('order', false, 'plan.order.failed', { n: lines.length }, lines) : checkSaying('order', true, 'plan.order.ok');
}
