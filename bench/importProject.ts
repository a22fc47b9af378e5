/**
 * The workspaces the import benchmark (bench/import.ts), the unpack benchmark and the fault test
 * import: generated, deterministic, and passing every check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { customerRecord, generateFile, orderRecord, rng } from './package';

/** A generated workspace for import: design entities and, optionally, data records. */
export interface ImportProjectOptions {
  dir: string;
  /** Workspace (namespace) code. */
  code: string;
  /** Apps besides `customers` and `orders`; each brings 5 cards (app, permissions, process, page, widget). */
  apps: number;
  /** Data records in all (a tenth customers, the rest orders); 0 for none. */
  records: number;
  /** Mean bytes of a record (the package benchmark's are about 1200). */
  recordBytes?: number;
  /**
   * 0, 1, 2...: titles of apps, processes and pages and every record's content depend on it (ids do
   * not), so importing another variant over one updates most cards and every record.
   */
  variant: number;
  seed: number;
}

export interface ImportProject {
  dir: string;
  manifest: string;
  code: string;
  /** Cards the package will carry (the workspace's own card included). */
  cards: number;
  records: number;
  dataBytes: number;
}

const FIELD_TYPES = ['string', 'text', 'number', 'money', 'date', 'datetime', 'boolean', 'user'];
const FIELD_WORDS = ['subject', 'amount', 'due_date', 'comment', 'priority', 'total', 'start_date', 'end_date', 'quantity', 'price', 'region', 'phone'];
const BUILTIN_APPS = ['_clients._companies', '_clients._contacts', '_system_catalogs._my_companies', '_system_catalogs._currencies', '_system._users'];
const GROUPS = ['initiators', 'approvers', 'managers'];

/**
 * Writes a workspace that passes every check (so it builds and imports): `customers` and `orders`
 * (the package benchmark's apps, with their records when `records` > 0) and `apps` more apps, each
 * with fields (some linking to other apps of the workspace or to built-in ones), statuses, a
 * button starting its approval process, a form and permissions; the process with lanes and a
 * script; a page; a widget that uses the previous one. Deterministic in `seed` and `variant`.
 */
export async function writeImportProject(o: ImportProjectOptions): Promise<ImportProject> {
  const r = rng(o.seed);
  const v = o.variant ? ` (v${o.variant + 1})` : '';
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const apps: Record<string, unknown>[] = [
    {
      code: 'customers', title: `Customers${v}`,
      fields: [
        { code: 'name', title: 'Name', type: 'string', required: true },
        { code: 'company', title: 'Company', type: 'app', app: '_clients._companies' },
        { code: 'segment', title: 'Segment', type: 'string' },
        { code: 'notes', title: 'Notes', type: 'text' },
      ],
      permissions: [{ group: 'managers', access: 'full' }],
    },
    {
      code: 'orders', title: `Orders${v}`,
      fields: [
        { code: 'number', title: 'Number', type: 'string', required: true, counter: 'record_number' },
        { code: 'customer', title: 'Customer', type: 'app', app: 'customers', required: true },
        { code: 'amount', title: 'Amount', type: 'money' },
        { code: 'comment', title: 'Comment', type: 'text' },
      ],
      permissions: [{ group: 'managers', access: 'full' }],
    },
  ];
  const names = Array.from({ length: o.apps }, (_, i) => `app_${String(i + 1).padStart(5, '0')}`);
  const processes: Record<string, unknown>[] = [];
  const pages: Record<string, unknown>[] = [];
  const widgets: Record<string, unknown>[] = [];
  names.forEach((app, i) => {
    const fields: Record<string, unknown>[] = [{ code: 'number', title: 'Number', type: 'string', counter: 'record_number' }];
    const n = 3 + Math.floor(r() * 6);
    for (let k = 1; k <= n; k++) {
      if (r() < 0.3) {
        const target = r() < 0.5 && i > 0 ? names[Math.floor(r() * i)] : r() < 0.5 ? pick(['customers', 'orders']) : pick(BUILTIN_APPS);
        fields.push({ code: `link_${k}`, title: `Link to ${target}`, type: 'app', app: target, ...(r() < 0.2 ? { multiple: true } : {}) });
      } else {
        fields.push({ code: `${FIELD_WORDS[(k + i) % FIELD_WORDS.length]}_${k}`, title: 'Field', type: pick(FIELD_TYPES), ...(r() < 0.3 ? { required: true } : {}) });
      }
    }
    apps.push({
      code: app,
      title: `App ${i + 1}${v}`,
      fields,
      statuses: ['draft', 'on_approval', 'approved', 'done'].slice(0, 2 + Math.floor(r() * 3)).map((s) => ({ code: s, title: s })),
      buttons: [{ code: 'start', title: 'Start', process: `approve_${app}` }],
      forms: [{ code: 'main', title: 'Main form', fields: fields.slice(0, 3).map((f) => f.code), widget: `${app}_card` }],
      permissions: [{ group: pick(GROUPS), access: 'full' }, { group: '_system.administrators', access: 'read' }],
    });
    processes.push({
      code: `approve_${app}`, title: `Approve app ${i + 1}${v}`, app,
      lanes: [{ code: 'initiator', title: 'Initiator', group: 'initiators' }, { code: 'approver', title: 'Approver', group: 'approvers' }],
      context: [{ code: 'counterparty', title: 'Counterparty', type: 'app', app: '_clients._companies' }],
      scripts: [{ code: 'on_start', source: `async function on_start(): Promise<void> {\n  const item = Context.data.${app};\n  if (!item) {\n    return;\n  }\n}` }],
    });
    pages.push({ code: `${app}_page`, title: `App ${i + 1}${v}`, app });
    widgets.push({ code: `${app}_card`, title: `Card ${i + 1}`, ...(i > 0 ? { uses: [`${names[i - 1]}_card`] } : {}) });
  });
  const doc: Record<string, unknown> = {
    kind: 'workspace', code: o.code, title: `Import benchmark ${o.code}`, version: `1.${o.variant}.0`, platform: '2024.4', languages: ['en', 'ru'],
    groups: GROUPS.map((g) => ({ code: g, title: g })),
    counters: [{ code: 'record_number', title: 'Record number', format: 'REC-{YYYY}-{00000}', start: 1 }],
    apps, processes, pages, widgets,
    ...(o.records > 0 ? { data: { customers: 'data/customers.jsonl', orders: 'data/orders.jsonl' } } : {}),
  };
  fs.mkdirSync(o.dir, { recursive: true });
  const manifest = path.join(o.dir, `${o.code}.isola.json`);
  const text = `// Generated by bench/import.ts (variant ${o.variant}, seed ${o.seed}).\n${JSON.stringify(doc, null, 1)}\n`;
  if (!fs.existsSync(manifest) || fs.readFileSync(manifest, 'utf8') !== text) fs.writeFileSync(manifest, text);
  let dataBytes = 0;
  if (o.records > 0) {
    const customers = Math.max(1, Math.round(o.records / 10));
    const orders = o.records - customers;
    const mean = o.recordBytes ?? 1200;
    const [lo, hi] = [Math.round(mean * 0.85), Math.round(mean * 1.15)];
    const stamp = { seed: o.seed, variant: o.variant, mean, total: o.records };
    const rc = rng(o.seed * 31 + o.variant);
    const ro = rng(o.seed * 31 + o.variant + 1000);
    const int = (g: () => number) => lo + Math.floor(g() * (hi - lo + 1));
    dataBytes += (await generateFile(path.join(o.dir, 'data', 'customers.jsonl'), customers, { ...stamp, app: 'customers' }, (i) => customerRecord(rc, i, int(rc)))).bytes;
    dataBytes += (await generateFile(path.join(o.dir, 'data', 'orders.jsonl'), orders, { ...stamp, app: 'orders' }, (i) => orderRecord(ro, i, customers, int(ro)))).bytes;
  }
  // Cards: the workspace, 3 groups, the counter, customers and orders (each with permissions), then 5 per app.
  return { dir: o.dir, manifest, code: o.code, cards: 1 + GROUPS.length + 1 + 4 + 5 * o.apps, records: o.records, dataBytes };
}
