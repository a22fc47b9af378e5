import { canonicalJson, sha256 } from '../packaging/canonical';
import { nestedPageCodes, type CardType, type History } from '../packaging/format';
import { cardEntryName } from '../packaging/cardCheck';
import { foldedName } from '../packaging/entryNames';
import type { Catalog } from '../catalog/catalog';
import type { Sql } from './db/database';
import { isolationFindings, type IsolationFinding, type PackageScope } from './isolation';
import type { PackageView } from './packageView';
import type { EarlierImport } from './store';
import type { PagePlaces } from './merge';
import type { EnvEntity, ImportCheck, ImportPlan, PlanEntity } from './types';
import { english, type Translator } from '../l10n';
import { checkSaying, say, setReason, type Said } from './said';
import { entriesOf } from '../packaging/history';

/** The types of those of `ids` the environment holds, by id. */
export async function typesOf(db: Sql, ids: Iterable<string>): Promise<Map<string, string>> {
  const list = [...ids];
  if (!list.length) return new Map();
  const rows = await db.query<{ id: string; type: string }>(
    `SELECT id, type FROM entities WHERE id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`, [JSON.stringify(list)]);
  return new Map(rows.map((r) => [r.id, r.type]));
}

/**
 * The isolation findings of a package against what the environment holds, reading from the
 * environment only the entities the check asks about (references that leave the package), not
 * every entity there is: a plan's cost follows the package, not the environment. `known` holds
 * types already read (the package's cards the environment has); it gains what is read here.
 * The check first runs with every unread id taken as absent, which asks about every id it could
 * (an id found present is never asked again, so later runs ask fewer), and again with the answers.
 * An id of a namespace the caller may not read (`mayRead`) is not looked up: it is taken as
 * resolving, and an `unread` finding says so, so that a plan never tells which of another
 * owner's entities exist (an ISO004 still stands for it).
 */
export async function isolationAgainst(db: Sql, scope: PackageScope, catalog: Catalog, known: Map<string, string>, mayRead: (namespace: string) => boolean = () => true): Promise<IsolationFinding[]> {
  const read = new Set<string>();
  for (;;) {
    const unread = new Set<string>();
    const unreadPages = new Set<string>();
    const hidden = new Set<string>();
    const found = isolationFindings(scope, catalog, (id, kind) => {
      const type = known.get(id);
      if (type === undefined && !read.has(id)) {
        if (!mayRead(id.slice(0, id.indexOf('.')))) {
          hidden.add(id);
          return true;
        }
        unread.add(id);
        if (kind === 'page') unreadPages.add(id);
      }
      return kind ? type === kind : type !== undefined;
    });
    if (!unread.size) return [...found, ...[...hidden].map((id) => notLookedUp(id))];
    for (const [id, type] of await typesOf(db, unread)) known.set(id, type);
    // A page that is no entity of its own may be a nested menu page the environment holds inside
    // a top page: a page as much as the others (a manifest may link to it), so it resolves.
    const nested = [...unreadPages].filter((id) => !known.has(id));
    for (const id of await nestedPagesOf(db, nested)) known.set(id, 'page');
    for (const id of unread) read.add(id);
  }
}

/** The line for a reference the caller may not look up, in the words of the records check's. */
function notLookedUp(id: string): IsolationFinding {
  const ns = id.slice(0, id.indexOf('.'));
  return { code: 'unread', line: `${id} was not looked up: reading it needs the environment administrator or the owner of \`${ns}\`` };
}

/**
 * Those of `ids` (`namespace.code`) that name a nested menu page of a page the environment holds.
 * Only the pages of the namespaces asked about are read, and only when a reference found no
 * entity of its id: most plans never ask.
 */
export async function nestedPagesOf(db: Sql, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (!ids.length) return found;
  const wanted = new Set(ids);
  const namespaces = [...new Set(ids.map((id) => id.slice(0, id.indexOf('.'))))];
  const rows = await db.query<{ namespace: string; body: Record<string, unknown> }>(
    `SELECT namespace, body FROM entities WHERE type = 'page' AND namespace = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))
       AND jsonb_typeof(body->'pages') = 'array'`, [JSON.stringify(namespaces)]);
  for (const r of rows) {
    for (const code of nestedPageCodes(r.body)) if (wanted.has(`${r.namespace}.${code}`)) found.add(`${r.namespace}.${code}`);
  }
  return found;
}

/**
 * The languages check (Protogrid 1.2: "the target app needs the languages in the same order as the
 * source app"): the package's languages must be the environment's, the same ones in the same
 * order, and a failure names the order to use. An environment with no languages yet takes the
 * package's; a package that names none asks for nothing.
 */
export function languagesCheck(pkg: readonly string[], env: readonly string[]): ImportCheck {
  const name = 'languages';
  const list = (l: readonly string[]) => l.join(', ');
  if (!env.length) return checkSaying(name, true, 'plan.languages.envNone', { list: list(pkg) || { key: 'plan.none' } });
  if (!pkg.length) return checkSaying(name, true, 'plan.languages.packageNone', { list: list(env) });
  if (sameLanguages(pkg, env)) return checkSaying(name, true, 'plan.languages.same', { list: list(pkg) });
  const missing = pkg.filter((l) => !env.includes(l));
  const extra = env.filter((l) => !pkg.includes(l));
  const lacks: Said[] = [];
  if (missing.length) lacks.push({ key: 'plan.languages.envLacks', args: { list: list(missing) } });
  if (extra.length) lacks.push({ key: 'plan.languages.packageLacks', args: { list: list(extra) } });
  const why: Said = lacks.length === 2 ? { key: 'plan.and', args: { a: lacks[0], b: lacks[1] } } : lacks[0] ?? { key: 'plan.languages.order' };
  return checkSaying(name, false, 'plan.languages.differ', { pkg: list(pkg), env: list(env), why, json: JSON.stringify(env) });
}

/**
 * The letter-case check: no card may differ only in letter case from an entity of the package's
 * namespaces that the environment holds and the package does not carry (`e.Orders` into a
 * namespace that holds `e.orders`, each imported from a package of its own). Both would stay, and
 * an export of the namespace would name their cards `apps/e.Orders.card.json` and
 * `apps/e.orders.card.json`: one file on case-insensitive file systems, so no reader accepts it.
 * Compared by entry name, as the reader compares them: an app and a process may differ so.
 * `files` are the lines of entities whose files would differ so once merged (caseClashes.ts).
 */
export function letterCaseCheck(cards: readonly { id: string; type: CardType }[], others: readonly { id: string; type: string }[], files: readonly string[] = []): ImportCheck {
  const lines: string[] = [];
  // A first import, or a next version that carries all its namespaces hold, has nothing to compare.
  if (others.length) {
    const held = new Map<string, { id: string; type: string }>();
    for (const o of others) held.set(foldedName(cardEntryName(o.type as CardType, o.id)), o);
    for (const c of cards) {
      const o = held.get(foldedName(cardEntryName(c.type, c.id)));
      if (o && o.id !== c.id) lines.push(`${c.id}: ${c.type} in the package, differs only in letter case from ${o.type} ${o.id} in the environment`);
    }
  }
  const parts: Said[] = [];
  if (lines.length) parts.push({ key: 'plan.letterCase.failed', args: { n: lines.length } });
  if (files.length) parts.push({ key: 'plan.letterCase.files', args: { n: files.length } });
  if (!parts.length) return checkSaying('letterCase', true, 'plan.letterCase.ok');
  const [a, b] = parts;
  return b ? checkSaying('letterCase', false, 'plan.and', { a, b }, [...lines, ...files]) : checkSaying('letterCase', false, a.key, a.args, [...lines, ...files]);
}

/** Whether two language lists are equal, order included. */
export function sameLanguages(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

/**
 * What a package brings, independent of when and where it was built: its kind and code (as
 * imported), every card's id, hash and deleted flag, and every data chunk's checksum. Two builds
 * of the same manifests differ in their descriptor (time, host) and so in the file's sha256, but
 * not here.
 */
export function contentDigest(view: PackageView): string {
  const d = view.descriptor;
  const cards = view.cards.map((c) => [c.id, c.hash, c.deleted]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const value = {
    kind: d.kind,
    code: view.rename?.to ?? d.code,
    cards,
    data: d.entries.filter((e) => e.path.startsWith('data/')).map((e) => [e.path, e.sha256]).sort(),
  };
  // Lists of strings and flags are their own canonical JSON: the engine's JSON.stringify spells
  // 10,000 cards' rows several times faster than canonicalJson walks them. `cards` is the first key.
  if (!cards.every(flat)) return sha256(canonicalJson(value));
  const rest = canonicalJson({ ...value, cards: [] }).slice(CARDS_EMPTY.length);
  return sha256(`{"cards":${JSON.stringify(cards)}${rest}`);
}

const CARDS_EMPTY = '{"cards":[]';

/** Whether a card's row holds only strings and flags (always, for a card read from a package). */
function flat(row: unknown[]): boolean {
  return typeof row[0] === 'string' && typeof row[1] === 'string' && typeof row[2] === 'boolean';
}

/**
 * The repeat check: whether this package, or the same content in another file (a rebuild of the
 * same manifests), was imported here before, and whether the environment has newer versions than
 * the package carries. Never a refusal: importing again changes only what changed since.
 */
export function repeatCheck(o: { earlier: EarlierImport | undefined; entities: PlanEntity[] }): ImportCheck {
  const file = o.earlier?.sameFile ? o.earlier : undefined;
  const content = file ?? o.earlier;
  const older = o.entities.filter((e) => e.older).length;
  const before: Said = file
    ? { key: 'plan.repeat.file', args: { id: file.id, at: file.finishedAt ?? '' } }
    : content ? { key: 'plan.repeat.content', args: { id: content.id, at: content.finishedAt ?? '' } } : { key: 'plan.repeat.none' };
  const since: Said | undefined = older ? { key: 'plan.repeat.older', args: { n: older } } : content ? { key: 'plan.repeat.again' } : undefined;
  return since ? checkSaying('repeat', true, 'plan.then', { a: before, b: since }) : checkSaying('repeat', true, before.key, before.args);
}

/**
 * Tells apart, among conflicts, an older package from an edit in the environment (spec §5 calls
 * both a conflict): when the environment's current version was written by an import, not changed
 * there, and the package's version is earlier in the environment's history, the package is simply
 * older than what the environment has (re-importing v1 after v2). The action stays `conflict`, so
 * going back still needs "replace"; the row gets `older: true` and a reason that blames nobody.
 */
export function markOlder(entities: PlanEntity[], env: ReadonlyMap<string, EnvEntity>, envHistory: History): void {
  for (const e of entities) {
    if (e.action !== 'conflict') continue;
    const row = env.get(e.id);
    if (!row || row.changedHere || !e.packageHash || row.hash === e.packageHash) continue;
    if (!entriesOf(envHistory, e.id)?.some((h) => h.hash === e.packageHash)) continue;
    e.older = true;
    setReason(e, 'plan.reason.older', { by: row.updatedBy, at: row.updatedAt });
  }
}

/**
 * Why a plan with conflicts is refused, in words that do not blame the environment for what is
 * only an older package: how many were changed there and how many are older versions.
 */
export function conflictSummary(plan: Pick<ImportPlan, 'entities'>, t: Translator = english): string {
  const conflicts = plan.entities.filter((e) => e.action === 'conflict');
  const older = conflicts.filter((e) => e.older).length;
  const changed = conflicts.length - older;
  const parts: Said[] = [];
  if (changed) parts.push({ key: 'plan.conflicts.changed', args: { n: changed } });
  if (older) parts.push({ key: 'plan.conflicts.older', args: { n: older } });
  if (!parts.length) return '';
  return say(parts.length === 2 ? { key: 'plan.and', args: { a: parts[0], b: parts[1] } } : parts[0], t);
}

/**
 * The backup's log line. The first import into a namespace has nothing from before to keep: its
 * backup holds the fact that the entities it creates did not exist (restoring removes them), and
 * later the records as they were before being written (absent ones likewise).
 */
export function backupLine(id: string, before: number, created: number): string {
  const n = (k: number, what = 'entit') => `${k} ${what}${what === 'entit' ? (k === 1 ? 'y' : 'ies') : ''}`;
  const records = 'and every record it changes as it was before (restoring removes those it creates)';
  if (!before && !created) return `backup ${id}: no entity changes; it holds only the records the import changes, each as it was before (restoring removes those it creates)`;
  if (!before) return `backup ${id}: holds no entity from before the import (none of the ${n(created)} it writes existed); it records them as absent, so restoring it removes them, ${records}`;
  return `backup ${id}: ${n(before)} as they were before the import${created ? `, and ${n(created)} it creates, recorded as absent (restoring removes them)` : ''}, ${records}`;
}

/**
 * A line per menu page the package nests in another page that the environment holds as a page of
 * its own and the package does not carry: an import never removes an entity, so both would stand,
 * two pages of one id, and no export of the namespace could be built again (MAN001). The other
 * way round, a page taken out of its section, is a move the update of the section makes
 * (merge.ts `withoutMovedPages`).
 */
export function nestedAtTop(cards: readonly { id: string; type: CardType; namespace: string; body: Record<string, unknown> }[], others: readonly { id: string; type: string }[]): string[] {
  const holder = new Map<string, string>();
  for (const c of cards) {
    if (c.type !== 'page') continue;
    for (const code of nestedPageCodes(c.body)) if (!holder.has(`${c.namespace}.${code}`)) holder.set(`${c.namespace}.${code}`, c.id);
  }
  if (!holder.size) return [];
  return others.filter((o) => o.type === 'page' && holder.has(o.id)).map((o) =>
    `${o.id}: nested in page ${holder.get(o.id)!} in the package, a top-level page in the environment, which an import does not remove: keep it at the top level in the package, or give the nested page another code`);
}

/**
 * A line per menu page the package places that the environment holds nested in a page the package
 * does not carry (`kept`, top-level pages of the package's namespaces): an import changes no
 * entity the package lacks, so that page would go on holding it, two pages of one id that no export
 * could give back as a project (MAN001). A page the package carries leaves such a page out itself
 * (merge.ts `withoutMovedPages`), so the way out is to carry it.
 */
export function nestedInKept(placed: PagePlaces, kept: readonly Pick<EnvEntity, 'id' | 'namespace' | 'body'>[]): string[] {
  const lines: string[] = [];
  for (const k of kept) {
    for (const code of nestedPageCodes(k.body)) {
      const id = `${k.namespace}.${code}`;
      if (!placed.has(id)) continue;
      const to = placed.get(id);
      lines.push(`${id}: ${to === undefined ? 'a top-level page' : `nested in page ${to}`} in the package, and nested in page ${k.id} in the environment, which the package does not carry and an import does not change: ` +
        `carry page ${k.id} in the package without it (marked deleted, if it should go), or remove it from page ${k.id} first (PUT /v1/entities/${k.id} with a body without it)`);
    }
  }
  return lines;
}
