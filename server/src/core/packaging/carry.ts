/**
 * What a package carries of an entity's body, whether it is built from manifests or exported from
 * an environment (ELMA365: "parameter values were not available for export"; deleted variables
 * "will not be downloaded"; deleted workspaces, apps and pages are exported).
 */
import { setOwn } from '../json/own';

type Obj = Record<string, unknown>;

/**
 * Lists whose deleted elements are still carried: nested menu pages are entities of their own
 * (the seed exports deleted pages), travelling inside their top page only for the import step.
 */
const CARRIED_WHEN_DELETED = new Set(['pages']);

/** A setting's value belongs to the environment it is set in (secrets among them), never to a package. */
export const SETTING_VALUE = 'value';

/**
 * Where a body holds its translations: per language, the properties translated
 * (`translations.ru.title`). They pass through manifests untouched; a translation of a property
 * that belongs to the target belongs to the target with it (a Russian name is a name, a value in
 * Russian is the value).
 */
export const TRANSLATIONS = 'translations';

/**
 * The body a package carries: a setting without its value (nor its value's translations), and
 * every sub-entity (an element of a list of coded objects: a field, status, button, form, lane,
 * context variable, script, ...) marked `deleted: true` left out, at any depth. A whole entity
 * marked deleted is still carried: its card keeps the flag. Returns the body itself when nothing
 * is left out, so an unchanged body keeps its identity (and its hash needs no recomputing).
 */
export function carriedBody(type: string, body: Obj): Obj {
  const out = withoutDeleted(body) as Obj;
  return type === 'setting' ? withoutProperty(out, SETTING_VALUE) : out;
}

/** A body without a property and its translations (`translations.ru.value`); the body itself when it has neither. */
function withoutProperty(body: Obj, key: string): Obj {
  const t = isPlainObject(body[TRANSLATIONS]) ? (body[TRANSLATIONS] as Obj) : undefined;
  const translated = t !== undefined && Object.keys(t).some((l) => isPlainObject(t[l]) && Object.hasOwn(t[l], key));
  if (!Object.hasOwn(body, key) && !translated) return body;
  const out = { ...body };
  delete out[key];
  if (t && translated) {
    const rest: Obj = {};
    for (const l of Object.keys(t)) {
      const v = t[l];
      if (!isPlainObject(v) || !Object.hasOwn(v, key)) setOwn(rest, l, v);
      else if (Object.keys(v).length > 1) {
        const left = { ...v };
        delete left[key];
        setOwn(rest, l, left);
      }
    }
    if (Object.keys(rest).length) out[TRANSLATIONS] = rest;
    else delete out[TRANSLATIONS];
  }
  return out;
}

/**
 * Whether a body's own `deleted: true` contradicts its entity's recycle-bin flag. A build puts both
 * on a deleted entity's card; a deletion made in an environment sets the flag alone (the design is
 * the same version), so only a body that says deleted on an entity that is not contradicts it.
 */
export function contradictsFlag(body: Obj, deleted: boolean): boolean {
  return !deleted && body.deleted === true;
}

/** A body that agrees with its entity's flag: without its `deleted: true` when the entity is not deleted. */
export function agreeingBody(body: Obj, deleted: boolean): Obj {
  if (!contradictsFlag(body, deleted)) return body;
  const out = { ...body };
  delete out.deleted;
  return out;
}

/** Whether a value is an object that is not a list. */
export const isPlainObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a value is a list of sub-entities: objects, at least one with a string `code`. An element
 * without a code (a permission may be written without one) is part of the list but matched with
 * nothing; the coded ones are sub-entities, kept by an update and left out when marked deleted.
 */
export function isEntityList(v: unknown): v is Obj[] {
  return Array.isArray(v) && v.length > 0 && v.every(isPlainObject) && v.some((x) => typeof x.code === 'string');
}

function withoutDeleted(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) {
    const entities = isEntityList(v) && !CARRIED_WHEN_DELETED.has(key ?? '');
    let changed = false;
    const out: unknown[] = [];
    for (const x of v) {
      if (entities && (x as Obj).deleted === true && typeof (x as Obj).code === 'string') {
        changed = true;
        continue;
      }
      const y = withoutDeleted(x);
      if (y !== x) changed = true;
      out.push(y);
    }
    return changed ? out : v;
  }
  if (typeof v === 'object' && v !== null) {
    let out: Obj | undefined;
    for (const [k, x] of Object.entries(v as Obj)) {
      const y = withoutDeleted(x, k);
      if (y !== x) setOwn((out ??= { ...(v as Obj) }), k, y);
    }
    return out ?? v;
  }
  return v;
}
