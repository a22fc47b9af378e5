import * as path from 'node:path';
import type { Database } from './database';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { redactUrl } from './redact';
import { migrate } from './schema';

/**
 * Opens an environment's database: PostgreSQL when `url` is a `postgres://` or `postgresql://`
 * URL, otherwise the embedded one in `<dataDir>/db` (in memory when neither is given). `onStop`
 * hears of an embedded database that stopped after a crash (pgliteCrash.ts).
 */
export async function openDatabase(o: { url?: string; dataDir?: string; onStop?: (e: Error) => void }): Promise<Database> {
  let db: Database;
  if (o.url) {
    // Quoted without its password: errors end up in terminals, logs and CI output.
    if (!/^postgres(ql)?:\/\//.test(o.url)) throw new Error(`--database must be a postgres:// URL (got "${redactUrl(o.url)}")`);
    db = await openPostgres(o.url);
  } else {
    db = await openPglite(o.dataDir ? path.join(o.dataDir, 'db') : undefined, o.onStop);
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return db;
}
