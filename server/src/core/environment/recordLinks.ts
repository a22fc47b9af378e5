import type { Catalog } from '../catalog/catalog';
import type { Card } from '../packaging/format';
import { orderByDependencies } from '../packaging/dataOrder';
import type { Sql } from './db/database';
import type { PackageView } from './packageView';
import { getEntities } from './store';
import { parseRecordLine } from '../packaging/reader';
import { scanRecord, wantedFields } from '../packaging/recordScan';
import type { ImportCheck } from './types';
import { checkSaying } from './said';

/** An app-type field of an app: its records name records of `target` by id in `field`. */
export interface RecordLink {
  /** The app whose records hold the field (`namespace.app`). */
  app: string;
  field: string;
  /** The app the field points to (`namespace.app`). */
  target: string;
}

/**
 * The app-type fields of app cards, as the builder's data order reads them from manifests: a
 * field's `app` is a bare code of the card's namespace or `namespace.app`. Given the catalog,
 * built-in apps are left out: their records are the target's own and never travel in a package.
 */
export function recordLinks(cards: Iterable<Card>, catalog?: Catalog): RecordLink[] {
  const out: RecordLink[] = [];
  for (const c of cards) {
    if (c.type !== 'app' || !Array.isArray(c.body.fields)) continue;
    for (const f of c.body.fields as Record<string, unknown>[]) {
      if (typeof f !== 'object' || f === null || typeof f.app !== 'string' || typeof f.code !== 'string') continue;
      const target = f.app.includes('.') ? f.app : `${c.namespace}.${f.app}`;
      if (catalog?.namespaces.has(target.slice(0, target.indexOf('.')))) continue;
      out.push({ app: c.id, field: f.code, target });
    }
  }
  return out;
}

/**
 * The order an export writes data in (spec §4, as `isola build` does): apps whose records are
 * named by other apps' records first, so an import writes every record after those it names.
 */
export function exportDataOrder(apps: string[], cards: Iterable<Card>): string[] {
  const wanted = new Set(apps);
  const deps = new Map<string, Set<string>>(apps.map((a) => [a, new Set()]));
  for (const l of recordLinks(cards)) {
    if (l.app !== l.target && wanted.has(l.app) && wanted.has(l.target)) deps.get(l.app)!.add(l.target);
  }
  return orderByDependencies(apps, deps);
}

/** Why the data is in this order, for the person reading the descriptor (the builder's words). */
export const DATA_ORDER_NOTE = 'Isola orders data so that records referenced by app fields are imported before the records that reference them.';

/** Lines of dangling references listed in a plan; the count says how many there are in all. */
const LISTED = 100;

/** The ids a record's app-type field names: an id, `{ id }`, or a list of either. */
function namedIds(v: unknown): string[] {
  if (typeof v === 'string' || typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.flatMap((x) => (Array.isArray(x) ? [] : namedIds(x)));
  if (typeof v === 'object' && v !== null) {
    const id = (v as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return [String(id)];
  }
  return [];
}

/** One record as the links check reads it. */
interface LinkedRecord {
  /** The id, when it is a string or a number (as a string). */
  id?: string;
  /** The id as the record has it, whatever it is (for messages). */
  idValue?: unknown;
  /** A field's value. */
  value(field: string): unknown;
}

/**
 * The records of an app in the package, with only what the links check needs: a scan of each
 * line's bytes (recordScan.ts) gives the id and the raw JSON of `fields`, which alone are parsed;
 * a line the scan cannot take is parsed whole. Objects only: anything else names nothing.
 */
async function* linkFields(view: PackageView, app: string, fields: string[], signal?: AbortSignal): AsyncGenerator<LinkedRecord> {
  const want = wantedFields(fields);
  for await (const batch of view.reader.recordLines(app)) {
    signal?.throwIfAborted();
    for (let k = 0; k < batch.lines.length; k++) {
      const raw = batch.lines[k];
      const scanned = scanRecord(raw, want);
      if (scanned) {
        const f = scanned.fields;
        yield { id: scanned.id, idValue: scanned.id, value: (name) => { const v = f?.get(name); return v && JSON.parse(v.toString('utf8')); } };
        continue;
      }
      const r = parseRecordLine(raw, batch.first + k, batch.chunk) as Record<string, unknown> | undefined;
      if (!r || typeof r !== 'object') continue;
      const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : undefined;
      yield { id, idValue: r.id, value: (name) => r[name] };
    }
  }
}

/**
 * The plan's `records` check (Protogrid 3.1: "selected data cards must not contain relations to
 * data cards that do not exist or will not exist in the target app"): every record of the package
 * that names, through an app-type field, a record that is neither in the package nor in the
 * environment. A warning, never a refusal: the record still imports, its reference points nowhere.
 * Only apps linked to other apps are read, and a package whose records cannot be read is left to
 * the import, which reports that record by record. An aborted `signal` rejects with its reason.
 */
export async function recordsCheck(view: PackageView, db: Sql, catalog: Catalog, mayRead: (namespace: string) => boolean = () => true, signal?: AbortSignal): Promise<ImportCheck> {
  const name = 'records';
  if (!view.dataApps.size) return checkSaying(name, true, 'plan.records.none');
  const apps = [...view.dataApps.keys()];
  // A data-only package names its apps' fields through the environment's cards.
  const carried = new Map(view.cards.filter((c) => c.type === 'app').map((c) => [c.id, c]));
  const missing = apps.filter((a) => !carried.has(a));
  const cards = [...carried.values(), ...(await getEntities(db, missing)).values()];
  const links = recordLinks(cards, catalog).filter((l) => view.dataApps.has(l.app));
  if (!links.length) return checkSaying(name, true, 'plan.records.noLinks');

  try {
    // Ids the package itself brings, for every app a link points to.
    const inPackage = new Map<string, Set<string>>();
    for (const target of new Set(links.map((l) => l.target))) {
      if (!view.dataApps.has(target)) continue;
      const ids = new Set<string>();
      for await (const r of linkFields(view, view.dataApps.get(target)!, [], signal)) if (r.id !== undefined) ids.add(r.id);
      inPackage.set(target, ids);
    }
    // Named ids the package lacks, per target app, with the first record that names each.
    const wanted = new Map<string, Map<string, string>>();
    for (const app of new Set(links.map((l) => l.app))) {
      const fields = links.filter((l) => l.app === app);
      for await (const r of linkFields(view, view.dataApps.get(app)!, fields.map((l) => l.field), signal)) {
        for (const l of fields) {
          for (const id of namedIds(r.value(l.field))) {
            if (inPackage.get(l.target)?.has(id)) continue;
            const named = wanted.get(l.target) ?? new Map<string, string>();
            wanted.set(l.target, named);
            if (!named.has(id)) named.set(id, `${app} record \`${r.id ?? String(r.idValue)}\` (field \`${l.field}\`)`);
          }
        }
      }
    }
    const dangling: string[] = [];
    const unread: string[] = [];
    for (const [target, named] of wanted) {
      // Another owner's records are not looked up for the caller: the answer would say which exist.
      if (!mayRead(target.split('.')[0])) {
        unread.push(`records of ${target} were not looked up: reading them needs the environment administrator or the owner of \`${target.split('.')[0]}\``);
        continue;
      }
      const ids = [...named.keys()];
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += 5000) {
        for (const row of await db.query<{ id: string }>(`SELECT id FROM records WHERE app = $1 AND id = ANY($2::text[])`, [target, ids.slice(i, i + 5000)])) found.add(row.id);
      }
      for (const [id, by] of named) if (!found.has(id)) dangling.push(`${by} names \`${id}\` of ${target}, which is neither in the package nor in the environment`);
    }
    if (!dangling.length) return checkSaying(name, true, 'plan.records.ok', undefined, unread.length ? unread : undefined);
    const details = [...unread, ...dangling.slice(0, LISTED)];
    if (dangling.length > LISTED) details.push(`... and ${dangling.length - LISTED} more`);
    return checkSaying(name, true, 'plan.records.dangling', { n: dangling.length }, details);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    return checkSaying(name, true, 'plan.records.unchecked', { error: (e as Error).message });
  }
}
