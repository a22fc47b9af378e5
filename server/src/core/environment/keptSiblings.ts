/**
 * An update deletes nothing (ELMA365: "Nothing is deleted"): a menu page or an org-chart unit the
 * environment holds and the package no longer carries stays. Its link to the sibling it follows
 * stays too, unless the package has taken that place: a new page put where the kept one stood
 * (`x` after `a`, where the environment's `b` follows `a`) would leave two pages following one,
 * an order no export can carry. Such a kept sibling is re-linked, as a move in the platform's UI
 * pushes a page down: it follows the last of the package's siblings that took its place (and
 * their followers), so the package's links stand as given and the siblings keep one order.
 * A kept unit whose link names a unit the package moved to another parent closes up, as a move
 * leaves it: it follows what that unit followed there.
 */
import type { Card } from '../packaging/format';
import { Place, placeOf, siblingCards, type HeldPlaces } from './siblingLinks';

/** A kept sibling an import re-links: its code, and the code it follows from now on (none: it comes first). */
export interface KeptRelink {
  code: string;
  after: string | undefined;
}

/**
 * The kept siblings (in `held`, not in `carried`) that the import of `carried` re-links, so that
 * no two siblings follow one. `held`: where each sibling of one type and namespace stands in the
 * environment, by code; `carried`: where the package puts those it carries. A sibling whose
 * links go round a cycle the environment holds is left as it is.
 */
export function keptRelinks(type: string, held: ReadonlyMap<string, Place>, carried: ReadonlyMap<string, Place>): KeptRelink[] {
  const merged = new Map<string, Place>(held);
  for (const [code, p] of carried) merged.set(code, p);
  const listOf = (p: Place) => (type === 'orgUnit' ? JSON.stringify(p.parent ?? null) : '');
  const groups = new Map<string, string[]>();
  for (const [code, p] of merged) {
    const key = listOf(p);
    const list = groups.get(key);
    if (list) list.push(code);
    else groups.set(key, [code]);
  }
  // The lists the package changes: those its siblings are in, and those they leave.
  const touched = new Set<string>();
  for (const [code, p] of carried) {
    touched.add(listOf(p));
    const was = held.get(code);
    if (was) touched.add(listOf(was));
  }
  const out: KeptRelink[] = [];
  for (const [key, codes] of groups) if (touched.has(key)) out.push(...relinksIn(new Set(codes), held, carried, merged));
  return out;
}

/** `keptRelinks` within one list of siblings (`codes`: a menu, or one unit's children). */
function relinksIn(codes: ReadonlySet<string>, held: ReadonlyMap<string, Place>, carried: ReadonlyMap<string, Place>, merged: ReadonlyMap<string, Place>): KeptRelink[] {
  // Where each sibling that left the list leads, found once for all who followed it (a package
  // that moves a long chain of units away must not make every kept follower walk all of it).
  const leadsTo = new Map<string, string | undefined>();
  const closeUp = (from: string): string | undefined => {
    const path = new Set<string>();
    let at: string | undefined = from;
    while (at !== undefined && !codes.has(at) && held.has(at) && !leadsTo.has(at) && !path.has(at)) {
      path.add(at);
      at = linkOf(held.get(at)!);
    }
    const end = at !== undefined && leadsTo.has(at) ? leadsTo.get(at) : at !== undefined && codes.has(at) ? at : undefined;
    for (const p of path) leadsTo.set(p, end);
    return end;
  };
  // What each sibling follows within this list: a kept one whose sibling left the list follows
  // what that one followed here (as many times as it takes).
  const follows = new Map<string, string | undefined>();
  for (const code of codes) {
    const at = linkOf(merged.get(code)!);
    follows.set(code, carried.has(code) || at === undefined || codes.has(at) ? at : closeUp(at));
  }
  // The package's siblings come first among those that follow one, then the kept ones, each by code.
  const rank = (a: string, b: string) => Number(!carried.has(a)) - Number(!carried.has(b)) || (a < b ? -1 : a > b ? 1 : 0);
  const followers = new Map<string | undefined, string[]>();
  for (const [code, at] of follows) {
    const key = at !== undefined && codes.has(at) ? at : undefined;
    const list = followers.get(key);
    if (list) list.push(code);
    else followers.set(key, [code]);
  }
  for (const list of followers.values()) list.sort(rank);
  // The one order: each sibling, then what follows it, depth first.
  const order: string[] = [];
  const stack = [...(followers.get(undefined) ?? [])].reverse();
  while (stack.length) {
    const code = stack.pop()!;
    order.push(code);
    const next = followers.get(code);
    if (next) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
  const out: KeptRelink[] = [];
  order.forEach((code, i) => {
    if (carried.has(code)) return;
    const before = i > 0 ? order[i - 1] : undefined;
    if (before !== linkOf(held.get(code)!)) out.push({ code, after: before });
  });
  return out;
}

const linkOf = (p: Place): string | undefined => (typeof p.after === 'string' ? p.after : undefined);

/** A kept sibling an import re-links, as the plan shows it and the import writes it. */
export interface KeptMove extends KeptRelink {
  id: string;
  type: string;
  namespace: string;
}

/** The kept siblings the import of `cards` re-links (`keptRelinks`), in each list of pages and units it carries some of. */
export function keptSiblingMoves(held: HeldPlaces, cards: readonly Card[]): KeptMove[] {
  const out: KeptMove[] = [];
  for (const [key, list] of siblingCards(cards)) {
    const { type, namespace } = list[0];
    const places = held.get(key);
    if (!places) continue;
    const codes = new Set(list.map((c) => c.code));
    if ([...places.keys()].every((code) => codes.has(code))) continue; // the package carries them all: none kept
    const carried = new Map(list.map((c) => [c.code, placeOf(type, c.body)]));
    for (const r of keptRelinks(type, places, carried)) out.push({ ...r, id: places.get(r.code)!.id!, type, namespace });
  }
  return out;
}
