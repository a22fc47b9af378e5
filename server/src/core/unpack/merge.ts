import { TOP_LISTS } from '../manifest/kinds';
import type { ManifestKind } from '../manifest/types';
import { sameJson } from '../packaging/canonical';
import { getOwn, setOwn } from '../json/own';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const coded = (v: unknown): v is Obj => isObj(v) && typeof v.code === 'string';

/**
 * The value a manifest already in the folder must take so that it holds what the package has:
 * the package's value, plus what a package never carries and so must not be lost by an unpack
 * (carry.ts): a setting's `value`, sub-entities marked `deleted: true`, `$schema`, and data files
 * of apps the package brought no records for. Entities keep the order the manifest gives them,
 * new ones come after, except in the lists of `want` that are `ordered`: the package gives their
 * order (menu pages and org-chart siblings name the one they follow), and the manifest takes it.
 * Also counts the entities (cards) whose content changed, a moved one among them.
 */
export function mergeManifest(kind: ManifestKind, home: Obj, want: Obj, ordered?: ReadonlySet<unknown[]>): { value: Obj; changed: number; notes: string[] } {
  const count: Count = { n: 0, notes: [], ordered };
  const cardLists = new Set(Object.keys(TOP_LISTS[kind]));
  const out: Obj = {};
  let unitChanged = false;
  for (const [k, w] of Object.entries(want)) {
    const h = getOwn(home, k);
    if (k === 'orgChart') out[k] = mergeUnits(h, w, count);
    else if (cardLists.has(k)) out[k] = mergeCards(h, w, count, k === 'settings', false);
    else if (k === 'globals' && isObj(w)) {
      const g: Obj = {};
      for (const [gk, gw] of Object.entries(w)) g[gk] = mergeCards(isObj(h) ? h[gk] : undefined, gw, count, false, false);
      out[k] = g;
    } else if (k === 'data' && isObj(w)) out[k] = { ...(isObj(h) ? h : {}), ...w };
    else {
      setOwn(out, k, mergeBody(h, w, k, count));
      if (!sameJson(h, out[k])) unitChanged = true;
    }
  }
  for (const k of ['$schema', 'data']) if (k in home && !(k in out)) out[k] = home[k];
  for (const k of Object.keys(home)) if (!Object.hasOwn(out, k) && !cardLists.has(k)) unitChanged = true;
  for (const k of Object.keys(home)) if (!Object.hasOwn(out, k) && cardLists.has(k)) count.n += Array.isArray(home[k]) ? (home[k] as unknown[]).length : 0;
  // An app manifest is one entity, the app: its own change counts once like a unit's.
  return { value: out, changed: count.n + (unitChanged ? 1 : 0), notes: count.notes };
}

/** Entities whose content changed, and what the merge has to tell (see `mergeBody`). */
interface Count {
  n: number;
  notes: string[];
  /** Lists of the package's value whose order is the package's to give. */
  ordered?: ReadonlySet<unknown[]>;
}

/** A list whose elements are cards of their own: the manifest's order is kept, new ones are appended, ones the package lacks go. */
function mergeCards(home: unknown, want: unknown, count: Count, settings: boolean, units: boolean): unknown {
  if (!Array.isArray(want)) return want;
  const h = Array.isArray(home) ? home : [];
  if (count.ordered?.has(want)) return mergeInOrder(h, want, count, settings, units);
  const wanted = new Map(want.filter(coded).map((w) => [w.code as string, w]));
  const out: unknown[] = [];
  const used = new Set<string>();
  for (const x of h) {
    if (!coded(x)) continue;
    const w = wanted.get(x.code as string);
    if (!w) {
      count.n++;
      continue;
    }
    used.add(x.code as string);
    out.push(mergeEntity(x, w, count, settings, units));
  }
  for (const w of want) {
    if (coded(w) && used.has(w.code as string)) continue;
    count.n++;
    out.push(w);
  }
  return out;
}

/**
 * A list whose order the package gives: the package's elements in its order, each merged with
 * the manifest's of the same code. One that now follows another sibling than it did in the
 * manifest changed (its card's `after` did), as did each the package lacks.
 */
function mergeInOrder(home: unknown[], want: unknown[], count: Count, settings: boolean, units: boolean): unknown[] {
  const had = new Map<string, { el: Obj; after?: string }>();
  let before: string | undefined;
  for (const x of home) {
    if (!coded(x)) continue;
    if (!had.has(x.code as string)) had.set(x.code as string, { el: x, after: before });
    before = x.code as string;
  }
  const present = new Set(want.filter(coded).map((w) => w.code as string));
  for (const code of had.keys()) if (!present.has(code)) count.n++;
  before = undefined;
  return want.map((w) => {
    if (!coded(w)) return w;
    const h = had.get(w.code as string);
    const after = before;
    before = w.code as string;
    if (!h) {
      count.n++;
      return w;
    }
    return mergeEntity(h.el, w, count, settings, units, h.after !== after);
  });
}

/** Org-chart units: a list, or one unit standing alone where the manifest writes it so (one head, or one child). */
function mergeUnits(home: unknown, want: unknown, count: Count): unknown {
  if (isObj(home) && Array.isArray(want) && want.length === 1 && coded(want[0]) && coded(home) && home.code === want[0].code) {
    return mergeEntity(home, want[0], count, false, true);
  }
  return mergeCards(isObj(home) ? [home] : home, want, count, false, true);
}

function mergeEntity(home: Obj, want: Obj, count: Count, setting: boolean, unit: boolean, moved = false): Obj {
  const out: Obj = {};
  let changed = moved;
  for (const [k, w] of Object.entries(want)) {
    if (unit && k === 'children') out[k] = mergeUnits(home[k], w, count);
    else {
      const h = getOwn(home, k);
      setOwn(out, k, mergeBody(h, w, `${String(want.code)}.${k}`, count));
      if (!sameJson(h, out[k])) changed = true;
    }
  }
  // A setting's value stays in the environment it was set in: the package never has it.
  if (setting && 'value' in home && !('value' in want)) out.value = home.value;
  if (unit && Array.isArray(home.children) && !('children' in want) && home.children.length) {
    count.n += home.children.length;
  }
  for (const k of Object.keys(home)) if (!Object.hasOwn(out, k) && !(unit && k === 'children')) changed = true;
  if (changed) count.n++;
  return out;
}

/**
 * The package's body, with the manifest's deleted sub-entities put back where they stood (the
 * package leaves them out) and still deleted where the package carries them (an environment keeps
 * them). Other properties the package lacks are gone from the environment too. `at` names the
 * value (`invoices.fields`) in the notes.
 */
function mergeBody(home: unknown, want: unknown, at: string, count: Count): unknown {
  if (isObj(home) && isObj(want)) {
    const out: Obj = {};
    for (const [k, w] of Object.entries(want)) setOwn(out, k, mergeBody(getOwn(home, k), w, `${at}.${k}`, count));
    return out;
  }
  if (Array.isArray(home) && Array.isArray(want) && want.every(coded) && home.some(coded)) {
    const byCode = new Map(home.filter(coded).map((x) => [x.code as string, x]));
    const out: unknown[] = want.map((w) => {
      const code = (w as Obj).code as string;
      const h = byCode.get(code);
      const m = mergeBody(h, w, `${at}.${code}`, count);
      // Deleted in the manifest, carried by the package: an environment keeps what an update no
      // longer names ("nothing is deleted"), so its export has it. The manifest still says it is
      // deleted, and a build leaves it out; the flag is what the developer wrote, not the package's.
      if (h?.deleted === true && isObj(m) && !Object.hasOwn(m, 'deleted')) {
        // What the environment holds differs from what the manifest deleted: someone changed it
        // there since. The manifest takes that version and it stays deleted, but not in silence.
        const { deleted: _, ...before } = h;
        if (!sameJson(before, m)) count.notes.push(`${at}.${code} is deleted in the manifest, but the environment still has it and changed it since: the manifest takes the environment's version and keeps it deleted (remove "deleted" to build it again)`);
        m.deleted = true;
      }
      return m;
    });
    const present = new Set(want.map((w) => (w as Obj).code as string));
    let after: string | undefined;
    for (const x of home) {
      if (!coded(x)) continue;
      if (present.has(x.code as string)) {
        after = x.code as string;
        continue;
      }
      if (x.deleted !== true) continue;
      // Right after the element that came before it in the manifest.
      const at = after === undefined ? 0 : out.findIndex((y) => coded(y) && y.code === after) + 1;
      out.splice(at, 0, x);
      after = x.code as string;
    }
    return out;
  }
  return want;
}
