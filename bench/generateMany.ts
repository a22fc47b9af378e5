import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Generates a project of many small manifests, one line each, for the check benchmark: the shape
 * where anything that walks every manifest once per manifest shows at once. About 40% are
 * workspaces (a group, an app with a field, a process), 4% solutions that include six workspaces
 * each, and the rest app manifests in those workspaces' namespaces. References mostly stay in
 * scope (own codes, built-ins, peers of the same solution); about 1% are broken (out of scope,
 * misspelt), a few scripts import other namespaces, and a few codes repeat across files.
 */
export interface ManyOptions {
  dir: string;
  manifests: number;
  seed: number;
}

/** What was generated. */
export interface ManyStats {
  files: number;
  bytes: number;
  workspaces: number;
  apps: number;
  solutions: number;
  /** Every generated object with a `code`, manifests included. */
  entities: number;
  /** Strings in reference properties. */
  references: number;
  /** Broken references and imports outside the package, made on purpose. */
  violations: number;
  /** Codes that repeat an earlier manifest's (workspaces and app manifests). */
  duplicates: number;
}

/** Bumped whenever the output changes, so a cached project is generated again. */
const VERSION = 2;
const WORDS = ['sales', 'hr', 'finance', 'logistics', 'procurement', 'legal', 'support', 'marketing', 'projects', 'assets'];
const NOUNS = ['orders', 'invoices', 'contracts', 'customers', 'tickets', 'vendors', 'shipments', 'payments', 'requests', 'claims'];
const BUILTIN_APPS = ['_clients._companies', '_clients._contacts', '_system_catalogs._currencies', '_system._users'];
const SOLUTION_SIZE = 6;
const VIOLATION_RATE = 0.01;

type Obj = Record<string, unknown>;

/**
 * Writes the project under `o.dir` unless a stamp there says the same options and generator
 * version made it already (100,000 files take a while to write).
 */
export function generateMany(o: ManyOptions): ManyStats {
  const stampFile = path.join(o.dir, '.stamp.json');
  const key = JSON.stringify({ version: VERSION, manifests: o.manifests, seed: o.seed });
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { key: string; stats: ManyStats };
    if (stamp.key === key) return stamp.stats;
  } catch {
    // no stamp: generate
  }
  fs.rmSync(o.dir, { recursive: true, force: true });
  const stats = new ManyGenerator(o).run();
  fs.writeFileSync(stampFile, JSON.stringify({ key, stats }));
  return stats;
}

class ManyGenerator {
  private readonly stats: ManyStats = { files: 0, bytes: 0, workspaces: 0, apps: 0, solutions: 0, entities: 0, references: 0, violations: 0, duplicates: 0 };
  private state: number;

  constructor(private readonly o: ManyOptions) {
    this.state = o.seed >>> 0;
  }

  /** mulberry32 */
  private r(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  private chance(p: number): boolean { return this.r() < p; }
  private pick<T>(a: readonly T[]): T { return a[Math.floor(this.r() * a.length)]; }

  run(): ManyStats {
    const n = this.o.manifests;
    const nWs = Math.max(2, Math.round(n * 0.4));
    const nSol = Math.max(1, Math.round((nWs * 0.6) / SOLUTION_SIZE));
    const nApps = Math.max(0, n - nWs - nSol);
    const folders = Array.from({ length: nWs }, (_, i) => `${WORDS[i % WORDS.length]}_${i}`);
    // One workspace in 5,000 repeats the code of the one before it (MAN001 across files).
    const ws = folders.map((f, i) => (i % 5000 === 4999 ? folders[i - 1] : f));
    const solOf = (i: number) => (i < nSol * SOLUTION_SIZE ? Math.floor(i / SOLUTION_SIZE) : -1);
    const wsFile = (i: number) => path.join(this.o.dir, 'workspaces', folders[i], `${ws[i]}.isola.json`);

    for (let i = 0; i < nWs; i++) {
      const code = ws[i];
      if (code !== folders[i]) this.stats.duplicates++;
      const s = solOf(i);
      const peers = s < 0 ? [] : Array.from({ length: SOLUTION_SIZE }, (_, k) => s * SOLUTION_SIZE + k).filter((k) => k !== i && k < nWs);
      let target: string;
      const v = this.r();
      if (v < VIOLATION_RATE) target = this.violation(ws, i, s, solOf);
      else if (peers.length && v < 0.4) target = `${ws[this.pick(peers)]}.items`; // through the solution (ISO009)
      else if (v < 0.7) target = this.pick(BUILTIN_APPS);
      else target = 'items';
      this.stats.references += 4;
      const script: Obj = { code: 'on_start', source: 'Context.data.items = undefined;' };
      if (this.chance(0.05)) {
        // Mostly a peer (fine in the solution); otherwise any workspace (ISO005 outside it).
        const other = peers.length && this.chance(0.7) ? ws[this.pick(peers)] : ws[Math.floor(this.r() * nWs)];
        script.imports = [other];
        if (!peers.some((k) => ws[k] === other)) this.stats.violations++;
      }
      this.stats.entities += 7;
      this.emit(wsFile(i), {
        kind: 'workspace', code, title: `Workspace ${code}`, version: '1.0.0',
        groups: [{ code: 'staff', title: 'Staff' }],
        apps: [{ code: 'items', title: 'Items', fields: [{ code: 'owner', type: 'app', app: target }], permissions: [{ group: 'staff', access: 'read' }] }],
        processes: [{ code: 'approve_items', app: 'items', lanes: [{ code: 'approver', group: 'staff' }], scripts: [script] }],
      });
    }
    this.stats.workspaces = nWs;

    for (let s = 0; s < nSol; s++) {
      const file = path.join(this.o.dir, 'solutions', `sol_${s}.isola.json`);
      const members = Array.from({ length: SOLUTION_SIZE }, (_, k) => s * SOLUTION_SIZE + k).filter((k) => k < nWs);
      this.stats.entities += 2;
      this.emit(file, {
        kind: 'solution', code: `sol_${s}`, title: `Solution ${s}`, version: '1.0.0',
        includes: members.map((k) => path.relative(path.dirname(file), wsFile(k)).split(path.sep).join('/')),
        groups: [{ code: 'key_users', title: 'Key users' }],
      });
    }
    this.stats.solutions = nSol;

    const codes: string[] = [];
    for (let j = 0; j < nApps; j++) {
      const w = j % nWs;
      const ns = ws[w];
      // One app manifest in 1,000 repeats the code of an earlier one in the same namespace.
      const dup = j >= nWs && j % 1000 === 999;
      const code = dup ? codes[j - nWs] : `${NOUNS[j % NOUNS.length]}_${j}`;
      if (dup) this.stats.duplicates++;
      codes.push(code);
      const v = this.r();
      let target: string;
      if (v < VIOLATION_RATE / 2) target = `${ns}.items`; // an app package carries only its app (ISO004)
      else if (v < VIOLATION_RATE) target = code.slice(0, -1); // misspelt (ISO006)
      else if (v < 0.7) target = this.pick(BUILTIN_APPS);
      else target = code;
      if (v < VIOLATION_RATE) this.stats.violations++;
      this.stats.references += 2;
      this.stats.entities += 5;
      this.emit(path.join(path.dirname(wsFile(w)), `${dup ? `${code}_copy_${j}` : code}.isola.json`), {
        kind: 'app', code, namespace: ns, title: `App ${code}`, version: '1.0.0',
        fields: [{ code: 'name', type: 'string' }, { code: 'link', type: 'app', app: target }],
        processes: [{ code: `approve_${code}`, app: code }],
      });
    }
    this.stats.apps = nApps;
    return this.stats;
  }

  /** A broken reference from workspace `i`: another solution's or a lone workspace's app (ISO004), or a misspelt one (ISO006). */
  private violation(ws: string[], i: number, s: number, solOf: (i: number) => number): string {
    this.stats.violations++;
    let k = Math.floor(this.r() * ws.length);
    if (k === i || (s >= 0 && solOf(k) === s)) k = (k + SOLUTION_SIZE) % ws.length;
    return this.chance(0.5) ? `${ws[k]}.items` : `${ws[k]}.itemz`;
  }

  private emit(file: string, doc: Obj): void {
    const text = JSON.stringify(doc) + '\n';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    this.stats.files++;
    this.stats.bytes += Buffer.byteLength(text);
  }
}
