import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, Row, Sql } from './database';

/**
 * Connects to a PostgreSQL server. A `schema` query parameter in the URL (not a PostgreSQL one)
 * puts Isola's tables in that schema, created when missing, so several environments or test
 * runs can share one database.
 */
export async function openPostgres(url: string): Promise<Database> {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema "${schema}" must be a lower-case SQL name`);
  const pool = new Pool({ connectionString: u.toString(), max: 8, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  pool.on('error', () => undefined); // an idle client's error resurfaces on its next query
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const wrap = (c: Pool | PoolClient): Sql => ({
    async query<T extends Row>(text: string, params?: unknown[]) {
      return (await c.query(text, params)).rows as T[];
    },
    async exec(text: string) {
      await c.query(text);
    },
    async copyFrom(target: string, data: AsyncIterable<string | Buffer>) {
      const client = c instanceof Pool ? await c.connect() : c;
      try {
        // A failed or abandoned source destroys the COPY stream, which sends CopyFail: the server
        // rolls the COPY back and the connection stays usable for the transaction's ROLLBACK.
        await pipeline(Readable.from(data), client.query(copyFrom(`COPY ${target} FROM STDIN`)));
      } finally {
        if (client !== c) (client as PoolClient).release();
      }
    },
  });
  const base = wrap(pool);
  return {
    kind: 'postgres',
    serialised: false,
    query: base.query,
    exec: base.exec,
    copyFrom: base.copyFrom,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const r = await fn(wrap(client));
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
