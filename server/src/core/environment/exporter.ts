import { GLOBAL_NAMESPACE, ORG_NAMESPACE, type ManifestKind } from '../manifest/types';
import { FORMAT_VERSION, PACKAGE_FORMAT, STEP_OF, STEPS, type Card, type HistoryEntry } from '../packaging/format';
import type { RecordLines } from '../packaging/dataChunks';
import { writePackage } from '../packaging/writer';
import type { Sql } from './db/database';
import { badRequest, EnvError, notFound } from './errors';
import { exportCaseLines } from './caseClashes';
import { entitiesIn, getSettings, historyOf, toEntity } from './store';
import { exportCard, exportHistory, ownFilePaths } from './exportCards';
import { entriesOf } from '../packaging/history';
import { fileRefs } from '../packaging/fileRefs';
import { DATA_ORDER_NOTE, exportDataOrder } from './recordLinks';
import { solutionMembers } from './writeScope';
import type { EnvEntity, ExportRequest } from './types';

/** What an export request covers, resolved against the environment. */
export interface ExportScope {
  kind: ManifestKind;
  code: string;
  title?: string;
  namespaces: string[];
  entities: EnvEntity[];
  /** Apps (`namespace.app`) whose records the scope may carry. */
  apps: string[];
}

/** Resolves a namespace, app, solution or configuration to the entities it exports. */
export async function resolveExport(db: Sql, r: ExportRequest, mayRead: (namespace: string) => boolean = () => true): Promise<ExportScope> {
  const unit = async (type: string, code: string) => (await db.query(`SELECT * FROM entities WHERE type = $1 AND code = $2`, [type, code])).map((x) => toEntity(x as never))[0];
  const appsIn = async (ns: string[]) => (await db.query<{ app: string }>(`SELECT DISTINCT app FROM records WHERE split_part(app, '.', 1) = ANY($1::text[]) ORDER BY app`, [ns])).map((x) => x.app);
  switch (r.kind) {
    case 'namespace': case 'workspace': case 'module': {
      // A package of either would be refused by every reader (its unit code is no workspace's or
      // module's): said before a job starts, with the package that does carry them.
      if (r.code === GLOBAL_NAMESPACE || r.code === ORG_NAMESPACE) {
        throw badRequest(`namespace \`${r.code}\` holds ${r.code === ORG_NAMESPACE ? 'the org chart' : 'the company\'s global objects'}, which only a configuration package carries: export the configuration instead (kind "configuration", \`isola export --kind configuration\`; the administrator's)`);
      }
      const entities = await entitiesIn(db, [r.code]);
      if (!entities.length) throw notFound(`the environment has no namespace \`${r.code}\``);
      const u = entities.find((e) => (e.type === 'workspace' || e.type === 'module') && e.code === r.code);
      return { kind: (u?.type as ManifestKind) ?? 'workspace', code: r.code, title: str(u?.body.title), namespaces: [r.code], entities, apps: await appsIn([r.code]) };
    }
    case 'app': {
      const found = r.code.includes('.')
        ? (await db.query(`SELECT * FROM entities WHERE type = 'app' AND id = $1`, [r.code]))
        : (await db.query(`SELECT * FROM entities WHERE type = 'app' AND code = $1`, [r.code]));
      // Apps of namespaces the caller may not read are not there for them: a 403 or the list of
      // ids below would say where another owner keeps an app of that code.
      const rows = found.filter((x) => mayRead(String((x as { namespace: unknown }).namespace)));
      if (!rows.length) throw notFound(`the environment has no app \`${r.code}\``);
      if (rows.length > 1) throw badRequest(`\`${r.code}\` names ${rows.length} apps; name one as namespace.app (${rows.map((x) => x.id).join(', ')})`);
      const app = toEntity(rows[0] as never);
      const entities = (await entitiesIn(db, [app.namespace])).filter((e) => e.id === app.id || e.app === app.id || e.id === `${app.id}.permissions`);
      return { kind: 'app', code: app.code, title: str(app.body.title), namespaces: [app.namespace], entities, apps: (await appsIn([app.namespace])).filter((a) => a === app.id) };
    }
    case 'solution': {
      const s = await unit('solution', r.code);
      if (!s) throw notFound(`the environment has no solution \`${r.code}\``);
      // The members an import of the solution may write, no more (writeScope.ts).
      const namespaces = [...new Set([r.code, ...solutionMembers(s.body)])];
      return { kind: 'solution', code: r.code, title: str(s.body.title), namespaces, entities: await entitiesIn(db, namespaces), apps: await appsIn(namespaces) };
    }
    case 'configuration': {
      const all = (await db.query(`SELECT * FROM entities ORDER BY id`)).map((x) => toEntity(x as never));
      const c = all.find((e) => e.type === 'configuration');
      const namespaces = [...new Set(all.map((e) => e.namespace))].sort();
      return { kind: 'configuration', code: c?.code ?? r.code, title: str(c?.body.title), namespaces, entities: all, apps: (await db.query<{ app: string }>(`SELECT DISTINCT app FROM records ORDER BY app`)).map((x) => x.app) };
    }
    default:
      throw badRequest(`cannot export a "${String((r as { kind: unknown }).kind)}"; export a namespace, app, solution or configuration`);
  }
}

/**
 * The `namespace.app` a data app of an export request names: itself when the scope has records
 * of it by that name, else the one app of the scope with records whose code it is (a bare code, as
 * `isola build --data` and an import's choice take it). Ambiguous is 400; an app the scope has no
 * records of is returned as named, for the caller's refusal that lists the apps with records.
 */
export function dataAppOf(scope: Pick<ExportScope, 'apps'>, app: string): string {
  if (scope.apps.includes(app) || app.includes('.')) return app;
  const matches = scope.apps.filter((a) => a.slice(a.indexOf('.') + 1) === app);
  if (matches.length > 1) throw badRequest(`"data": app \`${app}\` is ambiguous (${matches.join(', ')}); name one as namespace.app`);
  return matches[0] ?? app;
}

/** Records of one app as JSONL lines, read in pages by id so memory stays bounded. */
function recordLines(db: Sql, app: string): RecordLines {
  let closed = false;
  async function* lines() {
    let after = '';
    for (;;) {
      const page = await db.query<{ id: string; body: string }>(`SELECT id, body::text AS body FROM records WHERE app = $1 AND id > $2 ORDER BY id LIMIT 5000`, [app, after]);
      for (const r of page) yield r.body;
      if (page.length < 5000 || closed) return;
      after = page[page.length - 1].id;
    }
  }
  return { lines: lines(), label: `environment records of ${app}`, close: () => { closed = true; } };
}

/** Writes an export package from the environment (spec §5): its cards, sources, chosen data and history. */
export async function writeExport(db: Sql, scope: ExportScope, r: ExportRequest, o: { out: string; envName: string; by: string; now: string; tool: { name: string; version: string }; signal: AbortSignal; onRecords?: (n: number) => void }): Promise<ExportWritten> {
  const settings = await getSettings(db);
  const design = r.design ?? 'all';
  const dataOpt = r.data ?? 'none';
  // An app named twice is exported, and listed in the descriptor's options, once.
  const apps = dataOpt === 'all' ? scope.apps : Array.isArray(dataOpt) ? [...new Set(dataOpt.map((a) => dataAppOf(scope, a)))] : [];
  const unknown = apps.filter((a) => !scope.apps.includes(a));
  if (unknown.length) throw badRequest(`no records of ${unknown.join(', ')} in ${scope.kind} \`${scope.code}\` (apps with records: ${scope.apps.join(', ') || 'none'})`);
  // As `isola build` does: records named by other records come first, so an import takes one pass.
  const order = exportDataOrder(apps, scope.entities);
  // Without setting values and deleted sub-entities (exportCards.ts).
  const cards: Card[] = design === 'all' ? ownFilePaths(scope.entities.map(exportCard)) : [];
  // Entities from before imports were checked for it may name files that differ only in letter
  // case: the package would be one its own reader refuses, so it is not written.
  const twins = exportCaseLines(cards);
  if (twins.length) {
    throw new EnvError(422, `${scope.kind} \`${scope.code}\` cannot be exported: ${twins.length} pair(s) of names differ only in letter case, and a package keeps one file per name, as case-insensitive file systems compare names; nothing was exported: ${twins.join('; ')}`, 'letter-case', twins);
  }
  const refs = new Map<string, string>();
  for (const c of cards) for (const r of fileRefs(c.body)) refs.set(r.file, r.sha256);
  const files: { path: string; data: Buffer }[] = [];
  for (const [path, sha] of refs) {
    const [row] = await db.query<{ content: Uint8Array }>(`SELECT content FROM files WHERE sha256 = $1`, [sha]);
    if (row) files.push({ path, data: Buffer.from(row.content) });
  }
  const unitBody = scope.entities.find((e) => e.code === scope.code && e.type === scope.kind)?.body ?? {};
  const known = design === 'all' ? await historyOf(db, cards.map((c) => c.id)) : {};
  const versions = new Map(scope.entities.map((e) => [e.id, e.hash]));
  const history = design === 'all' ? exportHistory(known, cards, o.now, versions) : {};
  // The entries exportHistory added (with their `of`), for appendHistories.
  const handedOut = cards.filter((c) => !entriesOf(known, c.id)?.some((h) => h.hash === c.hash)).map((c) => ({ id: c.id, ...entriesOf(history, c.id)!.at(-1)! }));
  let bytes = 0;
  const { size, descriptor } = await writePackage({
    out: o.out,
    cards,
    files,
    data: order.map((app) => ({ app, source: recordLines(db, app) })),
    signal: o.signal,
    onData: (n) => {
      bytes += n;
      o.onRecords?.(bytes);
    },
    descriptor: {
      format: PACKAGE_FORMAT,
      formatVersion: FORMAT_VERSION,
      kind: scope.kind,
      code: scope.code,
      title: r.title ?? scope.title,
      comment: r.comment,
      version: str(unitBody.version),
      platform: str(unitBody.platform) ?? settings.platform,
      languages: settings.languages.length ? settings.languages : undefined,
      options: { design, data: dataOpt === 'all' ? 'all' : apps.length ? apps : 'none', ...(apps.length ? { dataOrder: order, dataOrderNote: DATA_ORDER_NOTE } : {}) },
      createdAt: o.now,
      createdBy: o.by,
      source: `environment ${o.envName}`,
      tool: o.tool,
      history,
    },
  });
  return {
    size, cards: cards.length, records: descriptor.data.reduce((n, d) => n + d.records, 0),
    lines: [...exportedLines(cards), ...descriptor.data.map((d) => `data ${d.app}: ${d.records} record(s) exported`)],
    handedOut,
  };
}

/** What an export wrote, with its log: one line per design card and one per data app. */
export interface ExportWritten {
  size: number;
  cards: number;
  records: number;
  /** `STEP: ID exported` per card in import-step order (Protogrid: a log line per exported design card), then `data APP: N record(s) exported`. */
  lines: string[];
  /** Cards whose hash the environment's history lacks (exportCards.ts), for `appendHistories` once the package is written. */
  handedOut: ({ id: string } & HistoryEntry)[];
}

function exportedLines(cards: readonly Card[]): string[] {
  const byStep = new Map<string, string[]>();
  for (const c of cards) {
    const step = STEP_OF[c.type] ?? 'apps';
    const line = `${step}: ${c.id} exported${c.deleted ? ' (deleted)' : ''}`;
    const list = byStep.get(step);
    if (list) list.push(line);
    else byStep.set(step, [line]);
  }
  return STEPS.flatMap((step) => byStep.get(step) ?? []);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
