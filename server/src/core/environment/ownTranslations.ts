/**
 * The translations of what belongs to the target (a workspace's title, a setting's value): kept
 * as the environment has them by an update, and left out of the design a hash names, like the
 * properties themselves (merge.ts).
 */
import { sameJson } from '../packaging/canonical';
import { isPlainObject, TRANSLATIONS } from '../packaging/carry';
import { getOwn, setOwn } from '../json/own';

type Obj = Record<string, unknown>;

/**
 * The translations of the target's own properties as the environment has them (absent when it
 * has none), the others as merged; each that differs from the package's is reported as kept
 * (`translations.ru.title`), as the property itself would be.
 */
export function keepOwnTranslations(body: Obj, pkg: Obj, env: Obj, own: readonly string[], kept: string[]): void {
  if (!own.length) return;
  const theirs = plainOr(getOwn(pkg, TRANSLATIONS));
  const ours = plainOr(getOwn(env, TRANSLATIONS));
  const merged = getOwn(body, TRANSLATIONS);
  // A package's translations that are no object per language are not read as such.
  if ((!theirs && !ours) || (merged !== undefined && !isPlainObject(merged))) return;
  const out: Obj = { ...merged };
  for (const lang of new Set([...Object.keys(theirs ?? {}), ...Object.keys(ours ?? {})])) {
    const was = getOwn(out, lang);
    if (was !== undefined && !isPlainObject(was)) continue;
    const p = plainOr(getOwn(theirs ?? {}, lang));
    const e = plainOr(getOwn(ours ?? {}, lang));
    const l: Obj = { ...was };
    for (const k of own) {
      const had = e !== undefined && Object.hasOwn(e, k);
      if (had ? !sameJson(e[k], getOwn(p ?? {}, k)) : p !== undefined && Object.hasOwn(p, k)) kept.push(`${TRANSLATIONS}.${lang}.${k}`);
      if (had) l[k] = e[k];
      else delete l[k];
    }
    if (Object.keys(l).length || (was !== undefined && !Object.keys(was).length)) setOwn(out, lang, l);
    else delete out[lang];
  }
  if (Object.keys(out).length || (merged !== undefined && !Object.keys(merged).length)) setOwn(body, TRANSLATIONS, out);
  else delete body[TRANSLATIONS];
}

const plainOr = (v: unknown): Obj | undefined => (isPlainObject(v) ? v : undefined);

/**
 * A body without what belongs to the target (`own`: its properties, and their translations). What
 * is left is the design, whose version the hash names.
 */
export function designOf(own: readonly string[], body: Obj): Obj {
  const d = { ...body };
  for (const p of own) delete d[p];
  const t = getOwn(d, TRANSLATIONS);
  if (!own.length || !isPlainObject(t)) return d;
  const rest: Obj = {};
  for (const lang of Object.keys(t)) {
    const l = t[lang];
    if (!isPlainObject(l)) {
      setOwn(rest, lang, l);
      continue;
    }
    const left: Obj = {};
    for (const k of Object.keys(l)) if (!own.includes(k)) setOwn(left, k, l[k]);
    if (Object.keys(left).length) setOwn(rest, lang, left);
  }
  if (Object.keys(rest).length) d[TRANSLATIONS] = rest;
  else delete d[TRANSLATIONS];
  return d;
}
