/**
 * The database's own pace for the rows of the import benchmark's data package, measured in the
 * same run as the import so that the two compare on the same machine load: the package's records
 * loaded, in one transaction, into a table shaped as the environment's `records` (key `app, id`,
 * jsonb body), by
 * - `copy`: PostgreSQL's `COPY ... FROM STDIN` streaming a prepared file (pg-copy-streams), and
 *   PGlite's `COPY ... FROM '/dev/blob'` with the same file in 16 MB blobs;
 * - `insert`: multi-row `INSERT ... VALUES` of 1,000 rows per statement, rows read from that file.
 * Only the load and its commit are timed: the file is written once (bench/.work), the database is
 * opened (PGlite) or the schema created (PostgreSQL) before the clock starts.
 *
 * Run by bench/import.ts, one fresh child process per measurement (`--floor-child`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PackageReader } from '../server/src/core/packaging/reader';

export type FloorMethod = 'copy' | 'insert';
export interface FloorPlace {
  dataDir: string;
  databaseUrl?: string;
}

const TABLE = `CREATE TABLE records (app text NOT NULL, id text NOT NULL, body jsonb NOT NULL, PRIMARY KEY (app, id))`;
const INSERT_ROWS = 1000;
const BLOB_BYTES = 16 * 2 ** 20;

const escape = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
const unescape = (s: string) => s.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c);

/** The package's records as COPY text (`app, id, body`), written once next to the package. */
export async function floorFile(pkgFile: string): Promise<string> {
  const out = `${pkgFile}.copy.tsv`;
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs > fs.statSync(pkgFile).mtimeMs) return out;
  const reader = await PackageReader.open(pkgFile);
  const file = fs.createWriteStream(`${out}.partial`);
  try {
    for (const d of reader.descriptor.data) {
      let text = '';
      for await (const rec of reader.records(d.app)) {
        text += `${escape(d.app)}\t${escape(String(rec.id))}\t${escape(JSON.stringify(rec))}\n`;
        if (text.length > 1e6) {
          if (!file.write(text)) await new Promise<void>((r) => file.once('drain', () => r()));
          text = '';
        }
      }
      file.write(text);
    }
  } finally {
    reader.close();
  }
  await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
  fs.renameSync(`${out}.partial`, out);
  return out;
}

/** Lines of the file in pieces of about `bytes`, each ending at a line's end. */
async function* pieces(file: string, bytes: number): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const b of fs.createReadStream(file, { highWaterMark: bytes }) as AsyncIterable<Buffer>) {
    const all = rest.length ? Buffer.concat([rest, b]) : b;
    const end = all.lastIndexOf(10) + 1;
    if (end) yield all.subarray(0, end);
    rest = all.subarray(end);
  }
  if (rest.length) yield rest;
}

async function* rowsOf(file: string): AsyncGenerator<[string, string, string]> {
  for await (const line of createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    const [app, id, body] = line.split('\t');
    yield [unescape(app), unescape(id), unescape(body)];
  }
}

const insertText = (n: number) => `INSERT INTO records (app, id, body) VALUES ${Array.from({ length: n }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ')}`;

/** Loads the file by `method` and returns the milliseconds the load and its commit took. */
async function load(place: FloorPlace, file: string, method: FloorMethod): Promise<number> {
  type Runner = { query(text: string, params?: unknown[]): Promise<unknown>; copy(stream: AsyncIterable<Buffer>): Promise<void>; close(): Promise<void> };
  let db: Runner;
  if (place.databaseUrl) {
    const { Client } = await import('pg');
    const { from } = await import('pg-copy-streams');
    const u = new URL(place.databaseUrl);
    const schema = u.searchParams.get('schema')!;
    u.searchParams.delete('schema');
    const c = new Client({ connectionString: u.toString() });
    await c.connect();
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path = ${schema}`);
    db = {
      query: (text, params) => c.query(text, params),
      copy: (s) => pipeline(Readable.from(s), c.query(from(`COPY records FROM STDIN`))),
      close: () => c.end(),
    };
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    // PGlite makes its own folder, not the ones above it (a fresh place is only a name).
    fs.mkdirSync(place.dataDir, { recursive: true });
    const p = await PGlite.create(path.join(place.dataDir, 'floor-db'));
    db = {
      query: (text, params) => p.query(text, params),
      copy: async (s) => {
        for await (const b of s) await p.query(`COPY records FROM '/dev/blob'`, [], { blob: new Blob([b]) });
      },
      close: () => p.close(),
    };
  }
  try {
    await db.query(TABLE);
    const t = performance.now();
    await db.query('BEGIN');
    if (method === 'copy') {
      await db.copy(pieces(file, place.databaseUrl ? 2 ** 20 : BLOB_BYTES));
    } else {
      let params: string[] = [];
      for await (const row of rowsOf(file)) {
        params.push(...row);
        if (params.length === 3 * INSERT_ROWS) {
          await db.query(insertText(INSERT_ROWS), params);
          params = [];
        }
      }
      if (params.length) await db.query(insertText(params.length / 3), params);
    }
    await db.query('COMMIT');
    return performance.now() - t;
  } finally {
    await db.close();
  }
}

/** One measurement in a fresh child process (as the import itself runs). */
export function measureFloor(place: FloorPlace, file: string, method: FloorMethod): number {
  const r = spawnSync(process.execPath, [__filename, '--floor-child', JSON.stringify({ place, file, method })], { encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.status !== 0) throw new Error(`floor child failed (${r.status ?? r.signal}): ${r.stderr}`);
  return Number(r.stdout.trim().split('\n').pop());
}

if (require.main === module) {
  const i = process.argv.indexOf('--floor-child');
  const a = JSON.parse(process.argv[i + 1]) as { place: FloorPlace; file: string; method: FloorMethod };
  load(a.place, a.file, a.method).then(
    (ms) => process.stdout.write(`${Math.round(ms)}\n`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
