import type { Database } from './database';

/** The schema version this build writes; older databases are migrated forward on open. */
export const SCHEMA_VERSION = 4;

/**
 * Tables of an environment. Times are ISO 8601 text (sortable, and read back the same way by
 * PGlite and by node-postgres); bodies are jsonb.
 */
const V1 = `
CREATE TABLE IF NOT EXISTS isola_meta (key text PRIMARY KEY, value jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id serial PRIMARY KEY, name text NOT NULL UNIQUE, token_sha256 text NOT NULL UNIQUE,
  admin boolean NOT NULL DEFAULT false, created_at text NOT NULL);
CREATE TABLE IF NOT EXISTS owners (
  user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE, namespace text NOT NULL,
  PRIMARY KEY (user_id, namespace));
CREATE TABLE IF NOT EXISTS entities (
  id text PRIMARY KEY, type text NOT NULL, namespace text NOT NULL, code text NOT NULL,
  deleted boolean NOT NULL, hash text NOT NULL, body jsonb NOT NULL, app text,
  updated_at text NOT NULL, updated_by text NOT NULL, job_id text);
CREATE INDEX IF NOT EXISTS entities_namespace ON entities (namespace);
CREATE TABLE IF NOT EXISTS entity_history (
  id text NOT NULL, seq int NOT NULL, hash text NOT NULL, at text NOT NULL, PRIMARY KEY (id, seq));
CREATE TABLE IF NOT EXISTS files (sha256 text PRIMARY KEY, content bytea NOT NULL);
CREATE TABLE IF NOT EXISTS records (app text NOT NULL, id text NOT NULL, body jsonb NOT NULL, PRIMARY KEY (app, id));
CREATE TABLE IF NOT EXISTS jobs (
  id text PRIMARY KEY, kind text NOT NULL, status text NOT NULL, step text NOT NULL, progress real NOT NULL,
  namespaces jsonb NOT NULL, package_code text, package_sha256 text, request jsonb NOT NULL,
  plan jsonb, result jsonb, error text, created_by text NOT NULL, created_at text NOT NULL,
  finished_at text, backup_id text);
CREATE TABLE IF NOT EXISTS job_log (job_id text NOT NULL, seq int NOT NULL, at text NOT NULL, level text NOT NULL,
  line text NOT NULL, PRIMARY KEY (job_id, seq));
CREATE TABLE IF NOT EXISTS packages (
  id text PRIMARY KEY, sha256 text NOT NULL, file text NOT NULL, size bigint NOT NULL, kind text NOT NULL, code text NOT NULL,
  namespaces jsonb NOT NULL, origin text NOT NULL, created_by text NOT NULL, created_at text NOT NULL);
CREATE TABLE IF NOT EXISTS backups (
  id text PRIMARY KEY, job_id text NOT NULL, created_at text NOT NULL, created_by text NOT NULL,
  namespaces jsonb NOT NULL, entities int NOT NULL, records int NOT NULL, restored_at text, restored_by text);
CREATE TABLE IF NOT EXISTS backup_entities (
  backup_id text NOT NULL, id text NOT NULL, row jsonb, history jsonb NOT NULL, PRIMARY KEY (backup_id, id));
CREATE TABLE IF NOT EXISTS backup_records (
  backup_id text NOT NULL, app text NOT NULL, id text NOT NULL, body jsonb, PRIMARY KEY (backup_id, app, id));
`;

/**
 * Version 2: an import no longer writes a backup row for every record it creates. A record
 * remembers the backup of the import that created it (`created_in`; restoring that backup removes
 * it), the backup keeps how many it created per app, and a backed-up record keeps its own
 * `created_in` so that a restore puts back exactly that too.
 */
const V2 = `
ALTER TABLE records ADD COLUMN IF NOT EXISTS created_in text;
ALTER TABLE backup_records ADD COLUMN IF NOT EXISTS created_in text;
ALTER TABLE backups ADD COLUMN IF NOT EXISTS created_records jsonb;
`;

/**
 * Version 3: an import job keeps its plan's content digest in a column of its own. Every plan asks
 * whether the same content was imported before; read out of each past plan's jsonb, that
 * decompressed every earlier plan (about 0.8 MB for 10,000 cards), so plans grew slower with
 * every import. Jobs written before keep their digest too: it is copied out of their plans once.
 */
const V3 = `
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS content_sha256 text;
UPDATE jobs SET content_sha256 = plan->'package'->>'contentSha256' WHERE kind = 'import' AND plan IS NOT NULL AND content_sha256 IS NULL;
CREATE INDEX IF NOT EXISTS jobs_package_sha256 ON jobs (package_sha256);
CREATE INDEX IF NOT EXISTS jobs_content_sha256 ON jobs (content_sha256);
`;

/**
 * Version 4: a history entry may say which version an exported hash carries (`of`; exportCards.ts),
 * so an environment holding an export's hash is known to hold that version of the design.
 */
const V4 = `
ALTER TABLE entity_history ADD COLUMN IF NOT EXISTS of_hash text;
`;

/** Creates or upgrades the tables; safe to run on every open. */
export async function migrate(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(V1);
    const rows = await tx.query<{ value: number }>(`SELECT value FROM isola_meta WHERE key = 'schemaVersion'`);
    const current = rows[0]?.value ?? 0;
    if (current > SCHEMA_VERSION) throw new Error(`the environment's database has schema version ${current}, newer than this Isola knows (${SCHEMA_VERSION}); update Isola`);
    if (current < 2) await tx.exec(V2);
    if (current < 3) await tx.exec(V3);
    if (current < 4) await tx.exec(V4);
    if (current < SCHEMA_VERSION) {
      await tx.query(`INSERT INTO isola_meta (key, value) VALUES ('schemaVersion', $1) ON CONFLICT (key) DO UPDATE SET value = $1`, [JSON.stringify(SCHEMA_VERSION)]);
    }
  });
}
