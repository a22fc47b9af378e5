/**
 * What an update keeps of the target (ELMA365: "nothing is deleted during an update"; Protogrid
 * 3.2: an app's own settings "must be permanently different between source and target").
 *
 * An update writes the package's body merged with the environment's: every sub-entity (an element
 * of a list of coded objects, at any depth: fields, statuses, buttons, forms and the fields they
 * show, lanes, scripts, nested pages, ...) that the environment has and the package lacks is kept,
 * and so is what belongs to the target: a workspace's or module's own properties and a setting's
 * value, with their translations (`translations.ru.title`).
 *
 * Hashes. An entity's `hash` names the version of its design: the hash of the card it was last
 * imported from, or, after a change of its design in the environment, the sha256 of its body. What
 * an update keeps is not part of that version, so an entity written from a card keeps the card's
 * hash and the history ends with it. Then importing the same package again finds the same hash
 * (`unchanged`); a later package whose history holds that hash is an `update`, whatever was kept;
 * and a change made in the environment to the design moves the hash off the package's history (a
 * `conflict`). A change in the environment to what belongs to the target only (a title, a setting's
 * value) leaves the hash alone (see `hashAfterChange`). Exports carry the body the environment holds
 * and so hash it afresh (exportCards.ts).
 */
import { canonicalJson, sameJson, sha256 } from '../packaging/canonical';
import { isEntityList, isPlainObject, SETTING_VALUE } from '../packaging/carry';
import { designOf, keepOwnTranslations } from './ownTranslations';
import type { Card } from '../packaging/format';
import type { EnvEntity, PageMove, PlanAction } from './types';
import { said, type Said } from './said';
import { getOwn, setOwn } from '../json/own';
import { TOP_LISTS } from '../manifest/kinds';

type Obj = Record<string, unknown>;

/**
 * A workspace's or module's own properties: its name, description, address and who administers
 * it. They differ between environments for good (Protogrid 3.2: "URL, name, description, access
 * roles"), so an update never imports them; a first import (create) takes them from the package.
 * `title` is the schemas' name property; the others pass through manifests untouched.
 */
export const UNIT_OWN_PROPERTIES: readonly string[] = ['title', 'description', 'address', 'url', 'administrators'];

/** The properties of an entity of this type that belong to the environment it lives in. */
export function targetOwned(type: string): readonly string[] {
  if (type === 'workspace' || type === 'module') return UNIT_OWN_PROPERTIES;
  if (type === 'setting') return [SETTING_VALUE];
  return [];
}

/** A body merged for an update, and what of the environment's it kept (paths like `fields.amount`). */
export interface Merged {
  body: Obj;
  /** Kept sub-entities (`fields.amount`, `forms.view.fields.amount`) and properties (`title`, `value`). */
  kept: string[];
  /** Nested menu pages of the environment's left out because the package places them elsewhere (`pages.child`). */
  moved?: string[];
  /** The same pages, each with its id and where the package places it. */
  moves?: PageMove[];
}

/**
 * The menu pages a package places, by id: each with the page that holds it there (its parent page,
 * at any depth), or undefined for a top-level page.
 */
export type PagePlaces = ReadonlyMap<string, string | undefined>;

/** The menu pages a package places, for an update of a page to leave out those it moved. */
export interface PagesPlaced {
  namespace: string;
  placed: PagePlaces;
}

/**
 * The body an update writes: the package's, with the environment's sub-entities that the package
 * lacks kept (in their place among their neighbours, recursively inside sub-entities both have),
 * and the target's own properties as the environment has them (absent when it has none).
 */
export function mergeBodies(type: string, pkg: Obj, env: Obj, pages?: PagesPlaced): Merged {
  const kept: string[] = [];
  const moved: PageMove[] = [];
  if (type === 'page' && pages?.placed.size) env = withoutMovedPages(pkg, env, pages, '', moved);
  const body = mergeObject(pkg, type === 'app' ? withoutAppManifestLists(env) : env, '', kept, undefined);
  for (const p of targetOwned(type)) {
    const had = Object.prototype.hasOwnProperty.call(env, p);
    if (had && !sameJson(env[p], pkg[p])) kept.push(p);
    else if (!had && p in pkg) kept.push(p);
    if (had) body[p] = env[p];
    else delete body[p];
  }
  keepOwnTranslations(body, pkg, env, targetOwned(type), kept);
  return moved.length ? { body, kept, moved: moved.map((m) => m.path), moves: moved } : { body, kept };
}

/**
 * The menu pages a package places, by id, with the page that holds each: its page cards (top-level
 * pages) and the pages nested in them, at any depth. A page is one entity wherever it stands, so
 * where the package puts it is where it is. A page placed twice (which MAN001 refuses in a build)
 * counts at the top level if it is a page card there, else in the first page that nests it.
 */
export function pagesPlaced(cards: readonly Pick<Card, 'id' | 'type' | 'namespace' | 'body'>[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const nested = (ns: string, holder: string, body: Obj) => {
    if (!Array.isArray(body.pages)) return;
    for (const p of body.pages) {
      if (!isPlainObject(p) || typeof p.code !== 'string') continue;
      const id = `${ns}.${p.code}`;
      if (!out.has(id)) out.set(id, holder);
      nested(ns, id, p);
    }
  };
  for (const c of cards) if (c.type === 'page' && !out.has(c.id)) out.set(c.id, undefined);
  for (const c of cards) if (c.type === 'page') nested(c.namespace, c.id, c.body);
  return out;
}

/**
 * The environment's page without the nested pages that the package places somewhere else (at
 * the top level, or in another page): kept, they would leave two pages of one id, which no
 * export could give back as a project (MAN001). Those the package nests at the same place merge
 * as usual; those it does not place at all are kept.
 */
function withoutMovedPages(pkg: Obj, env: Obj, pages: PagesPlaced, at: string, moved: PageMove[]): Obj {
  const list = env.pages;
  if (!Array.isArray(list)) return env;
  const theirs = Array.isArray(pkg.pages) ? (pkg.pages as unknown[]).filter(isPlainObject) : [];
  let changed = false;
  const out: unknown[] = [];
  for (const e of list) {
    const code = isPlainObject(e) ? codeOf(e) : undefined;
    if (code === undefined) {
      out.push(e);
      continue;
    }
    const here = theirs.find((p) => p.code === code);
    const id = `${pages.namespace}.${code}`;
    if (!here && pages.placed.has(id)) {
      const to = pages.placed.get(id);
      moved.push(to === undefined ? { path: `${at}pages.${code}`, page: id } : { path: `${at}pages.${code}`, page: id, to });
      changed = true;
      continue;
    }
    const inner = withoutMovedPages(here ?? {}, e as Obj, pages, `${at}pages.${code}.`, moved);
    if (inner !== e) changed = true;
    out.push(inner);
  }
  return changed ? { ...env, pages: out } : env;
}

/** Lists of an app manifest that travel as cards of their own (processes, widgets, ...). */
const APP_MANIFEST_LISTS = Object.keys(TOP_LISTS.app);

/**
 * An app's body without the lists of its manifest that are cards of their own. The card an
 * earlier build wrote for an app manifest carried them too (cards.ts); they are not sub-entities
 * of the app, so an update drops that copy rather than keep it stale (and report each process
 * and widget as kept).
 */
function withoutAppManifestLists(env: Obj): Obj {
  if (!APP_MANIFEST_LISTS.some((k) => Object.hasOwn(env, k))) return env;
  const out: Obj = {};
  for (const k of Object.keys(env)) if (!APP_MANIFEST_LISTS.includes(k)) setOwn(out, k, env[k]);
  return out;
}

// Plain loops over `Object.keys`, paths built only where they are used, and lists merged in place
// when both hold the same codes in the same order: `Object.entries`, its iterators, and a map and
// a set per list were most of what a plan of 6,000 updated cards allocated (about 45 MB).
/** What the object merged is an element of: a form (whose `fields` are codes) or a field (whose `values` are a category's). */
type Within = 'form' | 'field' | undefined;

const withinList = (k: string): Within => (k === 'forms' ? 'form' : k === 'fields' ? 'field' : undefined);

function mergeObject(pkg: Obj, env: Obj, at: string, kept: string[], within: Within): Obj {
  const out: Obj = { ...pkg };
  const keys = Object.keys(env);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    // An own key, so `env[k]` is its value even for `__proto__` (the own property shadows the accessor).
    const ev = env[k];
    const pv = getOwn(pkg, k);
    if (k === 'permissions' && isObjectList(ev) && (pv === undefined || isObjectList(pv))) {
      // A permission is named by whom it grants to, with or without a code.
      setOwn(out, k, mergeCoded((pv as Obj[] | undefined) ?? [], ev, `${at}${k}`, kept, undefined, permissionKey));
    } else if (isEntityList(ev) && (pv === undefined || (Array.isArray(pv) && pv.every(isPlainObject)))) {
      setOwn(out, k, mergeCoded((pv as Obj[] | undefined) ?? [], ev, `${at}${k}`, kept, withinList(k)));
    } else if (within === 'field' && k === 'values' && isValueList(ev) && (pv === undefined || isValueList(pv))) {
      // A category's values: strings (or numbers) named by themselves, objects by their code.
      const p = (pv as unknown[] | undefined) ?? [];
      setOwn(out, k, p.length === ev.length && p.every((x, i) => x === ev[i]) ? p : mergeOrdered(p, ev, valueKey, (x) => x, (x) => {
        if (!isPlainObject(x)) return undefined;
        const e = ev.find((y) => isPlainObject(y) && valueKey(y) === valueKey(x));
        return e ? mergeObject(x, e as Obj, `${at}${k}.${valueKey(x)!}.`, kept, undefined) : undefined;
      }, `${at}${k}`, kept));
    } else if (within === 'form' && k === 'fields' && isCodeList(ev) && (pv === undefined || isCodeList(pv))) {
      // A form's elements are the codes of the fields it shows.
      const p = (pv as string[] | undefined) ?? [];
      setOwn(out, k, sameStrings(p, ev) ? p : mergeOrdered(p, ev, (x) => x, (x) => x, () => undefined, `${at}${k}`, kept));
    } else if (isPlainObject(ev) && (pv === undefined || isPlainObject(pv))) {
      // Sub-entities stand at any depth, inside plain objects too (a field's `options.values`, a
      // layout's `tabs`), as the build leaves deleted ones out at any depth (carry.ts). An object
      // the package lacks keeps only the sub-entities it held.
      const merged = mergeObject((pv as Obj | undefined) ?? {}, ev, `${at}${k}.`, kept, undefined);
      if (pv !== undefined || Object.keys(merged).length) setOwn(out, k, merged);
    }
  }
  return out;
}

const codeOf = (x: Obj): string | undefined => (typeof x.code === 'string' ? x.code : undefined);

/**
 * What names a permission: whom it grants to (`group:accountants`, `orgUnit:sales`), or its code
 * when it names no one. Its code is optional (the schema), so by code alone an update replaced
 * every permission written without one.
 */
export function permissionKey(x: Obj): string | undefined {
  if (typeof x.group === 'string') return `group:${x.group}`;
  if (typeof x.orgUnit === 'string') return `orgUnit:${x.orgUnit}`;
  return codeOf(x);
}

/** What names a value of a category: itself (a string or number), or the code of a `{ code, title }`. */
export function valueKey(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return String(x);
  return isPlainObject(x) ? codeOf(x) : undefined;
}

const isObjectList = (v: unknown): v is Obj[] => Array.isArray(v) && v.every(isPlainObject);

/** A category's values as the schema writes them: strings, or objects with a code (numbers taken too). */
function isValueList(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || (isPlainObject(x) && typeof x.code === 'string'));
}

// Elements without a key (a code, or whom a permission grants to) are matched with nothing: the
// package's stand as they are, the environment's give way to them; a keyed element the package
// lacks is kept even when the package's list holds an unkeyed one.
function mergeCoded(pkg: Obj[], env: Obj[], path: string, kept: string[], within: Within, key: (x: Obj) => string | undefined = codeOf): Obj[] {
  // Most lists of an update hold the same elements in both: each merges with its counterpart.
  if (pkg.length === env.length) {
    let same = true;
    for (let i = 0; i < pkg.length && same; i++) {
      const c = key(env[i]);
      same = c !== undefined && c === key(pkg[i]);
    }
    // A key named twice merges every element of that key with the environment's last one.
    if (same && !hasRepeatedKey(env, key)) {
      const out: Obj[] = [];
      for (let i = 0; i < pkg.length; i++) out.push(mergeObject(pkg[i], env[i], `${path}.${key(pkg[i])!}.`, kept, within));
      return out;
    }
  }
  const envByKey = new Map<string, Obj>();
  const keyed: Obj[] = [];
  for (const e of env) {
    const c = key(e);
    if (c === undefined) continue;
    keyed.push(e);
    envByKey.set(c, e);
  }
  return mergeOrdered(pkg, keyed, key, (x) => x,
    (p) => {
      const c = key(p);
      const e = c === undefined ? undefined : envByKey.get(c);
      return e ? mergeObject(p, e, `${path}.${c}.`, kept, within) : undefined;
    }, path, kept);
}

/**
 * The package's list in its order, each element merged with the environment's of the same code,
 * and every element only the environment has inserted after the element it followed there.
 */
function mergeOrdered<T>(pkg: T[], env: T[], code: (x: T) => string | undefined, keep: (x: T) => T, merge: (p: T) => T | undefined, path: string, kept: string[]): T[] {
  const out = pkg.map((p) => merge(p) ?? p);
  const codes = out.map(code);
  const inPkg = new Set(codes);
  let anchor = -1;
  for (const e of env) {
    const c = code(e);
    if (inPkg.has(c)) {
      anchor = codes.indexOf(c);
      continue;
    }
    out.splice(anchor + 1, 0, keep(e));
    codes.splice(anchor + 1, 0, c);
    anchor++;
    kept.push(`${path}.${c}`);
  }
  return out;
}

function hasRepeatedKey(list: Obj[], key: (x: Obj) => string | undefined): boolean {
  if (list.length <= 16) {
    for (let i = 1; i < list.length; i++) for (let j = 0; j < i; j++) if (key(list[i]) === key(list[j])) return true;
    return false;
  }
  return new Set(list.map(key)).size !== list.length;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isCodeList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * The merges of the cards of one plan or import with the entities they update, each made once
 * when first asked for: deciding the action, writing the body and saying what was kept each need
 * it, and a merge (with the comparison after it) was most of planning 6,000 updated cards. Kept
 * by card, not by id: nothing here assumes a package names an id once.
 */
export class Merges {
  private readonly done = new Map<object, Merged>();

  /** `placed`: the pages the package places (`pagesPlaced`), when it carries any. */
  constructor(private readonly placed?: PagePlaces) {}

  /** The merge of `card` with `env`, the entity of the same id. */
  of(card: Pick<Card, 'type' | 'body'>, env: EnvEntity): Merged {
    let m = this.done.get(card);
    // A body the environment holds as it is (an update's unchanged entities) keeps nothing: it is
    // compared, not copied.
    if (!m) {
      const pages = this.placed && card.type === 'page' ? { namespace: env.namespace, placed: this.placed } : undefined;
      this.done.set(card, (m = sameJson(card.body, env.body) ? { body: card.body, kept: [] } : mergeBodies(card.type, card.body, env.body, pages)));
    }
    return m;
  }
}

/**
 * What an import writes for a card: on create the card as it is; on an update (or a conflict
 * replaced) the merged body under the card's hash (the version of the design it now is at).
 */
export function cardToWrite(card: Card, env: EnvEntity | undefined, merges = new Merges()): Card {
  if (!env) return card;
  return { ...card, body: merges.of(card, env).body };
}

/** Paths an update of this entity keeps from the environment; empty on create. */
export function keptOf(card: Pick<Card, 'type' | 'body'>, env: EnvEntity | undefined, merges = new Merges()): string[] {
  return env ? merges.of(card, env).kept : [];
}

/**
 * Refines the action history alone decides (planner.ts `actionFor`): an update or conflict that
 * would write exactly what the environment holds (the package's design with the kept parts is
 * already there, as when an environment's own export comes back) is `unchanged`; a page of the
 * package's version that holds pages the package places elsewhere (kept there by an earlier update
 * whose package lacked them) is an `update` that leaves them out.
 */
export function refineAction<A extends { action: PlanAction; reason?: string; said?: Said }>(base: A, env: EnvEntity | undefined, card: Card, merges = new Merges()): A | { action: PlanAction; reason?: string; said?: Said } {
  if (env && base.action === 'unchanged' && card.type === 'page') {
    const moved = merges.of(card, env).moved;
    if (moved) {
      const s = said('plan.reason.pagesMoved', { pages: moved.join(', ') });
      return { action: 'update', reason: s.text, said: s.said };
    }
  }
  if (!env || (base.action !== 'update' && base.action !== 'conflict') || env.deleted !== card.deleted) return base;
  const merged = merges.of(card, env);
  if (!sameJson(merged.body, env.body)) return base;
  if (base.action === 'update' || (base.said === undefined && !base.reason)) return { action: 'unchanged' };
  // A conflict that writes nothing (going back to an older version whose parts the newer one
  // holds, which an import never deletes): said, so that nobody takes it for a rollback done.
  const s = said('plan.reason.holdsAll', { why: base.said ?? base.reason!, kept: merged.kept.length ? merged.kept.join(', ') : '-' });
  return { action: 'unchanged', reason: s.text, said: s.said };
}

/** The log line of what an update kept of one entity, or undefined when it kept nothing. */
export function keptLogLine(step: string, id: string, kept: readonly string[]): string | undefined {
  return kept.length ? `${step}: ${id} kept from the environment: ${kept.join(', ')}` : undefined;
}

/**
 * The log line of the pages an update left out of a page because the package moved them, each with
 * where it went (`menu: pm.section no longer holds page pm.child (pages.child), which the package
 * moves into page pm.other`), or undefined when it left none.
 */
export function movedLogLine(step: string, id: string, moves: readonly PageMove[] | undefined): string | undefined {
  const where = (m: PageMove) => `page ${m.page} (${m.path}), which the package ${m.to === undefined ? 'makes a top-level page' : `moves into page ${m.to}`}`;
  return moves?.length ? `${step}: ${id} no longer holds ${moves.map(where).join('; ')}` : undefined;
}

/**
 * The hash after a change made in the environment (`PUT /v1/entities/:id`): unchanged when only
 * what belongs to the target changed (a workspace's title, a setting's value), since the design is
 * the same version (their translations too); otherwise the sha256 of the new body, a version no
 * package knows.
 */
export function hashAfterChange(e: Pick<EnvEntity, 'type' | 'hash' | 'body'>, body: Obj): string {
  const design = (b: Obj) => canonicalJson(designOf(targetOwned(e.type), b));
  return design(e.body) === design(body) ? e.hash : sha256(canonicalJson(body));
}
