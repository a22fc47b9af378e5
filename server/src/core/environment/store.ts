import type { Card, History, HistoryEntry } from '../packaging/format';
import type { Sql } from './db/database';
import type { EnvEntity, EnvSettings } from './types';
import { namespaceOfId } from './writeScope';
import { entriesOf, historyEntry } from '../packaging/history';
import { EnvError } from './errors';

/** Reads and small writes of an environment's state, over any Sql (the database or a transaction). */

export async function getMeta<T>(db: Sql, key: string, fallback: T): Promise<T> {
  const rows = await db.query<{ value: T }>(`SELECT value FROM isola_meta WHERE key = $1`, [key]);
  return rows.length ? rows[0].value : fallback;
}

export async function setMeta(db: Sql, key: string, value: unknown): Promise<void> {
  await db.query(`INSERT INTO isola_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key, JSON.stringify(value)]);
}

export async function getSettings(db: Sql): Promise<EnvSettings> {
  return { name: 'environment', platform: '2024.4', languages: [], ...(await getMeta<Partial<EnvSettings>>(db, 'settings', {})) };
}

/** The environment's revision: it grows with every committed change to entities or records. */
export async function getRevision(db: Sql): Promise<number> {
  return Number(await getMeta(db, 'revision', 0));
}

/**
 * Takes the environment's write lock for the rest of the transaction and returns the revision.
 * On PostgreSQL this serialises imports, admin edits and restores; PGlite has one connection anyway.
 */
export async function lockRevision(tx: Sql): Promise<number> {
  await tx.query(`INSERT INTO isola_meta (key, value) VALUES ('revision', '0') ON CONFLICT (key) DO NOTHING`);
  const rows = await tx.query<{ value: number }>(`SELECT value FROM isola_meta WHERE key = 'revision' FOR UPDATE`);
  return Number(rows[0].value);
}

/**
 * Moves the revision and records it as the last change of each namespace written (`SETTINGS` for
 * the platform and languages every plan checks): a plan is stale when one of the namespaces it
 * read changed after it, not when any namespace did (one owner's edits made every other owner's
 * plans stale, so an import could be blocked from outside for good).
 */
export async function bumpRevision(tx: Sql, from: number, namespaces: readonly string[]): Promise<number> {
  await setMeta(tx, 'revision', from + 1);
  if (namespaces.length) {
    await tx.query(`INSERT INTO isola_meta (key, value) SELECT 'changed:' || ns, to_jsonb($2::int) FROM jsonb_array_elements_text($1::jsonb) AS t(ns)
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify([...new Set(namespaces)]), from + 1]);
  }
  return from + 1;
}

/** The 409 of a plan that what it read changed after. */
export function stalePlan(plan: { revision: number; namespaces: readonly string[] }, changed: number): EnvError {
  return new EnvError(409, `the environment changed since the plan was made (its namespaces ${plan.namespaces.map((n) => `\`${n}\``).join(', ') || '(none)'} or the settings it checked, at revision ${changed}, after the plan's ${plan.revision}); make a new plan`, 'stale-plan');
}

/** What `bumpRevision` marks for a change of the settings a plan checks. */
export const SETTINGS_CHANGE = '@settings';

/** The newest revision at which any of these namespaces (or the checked settings) changed, 0 when none did. */
export async function lastChange(db: Sql, namespaces: readonly string[]): Promise<number> {
  const keys = [...namespaces, SETTINGS_CHANGE].map((ns) => `changed:${ns}`);
  const rows = await db.query<{ n: number | null }>(`SELECT max((value #>> '{}')::int) AS n FROM isola_meta WHERE key = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`, [JSON.stringify(keys)]);
  return Number(rows[0]?.n ?? 0);
}

interface EntityRow {
  id: string; type: string; namespace: string; code: string; deleted: boolean; hash: string;
  body: Record<string, unknown>; app: string | null; updated_at: string; updated_by: string; job_id?: string | null;
}

export function toEntity(r: EntityRow): EnvEntity {
  return {
    id: r.id, type: r.type as EnvEntity['type'], namespace: r.namespace, code: r.code, deleted: r.deleted, hash: r.hash,
    body: r.body, ...(r.app ? { app: r.app } : {}), updatedAt: r.updated_at, updatedBy: r.updated_by,
    ...(r.job_id === null ? { changedHere: true } : {}),
  };
}

export async function getEntities(db: Sql, ids: string[]): Promise<Map<string, EnvEntity>> {
  if (!ids.length) return new Map();
  // The ids as one JSON text: the driver spells a text[] parameter element by element in
  // JavaScript, several times slower for the 10,000 ids of a package. Each row comes back as one
  // JSON array: PGlite's driver reads every field of every row through a slow message reader, and
  // eleven fields a row were most of reading 10,000 entities (180-300 ms against 95-110 ms; on
  // PostgreSQL about the same either way). Every column is text, boolean or jsonb, as JSON has them.
  const rows = await db.query<{ r: string }>(
    `SELECT json_build_array(id, type, namespace, code, deleted, hash, app, updated_at, updated_by, job_id, body)::text AS r
     FROM entities WHERE id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`, [JSON.stringify(ids)]);
  const out = new Map<string, EnvEntity>();
  for (const { r } of rows) {
    const e = entityOfRow(r);
    out.set(e.id, e);
  }
  return out;
}

/** An entity from its row read as one JSON array (see `getEntities`). */
function entityOfRow(r: string): EnvEntity {
  const [id, type, namespace, code, deleted, hash, app, updated_at, updated_by, job_id, body] = JSON.parse(r) as [
    string, string, string, string, boolean, string, string | null, string, string, string | null, Record<string, unknown>];
  return toEntity({ id, type, namespace, code, deleted, hash, app, updated_at, updated_by, job_id, body });
}

/** An entity as a plan lists it when the package lacks it: no body, its title when it has one. */
export type ListedEntity = Pick<EnvEntity, 'id' | 'type' | 'namespace' | 'hash' | 'deleted' | 'app'> & { title?: string };

/**
 * The entities of these namespaces except those with the given ids, without their bodies, by id:
 * what a plan says of those a package does not carry. Reading every body of a namespace the
 * package was imported into before, to drop all but a few, was a good part of a new plan.
 */
export async function listedIn(db: Sql, namespaces: string[], except: string[]): Promise<ListedEntity[]> {
  const rows = await db.query<{ id: string; type: string; namespace: string; hash: string; deleted: boolean; app: string | null; title: string | null }>(
    `SELECT id, type, namespace, hash, deleted, app, CASE WHEN jsonb_typeof(body->'title') = 'string' THEN body->>'title' END AS title
     FROM entities WHERE namespace = ANY($1::text[]) AND id NOT IN (SELECT jsonb_array_elements_text($2::jsonb)) ORDER BY id COLLATE "C"`, [namespaces, JSON.stringify(except)]);
  return rows.map((r) => ({ id: r.id, type: r.type as EnvEntity['type'], namespace: r.namespace, hash: r.hash, deleted: r.deleted, ...(r.app ? { app: r.app } : {}), ...(r.title !== null ? { title: r.title } : {}) }));
}

/** What a plan reads of the environment: the rows of the package's cards, and the other entities of its namespaces. */
export interface PlanRows {
  /** The environment's entity of each card id it holds. */
  rows: Map<string, EnvEntity>;
  /** The entities of the namespaces that no card names, by id (as `listedIn` lists them). */
  others: ListedEntity[];
}

/**
 * `getEntities(ids)` and `listedIn(namespaces, ids)` together. When the package's cards are most
 * of what its namespaces hold (a workspace's next version), both come from one scan of those
 * namespaces: on PGlite, 10,000 ids as a parameter cost more than the scan in a fresh process (the
 * database parses them as JSON and looks each one up: 240-340 ms against 190-230 ms before its
 * code is warm), and `listedIn` needed them once more. A card id the scan does not find (a new
 * card, or one whose row lies in another namespace) is still looked up by id. When the namespaces
 * hold many more entities than the package names (a quarter, and at least 64, more; a count that
 * stops there says so), the two reads run apart, so a package never reads the bodies of a bigger
 * workspace's other entities. The scan is not sorted (sorting the rows with their bodies spilled
 * to disk); the rows it lists are sorted here as `listedIn` sorts them, by code point whatever the
 * database's collation (ids are ASCII), so both ways list them in one order.
 */
export async function planRows(db: Sql, ids: string[], namespaces: string[]): Promise<PlanRows> {
  const most = ids.length + Math.max(64, ids.length >> 2);
  const [{ n }] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM entities WHERE namespace = ANY($1::text[]) LIMIT $2) s`, [namespaces, most + 1]);
  if (n > most) return { rows: await getEntities(db, ids), others: await listedIn(db, namespaces, ids) };
  const found = n === 0 ? [] : await db.query<{ r: string }>(
    `SELECT json_build_array(id, type, namespace, code, deleted, hash, app, updated_at, updated_by, job_id, body)::text AS r
     FROM entities WHERE namespace = ANY($1::text[])`, [namespaces]);
  const wanted = new Set(ids);
  const rows = new Map<string, EnvEntity>();
  const others: ListedEntity[] = [];
  for (const { r } of found) {
    const e = entityOfRow(r);
    if (wanted.has(e.id)) rows.set(e.id, e);
    else others.push({ id: e.id, type: e.type, namespace: e.namespace, hash: e.hash, deleted: e.deleted, ...(e.app ? { app: e.app } : {}), ...(typeof e.body.title === 'string' ? { title: e.body.title } : {}) });
  }
  others.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const missing = rows.size === ids.length ? [] : ids.filter((id) => !rows.has(id));
  if (missing.length) for (const [id, e] of await getEntities(db, missing)) rows.set(id, e);
  return { rows, others };
}

/** An earlier import of the same package, or of the same content, as the repeat check names it. */
export interface EarlierImport {
  id: string;
  /** The same file (its SHA-256), not only the same content. */
  sameFile: boolean;
  finishedAt?: string;
}

/**
 * The newest succeeded import under the same code (`as`, null for the package's own) of this
 * file, or else of the same content from another file: found by the two digests' indexes, so a
 * plan costs the same after ten imports as after ten thousand.
 */
export async function earlierImport(db: Sql, o: { sha256: string; content: string; as: string | null }): Promise<EarlierImport | undefined> {
  const rows = await db.query<{ id: string; same_file: boolean; finished_at: string | null }>(
    `SELECT id, package_sha256 = $1 AS same_file, finished_at FROM jobs
     WHERE (package_sha256 = $1 OR content_sha256 = $2) AND kind = 'import' AND status = 'succeeded' AND request->>'as' IS NOT DISTINCT FROM $3
     ORDER BY package_sha256 = $1 DESC, finished_at DESC LIMIT 1`, [o.sha256, o.content, o.as]);
  const r = rows[0];
  return r && { id: r.id, sameFile: r.same_file, ...(r.finished_at ? { finishedAt: r.finished_at } : {}) };
}

/** Whether the environment holds any entity (a fresh one has nothing a plan needs to read). */
export async function holdsEntities(db: Sql): Promise<boolean> {
  return (await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM entities) AS any`))[0].any;
}

export async function entitiesIn(db: Sql, namespaces: string[]): Promise<EnvEntity[]> {
  const rows = await db.query<EntityRow & Record<string, unknown>>(`SELECT * FROM entities WHERE namespace = ANY($1::text[]) ORDER BY id`, [namespaces]);
  return rows.map(toEntity);
}

export async function historyOf(db: Sql, ids: string[]): Promise<History> {
  const out: History = {};
  if (!ids.length) return out;
  const rows = await db.query<{ id: string; hash: string; at: string; of_hash: string | null }>(`SELECT id, hash, at, of_hash FROM entity_history WHERE id = ANY($1::text[]) ORDER BY id, seq`, [ids]);
  for (const r of rows) {
    const e = historyEntry(r.hash, r.at, r.of_hash);
    // By own property: a unit's id is its code, and `constructor` is every object's.
    const list = entriesOf(out, r.id);
    if (list) list.push(e);
    else out[r.id] = [e];
  }
  return out;
}

/** Replaces one entity's history. */
export function writeHistory(tx: Sql, id: string, entries: HistoryEntry[]): Promise<void> {
  return writeHistories(tx, [[id, entries]]);
}

/** Inserts or replaces entity rows from cards, in one statement; `jobId` names the import that wrote them. */
export async function upsertEntities(tx: Sql, cards: readonly Card[], o: { app?: string; at: string; by: string; jobId: string }): Promise<void> {
  await tx.query(
    `INSERT INTO entities (id, type, namespace, code, deleted, hash, body, app, updated_at, updated_by, job_id)
     SELECT c.id, c.type, c.namespace, c.code, c.deleted, c.hash, c.body, $2::text, $3::text, $4::text, $5::text
     FROM jsonb_to_recordset($1::jsonb) AS c(id text, type text, namespace text, code text, deleted boolean, hash text, body jsonb)
     ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, namespace = EXCLUDED.namespace, code = EXCLUDED.code,
       deleted = EXCLUDED.deleted, hash = EXCLUDED.hash, body = EXCLUDED.body, app = COALESCE(EXCLUDED.app, entities.app),
       updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by, job_id = EXCLUDED.job_id`,
    // The namespace column comes from the id, by the same function the rights were decided with.
    [JSON.stringify(cards.map((c) => ({ id: c.id, type: c.type, namespace: namespaceOfId(c.id), code: c.code, deleted: c.deleted === true, hash: c.hash, body: c.body }))),
      o.app ?? null, o.at, o.by, o.jobId],
  );
}

/** Replaces the histories of several entities, in two statements. */
export async function writeHistories(tx: Sql, histories: [string, HistoryEntry[]][]): Promise<void> {
  await tx.query(`DELETE FROM entity_history WHERE id = ANY($1::text[])`, [histories.map(([id]) => id)]);
  const rows = histories.flatMap(([id, entries]) => entries.map((e, i) => ({ id, i, hash: e.hash, at: e.at, of_hash: typeof e.of === 'string' ? e.of : null })));
  if (!rows.length) return;
  await tx.query(`INSERT INTO entity_history (id, seq, hash, at, of_hash) SELECT h.id, h.i, h.hash, h.at, h.of_hash FROM jsonb_to_recordset($1::jsonb) AS h(id text, i int, hash text, at text, of_hash text)`, [JSON.stringify(rows)]);
}

/**
 * Adds a hash at the end of entities' histories unless they hold it already. An export hashes each
 * body afresh (exportCards.ts): when a target's own properties (a workspace's title) changed here,
 * that hash is a version this environment handed out without ever holding it under that hash.
 * Remembered, it is in the history of every later export, so an environment that imported the
 * earlier one finds its version there (an update, not a conflict).
 */
export async function appendHistories(tx: Sql, entries: ({ id: string } & HistoryEntry)[]): Promise<void> {
  if (!entries.length) return;
  // A concurrent import may take the same place in a history: then this entry gives way.
  await tx.query(
    `INSERT INTO entity_history (id, seq, hash, at, of_hash)
     SELECT e.id, coalesce((SELECT max(h.seq) + 1 FROM entity_history h WHERE h.id = e.id), 0), e.hash, e.at, e.of_hash
     FROM jsonb_to_recordset($1::jsonb) AS e(id text, hash text, at text, of_hash text)
     WHERE NOT EXISTS (SELECT 1 FROM entity_history h WHERE h.id = e.id AND h.hash = e.hash)
     ON CONFLICT (id, seq) DO NOTHING`, [JSON.stringify(entries.map((e) => ({ id: e.id, hash: e.hash, at: e.at, of_hash: e.of ?? null })))]);
}

/** Record counts per app. */
export async function recordCounts(db: Sql, apps: string[]): Promise<Map<string, number>> {
  if (!apps.length) return new Map();
  const rows = await db.query<{ app: string; n: number }>(`SELECT app, count(*)::int AS n FROM records WHERE app = ANY($1::text[]) GROUP BY app`, [apps]);
  return new Map(rows.map((r) => [r.app, Number(r.n)]));
}

/** Namespaces the environment holds, with what defines each and how many entities it has. */
export async function listNamespaces(db: Sql): Promise<{ code: string; kind: string; title?: string; entities: number; records: number }[]> {
  const rows = await db.query<{ namespace: string; n: number }>(`SELECT namespace, count(*)::int AS n FROM entities GROUP BY namespace ORDER BY namespace`);
  const units = await db.query<{ code: string; type: string; title: string | null }>(
    `SELECT code, type, body->>'title' AS title FROM entities WHERE type IN ('workspace', 'module', 'solution', 'configuration')`);
  const recs = await db.query<{ ns: string; n: number }>(`SELECT split_part(app, '.', 1) AS ns, count(*)::int AS n FROM records GROUP BY 1`);
  const recordsOf = new Map(recs.map((r) => [r.ns, Number(r.n)]));
  return rows.map((r) => {
    const unit = units.find((u) => u.code === r.namespace && (u.type === 'workspace' || u.type === 'module' || u.type === 'solution'));
    return {
      code: r.namespace,
      kind: unit?.type ?? (r.namespace === 'global' ? 'global objects' : r.namespace === '#orgchart' ? 'org chart' : 'namespace'),
      ...(unit?.title ? { title: unit.title } : {}),
      entities: Number(r.n),
      records: recordsOf.get(r.namespace) ?? 0,
    };
  });
}
