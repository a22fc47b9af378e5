import type { Sql } from './db/database';
import { EnvError } from './errors';
import type { PackageView } from './packageView';
import { parseRecordLine, recordProblem, recordWhere, repeatedRecord } from '../packaging/reader';
import { RecordIds, recordKey } from '../manifest/dataScan';
import { scanRecord } from '../packaging/recordScan';

/** Rows per string handed to COPY: large enough that per-chunk costs vanish, small enough to report progress often. */
const COPY_CHUNK_ROWS = 1000;
/**
 * Rows staged and merged per statement: on PGlite every statement holds the service's only thread
 * (status requests wait for it), so its pieces stay short; a server works in its own process.
 */
const PIECE_ROWS = { embedded: 10_000, server: 200_000 };

/** What importing one app's records did. */
export interface RecordCounts {
  app: string;
  /** Records the package carries (lines with an id). */
  written: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface RecordImportOptions {
  /** The import's backup: the mark of the records it creates, and where the ones it changes are kept. */
  backupId: string;
  log(level: 'error', line: string): void;
  /** Called per chunk of records read (negative when a second pass starts over). */
  onRecords(n: number): void;
  /** Throws when the import was cancelled. */
  cancelled(): void;
}

/** SQLSTATE of a row whose key a row of the same COPY has: an id the package carries twice. */
const UNIQUE_VIOLATION = '23505';

/**
 * Imports one app's records in bulk, inside the import's transaction (all or nothing with it).
 *
 * Rows travel by `COPY` (the database's own bulk path), never as statement parameters. Into an
 * app that has no records yet they are copied straight into `records`, each marked with the
 * import's backup (restoring it removes what the import created: the backup holds no row for
 * them). Otherwise they are copied, piece by piece, into a temporary table, the records they change
 * are backed up as they were, and one statement per piece merges them: the package's values win,
 * values it lacks stay (an update deletes nothing), and a record that would not change is not
 * rewritten. A package that carries an id twice (as the environment keys records: 1 and "1" are
 * one) fails the import as it reads the second one: keeping either would drop the other unsaid.
 */
export async function importRecords(tx: Sql, view: PackageView, source: string, target: string, o: RecordImportOptions, embedded: boolean): Promise<RecordCounts> {
  const [{ has }] = await tx.query<{ has: boolean }>(`SELECT EXISTS (SELECT 1 FROM records WHERE app = $1) AS has`, [target]);
  if (!has) {
    // The table's key refuses an id carried twice here, at no cost to the rows that are not: the
    // plan's `ids` check has said so already, and this refusal stands for a plan that did not.
    const read = lineReader(view, source, target, o, (id) => `${copyText(target)}\t${id}\t`, Buffer.from(`\t${copyText(o.backupId)}\n`), false);
    try {
      await tx.copyFrom('records (app, id, body, created_in)', read.chunks());
    } catch (e) {
      if ((e as { code?: unknown })?.code !== UNIQUE_VIOLATION) throw e;
      const id = /\(app, id\)=\(.*?, (.*)\) already exists/s.exec(String((e as { detail?: unknown }).detail ?? ''))?.[1];
      const why = `data ${target}: the package carries ${id === undefined ? 'an id' : `the id ${JSON.stringify(id.slice(0, 200))}`} twice (an environment compares ids as text: 1, 1.0 and "1" are one); nothing was imported`;
      o.log('error', why);
      throw new EnvError(422, why, 'bad-package');
    }
    read.finish();
    return { app: target, written: read.written, created: read.written, updated: 0, unchanged: 0 };
  }
  return staged(tx, view, source, target, o, embedded);
}

async function staged(tx: Sql, view: PackageView, source: string, target: string, o: RecordImportOptions, embedded: boolean): Promise<RecordCounts> {
  // Temporary: no WAL, no index, gone with the transaction (and with a killed server's session).
  await tx.exec(`DROP TABLE IF EXISTS pg_temp.isola_stage; CREATE TEMP TABLE isola_stage (id text NOT NULL, body jsonb NOT NULL) ON COMMIT DROP`);
  const read = lineReader(view, source, target, o, (id) => `${id}\t`, Buffer.from('\n'));
  const lines = read.chunks();
  const pieceChunks = Math.ceil((embedded ? PIECE_ROWS.embedded : PIECE_ROWS.server) / COPY_CHUNK_ROWS);
  let created = 0;
  let updated = 0;
  try {
    for (let more = true; more;) {
      const before = read.written;
      const piece = async function* () {
        for (let i = 0; i < pieceChunks; i++) {
          const r = await lines.next();
          if (r.done) {
            more = false;
            return;
          }
          yield r.value;
        }
      };
      await tx.copyFrom('isola_stage (id, body)', piece());
      if (read.written === before) break;
      const w = await mergeStage(tx, target, o.backupId, read.written - before);
      created += w.created;
      updated += w.updated;
      await tx.exec('TRUNCATE isola_stage');
    }
  } finally {
    await lines.return(undefined); // closes the package's data stream when a statement failed
  }
  read.finish();
  return { app: target, written: read.written, created, updated, unchanged: Math.max(0, read.written - created - updated) };
}

/** Backs up what the staged rows change, then merges them into `records` in one statement. */
async function mergeStage(tx: Sql, target: string, backupId: string, rows: number): Promise<{ created: number; updated: number }> {
  // Without statistics the planner takes the table for a few rows and joins it row by row.
  if (rows > 50_000) await tx.exec('ANALYZE isola_stage');
  // Only what the merge below changes, as it was: restoring the backup puts exactly that back.
  // (Every id comes once: lineReader refuses a package that carries one twice.)
  await tx.query(
    `INSERT INTO backup_records (backup_id, app, id, body, created_in)
     SELECT $1, $2, r.id, r.body, r.created_in FROM isola_stage s JOIN records r ON r.app = $2 AND r.id = s.id
     WHERE r.body IS DISTINCT FROM r.body || s.body AND r.created_in IS DISTINCT FROM $1 ON CONFLICT DO NOTHING`, [backupId, target]);
  const [w] = await tx.query<{ created: number; updated: number }>(
    `WITH w AS (INSERT INTO records (app, id, body, created_in) SELECT $1, id, body, $2 FROM isola_stage
       ON CONFLICT (app, id) DO UPDATE SET body = records.body || EXCLUDED.body WHERE records.body IS DISTINCT FROM records.body || EXCLUDED.body
       RETURNING (xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM w`, [target, backupId]);
  return { created: Number(w.created), updated: Number(w.updated) };
}

/**
 * Reads an app's records from the package (every chunk verified against the index as it streams)
 * and yields them as COPY text, `COPY_CHUNK_ROWS` lines at a time. A line is sent as the package
 * stores it when a scan of its bytes accepts it (recordScan.ts: nearly every line; parsing and
 * writing each record out again was most of the import's CPU); any other line is parsed, refused
 * as before when the package is at fault, and then sent as it is stored too. A line that is
 * not an object with a string or number `id` is logged and left out; `finish()` then fails the import.
 * A line whose key (`recordKey`) an earlier line has fails it at once (with `keepIds`; otherwise
 * the table's key refuses it).
 */
function lineReader(view: PackageView, source: string, target: string, o: RecordImportOptions, row: (id: string) => string, rowEnd: Buffer, keepIds = true) {
  const failed: number[] = [];
  const chunkNames = view.descriptor.data.find((d) => d.app === source)?.chunks ?? [];
  // Not kept where the table's key refuses a repeated id itself: a million ids cost a Map of them.
  const ids = keepIds ? new RecordIds() : undefined;
  const state = {
    written: 0,
    async *chunks(): AsyncGenerator<Buffer> {
      let parts: Buffer[] = [];
      let n = 0;
      for await (const batch of view.reader.recordLines(source)) {
        const c = ids ? chunkNames.indexOf(batch.chunk) : -1;
        for (let k = 0; k < batch.lines.length; k++) {
          const raw = batch.lines[k];
          if (raw.length === 0) continue;
          const scanned = scanRecord(raw);
          let id: string;
          let body: Buffer;
          if (scanned) {
            id = scanned.id;
            // Raw JSON holds a backslash only in escapes and a tab only as space; COPY reads both as escapes.
            body = raw.indexOf(BACKSLASH) === -1 && raw.indexOf(TAB) === -1 ? raw : Buffer.from(copyText(raw.toString('utf8')), 'utf8');
          } else {
            const rec = parseRecordLine(raw, batch.first + k, batch.chunk);
            const why = recordProblem(rec);
            if (why) {
              if (failed.length < 100) o.log('error', `data ${target}: ${batch.chunk}: line ${batch.first + k}: ${why}; not imported`);
              failed.push(batch.first + k);
              continue;
            }
            id = recordKey((rec as { id: string | number }).id);
            // The line as the package stores it, as for a scanned one: written out again by
            // JSON.stringify, a number would go through a double (12345678901234567891 became
            // 12345678901234567000, 1e400 null). A number the database cannot hold fails the
            // import whole, with its message, rather than being changed.
            body = Buffer.from(copyText(raw.toString('utf8')), 'utf8');
          }
          const earlier = ids?.repeated(id, recordWhere(c, batch.first + k));
          if (earlier !== undefined) {
            const why = `data ${target}: ${batch.chunk}: ${repeatedRecord(chunkNames, c, batch.first + k, id, earlier)}; nothing was imported`;
            o.log('error', why);
            throw new EnvError(422, why, 'bad-package');
          }
          parts.push(Buffer.from(row(copyText(id)), 'utf8'), body, rowEnd);
          if (++n >= COPY_CHUNK_ROWS) {
            yield Buffer.concat(parts);
            state.written += n;
            o.onRecords(n);
            o.cancelled();
            parts = [];
            n = 0;
          }
        }
      }
      if (n) {
        yield Buffer.concat(parts);
        state.written += n;
        o.onRecords(n);
      }
    },
    finish() {
      if (failed.length) throw new EnvError(422, `${failed.length} record(s) of ${target} could not be imported; see the log`, 'bad-records');
      // The plan said the descriptor's count; an import that wrote another number would not be the one confirmed.
      const said = view.descriptor.data.find((d) => d.app === source)?.records;
      if (said !== undefined && said !== state.written) {
        throw new EnvError(422, `the package's data of ${source} holds ${state.written} record(s), not the ${said} its descriptor says; nothing was imported`, 'bad-package');
      }
    },
  };
  return state;
}

const BACKSLASH = 0x5c;
const TAB = 0x09;
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(s: string): string {
  return COPY_SPECIAL.test(s) ? s.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : s;
}
