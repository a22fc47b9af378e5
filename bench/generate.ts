import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Generates a deterministic, realistic Isola project for the check benchmark: workspaces with
 * apps, processes, pages and widgets; modules; solutions that include some of them. About 1% of
 * the references are deliberately broken (unknown targets, out-of-scope, `global.`, `orgUnit`),
 * and a few scripts set the Global flag, so the check has findings to report.
 */
export interface GenOptions {
  dir: string;
  entities: number;
  manifests: number;
  seed: number;
  /**
   * Entities of one big manifest: the first workspace gets about this many (more apps, each with
   * its fields, process, page and widget) and the others share the rest. Unset: all alike.
   */
  bigEntities?: number;
  /**
   * Mean length of a `description` (a pass-through property, as real manifests carry) on every
   * entity of the big manifest, to reach a size in bytes without more entities. Drawn from a
   * random stream of its own, so it changes no other choice. Unset: none.
   */
  bigDetail?: number;
}

export interface GenStats {
  files: number;
  bytes: number;
  /** Every generated object with a `code` (lanes, notifications and context variables included). */
  entities: number;
  /** Strings in reference properties (`app`, `group`, `process`, `widget`, `counter`, `orgUnit`, `uses` items). */
  references: number;
  violations: number;
  workspaces: number;
  modules: number;
  solutions: number;
  /** The big manifest, when `bigEntities` was given. */
  big?: { file: string; bytes: number; entities: number; apps: number };
}

type Obj = Record<string, unknown>;

interface Ns {
  kind: 'workspace' | 'module';
  code: string;
  file: string;
  blocks: number;
  apps: string[];
  groups: string[];
  sol?: Sol;
}

interface Sol {
  code: string;
  file: string;
  members: Ns[];
  groups: string[];
}

const WORDS = ['sales', 'hr', 'finance', 'logistics', 'procurement', 'legal', 'support', 'marketing', 'projects', 'assets',
  'warehouse', 'service', 'quality', 'security', 'training', 'travel', 'fleet', 'facilities', 'treasury', 'compliance'];
const NOUNS = ['orders', 'invoices', 'contracts', 'customers', 'employees', 'vacations', 'tickets', 'vendors', 'shipments',
  'payments', 'products', 'requests', 'documents', 'budgets', 'candidates', 'vehicles', 'inspections', 'incidents', 'claims'];
const FIELD_WORDS = ['subject', 'amount', 'due_date', 'comment', 'priority', 'total', 'start_date', 'end_date', 'description',
  'quantity', 'price', 'status_note', 'approved_at', 'region', 'phone', 'email', 'score'];
const FIELD_TYPES = ['string', 'text', 'number', 'money', 'date', 'datetime', 'boolean', 'file', 'user'];
const GROUPS = ['initiators', 'approvers', 'managers', 'operators', 'auditors', 'viewers', 'editors', 'supervisors'];
const STATUSES = ['draft', 'in_progress', 'on_approval', 'approved', 'done', 'cancelled'];
const BUILTIN_APPS = ['_clients._companies', '_clients._contacts', '_clients._deals', '_system_catalogs._my_companies',
  '_system_catalogs._currencies', '_system._users'];
const ACCESS = ['read', 'create', 'update', 'delete', 'full'];
const DESC_WORDS = ['the', 'record', 'is', 'filled', 'by', 'approver', 'when', 'request', 'reaches', 'stage', 'and', 'copied', 'to',
  'register', 'of', 'department', 'used', 'in', 'reports', 'for', 'month', 'close', 'see', 'regulation', 'on', 'document', 'flow',
  'only', 'visible', 'managers', 'after', 'approval', 'otherwise', 'hidden', 'from', 'initiator', 'sync', 'with', 'accounting', 'system'];
/** Mean entities of one workspace block (app with fields, buttons, statuses, form; process; page; widget). */
const WS_BLOCK = 22.8;
const MOD_BLOCK = 11;
const VIOLATION_RATE = 0.01;

class Generator {
  readonly stats: GenStats = { files: 0, bytes: 0, entities: 0, references: 0, violations: 0, workspaces: 0, modules: 0, solutions: 0 };
  private readonly notes = new WeakMap<object, string>();
  private state: number;
  private descState: number;
  /** Mean description length while the big manifest is generated; 0 otherwise. */
  private detail = 0;
  private namespaces: Ns[] = [];

  constructor(private readonly o: GenOptions) {
    this.state = o.seed >>> 0;
    this.descState = (o.seed ^ 0x9e3779b9) >>> 0;
  }

  /** mulberry32 */
  private r(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A sentence of about `mean` characters (0.5x to 1.5x), from the description stream. */
  private describe(mean: number): string {
    const r = () => {
      let t = (this.descState = (this.descState + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const len = mean * (0.5 + r());
    let s = '';
    while (s.length < len) s += (s ? ' ' : '') + DESC_WORDS[Math.floor(r() * DESC_WORDS.length)];
    return s[0].toUpperCase() + s.slice(1) + '.';
  }
  private chance(p: number): boolean { return this.r() < p; }
  private int(lo: number, hi: number): number { return lo + Math.floor(this.r() * (hi - lo + 1)); }
  private pick<T>(a: readonly T[]): T { return a[Math.floor(this.r() * a.length)]; }
  private ent<T extends Obj>(o: T, note?: string): T {
    this.stats.entities++;
    if (this.detail > 0) (o as Obj).description = this.describe(this.detail);
    if (note) this.notes.set(o, note);
    return o;
  }

  run(): GenStats {
    const { dir, manifests: M, entities: N } = this.o;
    const nSol = Math.max(1, Math.round(M * 0.05));
    const nMod = Math.max(1, Math.round(M * 0.05));
    const nWs = Math.max(1, M - nSol - nMod);
    const big = this.o.bigEntities && nWs > 1 ? this.o.bigEntities : 0;
    const per = (N - nSol * 2 - big) / (nWs + nMod - (big ? 1 : 0));
    let carry = 0;
    const blocks = (size: number, fixed: number) => {
      const exact = Math.max(1, (per - fixed) / size) + carry;
      const n = Math.max(1, Math.round(exact));
      carry = exact - n;
      return n;
    };
    for (let i = 0; i < nWs; i++) {
      const code = `${WORDS[i % WORDS.length]}_${String(i).padStart(3, '0')}`;
      const n = big && i === 0 ? Math.max(1, Math.round((big - 4) / WS_BLOCK)) : blocks(WS_BLOCK, 4);
      const apps = Array.from({ length: n }, (_, j) => NOUNS[(j + i * 7) % NOUNS.length] + (j >= NOUNS.length ? `_${Math.floor(j / NOUNS.length)}` : ''));
      const groups = [0, 1, 2].map((k) => GROUPS[(i + k * 3) % GROUPS.length]);
      this.namespaces.push({ kind: 'workspace', code, file: path.join(dir, 'workspaces', code, `${code}.isola.json`), blocks: n, apps, groups });
    }
    for (let i = 0; i < nMod; i++) {
      const code = `${WORDS[(i + 5) % WORDS.length]}_ext_${String(i).padStart(2, '0')}`;
      this.namespaces.push({ kind: 'module', code, file: path.join(dir, 'modules', code, `${code}.isola.json`), blocks: blocks(MOD_BLOCK, 2), apps: [], groups: ['integrators', 'admins'] });
    }
    const sols: Sol[] = [];
    const inSol = Math.round(nWs * 0.6);
    const chunk = Math.max(1, Math.ceil(inSol / nSol));
    for (let s = 0; s < nSol; s++) {
      const code = `sol_${WORDS[s % WORDS.length]}_${s}`;
      const sol: Sol = { code, file: path.join(dir, 'solutions', `${code}.isola.json`), members: [], groups: ['sponsors', 'key_users'] };
      for (let i = s * chunk; i < Math.min(inSol, (s + 1) * chunk); i++) sol.members.push(this.namespaces[i]);
      if (s % 2 === 0 && s < nMod) sol.members.push(this.namespaces[nWs + s]);
      for (const m of sol.members) m.sol = sol;
      sols.push(sol);
    }

    fs.rmSync(dir, { recursive: true, force: true });
    for (const ns of this.namespaces) {
      const [entities0, bytes0] = [this.stats.entities, this.stats.bytes];
      this.detail = big && ns === this.namespaces[0] ? this.o.bigDetail ?? 0 : 0;
      const doc = ns.kind === 'workspace' ? this.workspace(ns) : this.module(ns);
      this.detail = 0;
      this.emit(ns.file, doc, `${ns.kind === 'workspace' ? 'Workspace' : 'Module'} ${ns.code}${ns.sol ? `, exported with ${ns.sol.code}` : ''}.`);
      if (big && ns === this.namespaces[0]) {
        this.stats.big = { file: ns.file, bytes: this.stats.bytes - bytes0, entities: this.stats.entities - entities0, apps: ns.apps.length };
      }
    }
    for (const sol of sols) {
      const doc: Obj = {
        kind: 'solution', code: sol.code, title: `Solution ${sol.code}`, version: '1.0.0', platform: '2024.4', languages: ['en', 'ru'],
        includes: sol.members.map((m) => path.relative(path.dirname(sol.file), m.file).split(path.sep).join('/')),
        groups: sol.groups.map((g) => this.ent({ code: g, title: g })),
      };
      this.emit(sol.file, doc, `Solution ${sol.code}: ${sol.members.length} members.`);
    }
    this.stats.workspaces = nWs;
    this.stats.modules = nMod;
    this.stats.solutions = nSol;
    return this.stats;
  }

  private emit(file: string, doc: Obj, header: string): void {
    const text = `// ${header}\n${this.write(doc, '')}\n`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    this.stats.files++;
    this.stats.bytes += Buffer.byteLength(text);
  }

  /** JSONC in the style of hand-written manifests: short scalar-only objects on one line, some comments and trailing commas. */
  private write(v: unknown, ind: string): string {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const arr = Array.isArray(v);
    const entries: [string | undefined, unknown][] = arr ? (v as unknown[]).map((x) => [undefined, x]) : Object.entries(v as Obj);
    const [open, close] = arr ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return open + close;
    const scalar = (x: unknown) => x === null || typeof x !== 'object';
    if (entries.every(([, x]) => scalar(x) || (Array.isArray(x) && x.every(scalar)))) {
      const items = entries.map(([k, x]) => (k === undefined ? '' : `${JSON.stringify(k)}: `) + (Array.isArray(x) ? `[${x.map((y) => JSON.stringify(y)).join(', ')}]` : JSON.stringify(x)));
      const one = arr ? `[${items.join(', ')}]` : `{ ${items.join(', ')} }`;
      if (one.length + ind.length <= 150) return one;
    }
    const inner = ind + '  ';
    const lines = entries.map(([k, x]) => {
      const note = x && typeof x === 'object' ? this.notes.get(x) : undefined;
      return (note ? `${inner}// ${note}\n` : '') + inner + (k === undefined ? '' : `${JSON.stringify(k)}: `) + this.write(x, inner);
    });
    return `${open}\n${lines.join(',\n')}${this.chance(0.08) ? ',' : ''}\n${ind}${close}`;
  }

  /** A reference; about 1% come out broken. */
  private ref(ns: Ns, kind: 'app' | 'group' | 'process' | 'widget' | 'counter', intended: string): string {
    this.stats.references++;
    if (!this.chance(VIOLATION_RATE)) return intended;
    this.stats.violations++;
    const v = this.r();
    if (v < 0.35 && (kind === 'group' || kind === 'widget')) return `global.${kind === 'group' ? 'all_staff' : 'company_banner'}`;
    if (v < 0.7) {
      const others = this.namespaces.filter((o) => o.kind === 'workspace' && o !== ns && (!ns.sol || o.sol !== ns.sol));
      if (others.length) {
        const o = this.pick(others);
        const a = o.apps[0];
        const code = kind === 'app' ? a : kind === 'group' ? o.groups[0] : kind === 'process' ? `approve_${a}` : kind === 'widget' ? `${a}_card` : 'record_number';
        return `${o.code}.${code}`;
      }
    }
    return intended.endsWith('s') ? intended.slice(0, -1) : `${intended}s`; // a typo: unknown target
  }

  private groupRef(ns: Ns): string {
    const v = this.r();
    if (ns.sol && v < 0.2) return this.ref(ns, 'group', `${ns.sol.code}.${this.pick(ns.sol.groups)}`);
    if (v < 0.3) return this.ref(ns, 'group', '_system.administrators');
    return this.ref(ns, 'group', this.pick(ns.groups));
  }

  /** Target of an app-type field or context variable: this workspace, a built-in, or another member of the solution. */
  private appTarget(ns: Ns, self?: string): string {
    const v = this.r();
    const locals = ns.apps.filter((a) => a !== self);
    const peers = ns.sol ? ns.sol.members.filter((m) => m !== ns && m.apps.length > 0) : [];
    if (v < 0.55 && locals.length) return this.ref(ns, 'app', this.pick(locals));
    if (v < 0.8 || peers.length === 0) return this.ref(ns, 'app', this.chance(0.03) ? '_projects._tasks' : this.pick(BUILTIN_APPS));
    const p = this.pick(peers);
    return this.ref(ns, 'app', `${p.code}.${this.pick(p.apps)}`);
  }

  private script(ns: Ns, code: string, subject: string): Obj {
    const s: Obj = this.ent({ code });
    const global = this.chance(0.003);
    const globalFlag = this.chance(0.004);
    if (global || globalFlag) this.stats.violations++;
    const body = [
      `async function ${code}(): Promise<void> {`,
      `  const item = Context.data.${subject};`,
      '  if (!item) {',
      '    return;',
      '  }',
      this.chance(0.5) ? '  // keep the register in sync with the record' : `  Context.data.note = \`updated \${new Date().toISOString()}\`;`,
      global ? '  const all = await Global.ns._system_catalogs.app._my_companies.search().all();' :
        `  await Namespace.app.${subject}.search().where((f) => f.__id.eq(item.id)).first();`,
      '}',
    ];
    s.source = body.join('\n');
    if (globalFlag) s.global = true;
    const imports = ns.sol?.members.filter((m) => m !== ns && m.kind === 'workspace') ?? [];
    if (imports.length && this.chance(0.3)) s.imports = [this.pick(imports).code];
    return s;
  }

  /** Access of a group to an app; a rare one names an org-chart unit instead (ISO002 outside a configuration). */
  private permission(ns: Ns): Obj {
    if (!this.chance(0.002)) return { group: this.groupRef(ns), access: this.pick(ACCESS) };
    this.stats.references++;
    this.stats.violations++;
    return { orgUnit: 'head_office', access: 'read' };
  }

  private workspace(ns: Ns): Obj {
    const widgets = ns.apps.map((a) => `${a}_card`);
    const doc: Obj = { kind: 'workspace', code: ns.code, title: `Workspace ${ns.code}`, version: '1.2.0', platform: '2024.4', languages: ['en', 'ru'] };
    doc.groups = ns.groups.map((g) => this.ent({ code: g, title: g.replace('_', ' ') }));
    doc.counters = [this.ent({ code: 'record_number', title: 'Record number', format: 'REC-{YYYY}-{00000}', start: 1 })];
    doc.apps = ns.apps.map((app, j) => {
      const fields: Obj[] = [this.ent({ code: 'number', title: 'Number', type: 'string', counter: this.ref(ns, 'counter', 'record_number') })];
      const n = this.int(5, 12);
      for (let k = 1; k < n; k++) {
        if (this.chance(0.35)) {
          const target = this.appTarget(ns, app);
          const seg = target.slice(target.lastIndexOf('.') + 1).replace(/^_+/, '');
          const f: Obj = this.ent({ code: `${seg}${k}`, title: `Link to ${seg}`, type: 'app', app: target });
          if (this.chance(0.2)) f.multiple = true;
          fields.push(f);
        } else {
          const f: Obj = this.ent({ code: FIELD_WORDS[(k + j) % FIELD_WORDS.length], title: 'Field', type: this.pick(FIELD_TYPES) });
          if (this.chance(0.3)) f.required = true;
          fields.push(f);
        }
      }
      const buttons = [this.ent({ code: 'start', title: 'Start', process: this.ref(ns, 'process', `approve_${app}`) })];
      if (this.chance(0.5)) buttons.push(this.ent({ code: 'escalate', title: 'Escalate', process: this.ref(ns, 'process', `approve_${this.pick(ns.apps)}`) }));
      const form: Obj = this.ent({ code: 'main', title: 'Main form', fields: fields.slice(0, 4).map((f) => f.code) });
      if (this.chance(0.5)) form.widget = this.ref(ns, 'widget', `${app}_card`);
      return this.ent({
        code: app,
        title: app[0].toUpperCase() + app.slice(1).replace(/_/g, ' '),
        fields,
        buttons,
        statuses: STATUSES.slice(0, this.int(2, 4)).map((s) => this.ent({ code: s, title: s })),
        forms: [form],
        permissions: [0, 1].map(() => this.permission(ns)),
      }, this.chance(0.3) ? `The ${app} register; records are numbered by record_number.` : undefined);
    });
    doc.processes = ns.apps.map((app) => {
      const p: Obj = this.ent({ code: `approve_${app}`, title: `Approve ${app}`, app: this.ref(ns, 'app', app) });
      p.lanes = ['initiator', 'approver'].map((l) => this.ent({ code: l, title: l, group: this.groupRef(ns) }));
      if (this.chance(0.5)) p.notifications = [this.ent({ code: 'approved', title: 'Approved', group: this.groupRef(ns) })];
      if (this.chance(0.5)) p.context = [this.ent({ code: 'counterparty', title: 'Counterparty', type: 'app', app: this.appTarget(ns) })];
      p.scripts = [this.script(ns, 'on_start', app)];
      if (this.chance(0.3)) (p.scripts as Obj[]).push(this.script(ns, 'on_finish', app));
      if (this.chance(0.2)) this.notes.set(p, 'Lanes are assigned to groups, never to org-chart units.');
      return p;
    });
    doc.pages = ns.apps.map((app) => this.ent({ code: `${app}_page`, title: app, app: this.ref(ns, 'app', app) }));
    doc.widgets = widgets.map((w, j) => {
      const others = widgets.filter((x) => x !== w);
      const x: Obj = this.ent({ code: w, title: `Card ${j}` });
      const k = Math.min(others.length, this.int(0, 2));
      if (k) x.uses = Array.from({ length: k }, (_, i) => this.ref(ns, 'widget', others[(j + i) % others.length]));
      if (this.chance(0.5)) x.scripts = [this.script(ns, 'on_init', ns.apps[j])];
      return x;
    });
    return doc;
  }

  private module(ns: Ns): Obj {
    const idx = Array.from({ length: ns.blocks }, (_, j) => j);
    const subject = () => this.appTarget(ns);
    return {
      kind: 'module', code: ns.code, title: `Module ${ns.code}`, version: '0.9.0', platform: '2024.4', languages: ['en'],
      groups: ns.groups.map((g) => this.ent({ code: g, title: g })),
      settings: idx.map((j) => this.ent({ code: `setting_${j}`, title: `Setting ${j}`, type: 'string', default: `https://api.example.com/v${j}` })),
      widgets: idx.map((j) => {
        const w: Obj = this.ent({ code: `panel_${j}`, title: `Panel ${j}`, scripts: [this.script(ns, 'on_init', 'panel')] });
        if (j > 0) w.uses = [this.ref(ns, 'widget', `panel_${j - 1}`)];
        return w;
      }),
      activities: idx.map((j) => this.ent({
        code: `sync_${j}`, title: `Sync ${j}`,
        context: [this.ent({ code: 'record', title: 'Record', type: 'app', app: subject() })],
        scripts: [this.script(ns, 'run', 'record')],
      })),
      apiMethods: idx.map((j) => this.ent({ code: `api_${j}`, title: `API ${j}`, method: 'POST', path: `/items/${j}`, scripts: [this.script(ns, 'handle', 'request')] })),
      events: idx.map((j) => this.ent({ code: `on_event_${j}`, title: `Event ${j}`, event: 'record_created', scripts: [this.script(ns, 'react', 'event')] })),
    };
  }
}

export function generateProject(o: GenOptions): GenStats {
  return new Generator(o).run();
}
