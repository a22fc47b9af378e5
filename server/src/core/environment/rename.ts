import * as path from 'node:path';
import { fileRefHolders } from '../packaging/fileRefs';
import { getOwn, setOwn } from '../json/own';
import { canonicalJson, sha256 } from '../packaging/canonical';
import type { Card, History } from '../packaging/format';
import { cardReferences } from './cardRefs';
import { badRequest } from './errors';
import { isUnitCode } from '../packaging/cardCheck';
import { entriesOf, historyEntry } from '../packaging/history';

/** How a duplicate renames: a namespace (workspace or module package) or one app (app package). */
export interface Rename {
  kind: 'namespace' | 'app';
  from: string;
  to: string;
  /** For an app: its namespace. */
  namespace?: string;
}

const CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** The rename `--as NEW_CODE` means for a package of this kind and code. */
export function renameFor(kind: string, code: string, cards: Card[], to: string): Rename {
  if (!CODE.test(to)) throw badRequest(`"${to}" is not a valid code (lower-case letters, digits and _, starting with a letter)`);
  if (kind === 'workspace' || kind === 'module') {
    if (!isUnitCode(to)) throw badRequest(`"${to}" cannot be a ${kind}'s code: it is the namespace of the company's global objects`);
    return { kind: 'namespace', from: code, to };
  }
  if (kind === 'app') {
    const app = cards.find((c) => c.type === 'app' && c.code === code);
    if (!app) throw badRequest(`the package has no card for app \`${code}\``);
    const r: Rename = { kind: 'app', from: code, to, namespace: app.namespace };
    // Its processes, widgets, counters and groups have codes of the namespace, not of the app: a
    // copy would keep their ids, and with their references turned to the copy it would take
    // them from the original. A copy of them needs codes of their own, which only the project can give.
    const shared = cards.filter((c) => renameId(r, c.id) === c.id).map((c) => `${c.type} ${c.code}`);
    if (shared.length) {
      throw badRequest(`app package \`${code}\` carries ${shared.slice(0, 5).join(', ')}${shared.length > 5 ? ` and ${shared.length - 5} more` : ''} besides the app; a copy under another code would take them from the original app, since their ids are the namespace's: copy the app manifest in the project with codes of their own and build that`);
    }
    return r;
  }
  throw badRequest(`a ${kind} package cannot be imported under another code; duplicate its workspaces one by one`);
}

/** The new id of an entity id, or the id unchanged when the rename does not touch it. */
export function renameId(r: Rename, id: string): string {
  if (r.kind === 'namespace') return id === r.from ? r.to : id.startsWith(`${r.from}.`) ? r.to + id.slice(r.from.length) : id;
  const old = `${r.namespace}.${r.from}`;
  return id === old ? `${r.namespace}.${r.to}` : id.startsWith(`${old}.`) ? `${r.namespace}.${r.to}${id.slice(old.length)}` : id;
}

/**
 * Copies cards under the new code (Protogrid §3.3, "duplicate an app"): ids, namespaces, codes
 * and every reference into the renamed namespace or app are rewritten, and hashes recomputed, so
 * the copy lives next to the original in one environment.
 */
export function renameCards(r: Rename, cards: Card[]): Card[] {
  return cards.map((c0) => {
    const c: Card = structuredClone(c0);
    if (r.kind === 'namespace') {
      // An app manifest's card is the manifest itself, which names its namespace: the copy's
      // names the copy's, or an unpack would not see it as the copy's app manifest.
      if (c.type === 'app' && c.namespace === r.from && c.body.kind === 'app' && c.body.namespace === r.from) c.body.namespace = r.to;
      if (c.namespace === r.from) c.namespace = r.to;
      if ((c.type === 'workspace' || c.type === 'module') && c.code === r.from) {
        c.code = r.to;
        if (c.body.code === r.from) c.body.code = r.to;
      }
    } else if (c.type === 'app' && c.namespace === r.namespace && c.code === r.from) {
      c.code = r.to;
      if (c.body.code === r.from) c.body.code = r.to;
      // An app manifest's card names its records' file under the app's code (MAN003 `data`).
      if (c.body.data !== undefined) c.body.data = renamedKey(c.body.data, r.from, r.to);
    } else if (c.type === 'permissions' && c.id === `${r.namespace}.${r.from}.permissions`) {
      c.code = r.to;
    }
    c.id = renameId(r, c.id);
    // Files are named after their entity's id (builder): the copy's after the copy's, or a
    // retrieve and a build of the copy would name them anew and see every such entity changed.
    for (const h of fileRefHolders(c.body)) {
      const ref = h.file as { file: string };
      const renamed = renamedFilePath(r, ref.file);
      if (renamed !== ref.file) h.file = { ...ref, file: renamed };
    }
    if (c.type === 'permissions' && typeof c.body.app === 'string') c.body.app = renameId(r, c.body.app);
    if (r.kind === 'namespace') renameScriptImports(c.body, r.from, r.to);
    for (const ref of cardReferences(c)) {
      const hit = r.kind === 'namespace'
        ? ref.namespace === r.from && ref.form !== 'local'
        : ref.kind === 'app' && ref.namespace === r.namespace && ref.code === r.from;
      if (!hit) continue;
      const text = ref.form === 'local' ? r.to : `${r.kind === 'namespace' ? r.to : r.namespace}.${r.kind === 'namespace' ? ref.code : r.to}`;
      (ref.holder as Record<string | number, unknown>)[ref.key] = text;
    }
    c.hash = sha256(canonicalJson(c.body));
    return c;
  });
}

/**
 * History under the new ids. A copy is a new entity: its history is the original's, then the
 * renamed hash, which says the original version it was made from (`of`, when the rename changed
 * the hash), so a later version of the package updates the copy (planner.ts `actionOf`).
 * `originals` are the cards before the rename, in the order of `renamed`.
 */
export function renameHistory(r: Rename, history: History, renamed: Card[], at: string, originals: readonly Card[] = []): History {
  const out: History = {};
  for (const [id, entries] of Object.entries(history)) out[renameId(r, id)] = entries;
  renamed.forEach((c, i) => {
    const h = entriesOf(out, c.id) ?? [];
    if (h[h.length - 1]?.hash === c.hash) return;
    out[c.id] = [...h, historyEntry(c.hash, at, originals[i]?.hash)];
  });
  return out;
}

/**
 * A script's `imports` name namespaces, not entities, so they are no references (cardRefs.ts):
 * an entry naming the renamed namespace is renamed here, or the copy's scripts would depend on
 * the original. Scripts sit in their owner's `scripts`, which may itself sit in an app
 * manifest's card; only exact entries are renamed, and one the list already holds is dropped
 * rather than repeated (the list holds each namespace once).
 */
function renameScriptImports(v: unknown, from: string, to: string): void {
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) renameScriptImports(x, from, to);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'scripts' && Array.isArray(x)) {
      for (const s of x) {
        const imports = typeof s === 'object' && s !== null && !Array.isArray(s) ? getOwn(s as Record<string, unknown>, 'imports') : undefined;
        if (!Array.isArray(imports) || !imports.includes(from)) continue;
        const renamed = imports.includes(to) ? imports.filter((ns) => ns !== from) : imports.map((ns) => (ns === from ? to : ns));
        setOwn(s as Record<string, unknown>, 'imports', renamed);
      }
    }
    renameScriptImports(x, from, to);
  }
}

/** An object with the key `from` named `to` in its place (order kept), or the value as it was. */
function renamedKey(v: unknown, from: string, to: string): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, from) || Object.hasOwn(v, to)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k === from ? to : k, x);
  return out;
}

/** A package's file path (`scripts/<id>.ts`, `templates/files/<id>.docx`) under the renamed id of its entity. */
export function renamedFilePath(r: Rename, p: string): string {
  const slash = p.lastIndexOf('/');
  const base = p.slice(slash + 1);
  const ext = path.posix.extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  const id = renameId(r, stem);
  return id === stem ? p : `${p.slice(0, slash + 1)}${id}${ext}`;
}
