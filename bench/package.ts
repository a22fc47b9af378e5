/**
 * Package benchmark: how fast does Isola build and read `.isolapkg` files with data records, next
 * to the tools everyone has (Node's zlib, `unzip`), and how much memory does it take?
 *
 *   node out/bench/package.js [--records 10000,100000,1000000] [--runs 3] [--profile]
 *                             [--big [--big-only] [--big-records 1800000] [--keep]] [--seed N]
 *
 * For each size it generates (once, deterministically, streaming) a workspace with two apps,
 * `customers` and `orders` (orders reference customers), whose data files hold N records of about
 * 1.2 KB in all (a tenth customers), under bench/.work/package-<N>/, and measures:
 * 1. the baseline: zlib deflate level 6 of the same bytes as one stream (read → deflateRaw → discard);
 * 2. `buildPackage` (data: all): time, MB/s of input, package size, build MB/s ÷ zlib MB/s;
 * 3. `unzip -t` against `PackageReader.open` + `verify()` (and, once, the same again in the same
 *    process, without the first run's warm-up), and reading every record via `records()`;
 * 4. peak RSS (`process.resourceUsage().maxRSS`) of the build and of the read, each in a fresh child.
 * Every timed step runs in a fresh child process (`--runs` times, zlib and build interleaved;
 * medians reported, with the load average: other work on the machine skews wall times, and the
 * build, which uses two threads, more than zlib, which uses one).
 *
 * `--big` also builds a package past 4 GiB (the zip file itself, so offsets need ZIP64; 1.8M
 * records, 7.5 GB of input): orders carry a scanned attachment as base64 (about 4.3 KB a record,
 * poorly compressible), and checks it with readers nobody here wrote: Python's `zipfile` (entry
 * count, the last entry and the furthest data chunk read fully and hashed against the descriptor,
 * `testzip()`), `unzip -l` and `unzip -t`; then ours. Needs 12 GB free disk (checked with `df`).
 *
 * When a goal is missed (or with `--profile`) the build and the read run once more under
 * `--cpu-prof` and the functions with the most self and inclusive time are listed (mapped to the
 * TS sources). Prints a table and one JSON line.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { arg, flag, median } from './args';
import { ProfileNode, sourceLocator } from './profile';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { loadProject } from '../server/src/core/manifest/project';
import { buildPackage } from '../server/src/core/packaging/builder';
import { PackageReader } from '../server/src/core/packaging/reader';
import { summarizeProfile } from './check';

/** The repository: up from this file (out/bench/, or any other --outDir inside the repository). */
export const ROOT = ((): string => {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'tsconfig.json')) && fs.existsSync(path.join(d, 'server', 'src'))) return d;
  }
  return path.resolve(__dirname, '..', '..');
})();
export const WORK = path.join(ROOT, 'bench', '.work');
const GOAL_BUILD_RATIO = 0.7; // build MB/s ÷ zlib MB/s
const GOAL_READ_RATIO = 0.5; // unzip -t time ÷ our open+verify time
const GOAL_RSS_MB = 300; // at 1M records
const GEN_VERSION = 1; // bump when the generator changes: regenerates the data files
const PKG_CODE = 'bench';
const NS = 'bench';
const BIG_MIN_FREE = 12e9;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const MB = 2 ** 20;
const mb = (b: number) => b / MB;
const maxRssMB = () => round(process.resourceUsage().maxRSS / 1024); // kilobytes on every platform Node supports
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// ---------------------------------------------------------------------------------------------
// Data generation
// ---------------------------------------------------------------------------------------------

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'invoice payment contract delivery order customer supplier warehouse account approval request manager ' +
  'shipment discount price quantity balance transfer agreement service support project deadline report ' +
  'quarter annual budget expense revenue tax receipt confirmed pending urgent regular standard premium ' +
  'client partner office branch region central north south east west bank card cash credit debit ' +
  'return refund exchange product item package box pallet container truck rail sea air express ' +
  'please call before arrival leave at reception signed scanned copy original attached see terms ' +
  'счёт оплата договор поставка заказ клиент поставщик склад согласование заявка менеджер отгрузка ' +
  'скидка цена количество остаток перевод соглашение услуга поддержка проект срок отчёт квартал ' +
  'бюджет расход доход налог квитанция подтверждено срочно обычный стандарт филиал регион банк'
).split(' ');
const WORD_BYTES = WORDS.map((w) => Buffer.byteLength(w) + 1);
const FIRST = 'Anna Ivan Olga Sergey Maria Dmitry Elena Pavel Natalia Alexey Irina Mikhail Tatiana Andrey Svetlana Nikolay'.split(' ');
const LAST = 'Petrova Smirnov Volkova Ivanov Sokolova Kuznetsov Popova Lebedev Kozlova Novikov Morozova Fedorov'.split(' ');
const CITIES = 'Moscow Kazan Novosibirsk Yekaterinburg Samara Omsk Perm Ufa Voronezh Krasnodar Tver Tula'.split(' ');
const STREETS = 'Lenina Mira Sovetskaya Gagarina Pushkina Kirova Tsentralnaya Molodezhnaya Lesnaya Sadovaya'.split(' ');
const SEGMENTS = ['smb', 'enterprise', 'public', 'retail', 'wholesale'];
const STATUSES = ['new', 'on_approval', 'approved', 'rejected', 'paid', 'shipped', 'closed'];
const TAGS = ['vip', 'wholesale', 'new', 'key_account', 'overdue', 'prepaid', 'export', 'partner'];
const PRODUCTS = 'Paper A4|Toner cartridge|Office chair|Desk lamp|Laptop stand|Monitor 27"|Keyboard|Mouse|Printer|Shredder|Whiteboard|Projector'.split('|');

export type Profile = 'std' | 'big';

export interface DataSpec {
  /** Total records (customers + orders). */
  records: number;
  profile: Profile;
  seed: number;
}

export interface Dataset {
  dir: string;
  files: { app: string; file: string; records: number; bytes: number }[];
  bytes: number;
  records: number;
  generatedMs?: number;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const money = (r: () => number, hi: number) => Math.round(r() * hi * 100) / 100;
const date = (r: () => number) => new Date(Date.UTC(2021, 0, 1) + Math.floor(r() * 4 * 365 * 86400) * 1000);

/** Words of free text until about `bytes` UTF-8 bytes. */
function text(r: () => number, bytes: number): string {
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    const i = Math.floor(r() * WORDS.length);
    out.push(WORDS[i]);
    n += WORD_BYTES[i];
  }
  return out.join(' ');
}

export function customerRecord(r: () => number, i: number, target: number): string {
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const created = date(r);
  const rec: Record<string, unknown> = {
    id: `cust-${pad(i, 7)}`,
    code: `C${pad(i, 7)}`,
    name: `${last} ${pick(r, ['Trading', 'Logistics', 'Consulting', 'Industries', 'Group'])} ${pick(r, ['LLC', 'JSC', 'Ltd'])}`,
    inn: String(int(r, 1e9, 9999999999)),
    kpp: String(int(r, 1e8, 999999999)),
    company: `comp-${pad(int(r, 1, 50_000), 6)}`, // a record of the built-in _clients._companies
    segment: pick(r, SEGMENTS),
    contact: { name: `${first} ${last}`, email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`, phone: `+7 ${int(r, 900, 999)} ${int(r, 100, 999)}-${int(r, 10, 99)}-${int(r, 10, 99)}` },
    address: { country: 'RU', city: pick(r, CITIES), street: `${pick(r, STREETS)} st., ${int(r, 1, 200)}`, postcode: String(int(r, 100000, 699999)) },
    credit_limit: int(r, 1, 100) * 10000,
    balance: money(r, 1e6),
    active: r() < 0.9,
    tags: TAGS.filter(() => r() < 0.2),
    manager: `user-${pad(int(r, 1, 500), 4)}`,
    created_at: created.toISOString(),
    updated_at: new Date(created.getTime() + int(r, 0, 400) * 86400_000).toISOString(),
    notes: '',
  };
  const base = Buffer.byteLength(JSON.stringify(rec));
  rec.notes = text(r, Math.max(0, target - base));
  return JSON.stringify(rec);
}

export function orderRecord(r: () => number, i: number, customers: number, target: number, scan?: Buffer): string {
  const issued = date(r);
  const lines = Array.from({ length: int(r, 1, 5) }, () => {
    const qty = int(r, 1, 50);
    const price = money(r, 5000);
    return { sku: `SKU-${pad(int(r, 1, 99999), 5)}`, title: pick(r, PRODUCTS), qty, price, total: Math.round(qty * price * 100) / 100 };
  });
  const amount = Math.round(lines.reduce((s, l) => s + l.total, 0) * 100) / 100;
  const rec: Record<string, unknown> = {
    id: `ord-${pad(i, 8)}`,
    number: `SO-${issued.getUTCFullYear()}-${pad(i, 8)}`,
    customer: `cust-${pad(int(r, 1, customers), 7)}`, // a record of the customers app
    status: pick(r, STATUSES),
    issue_date: issued.toISOString().slice(0, 10),
    due_date: new Date(issued.getTime() + int(r, 7, 60) * 86400_000).toISOString().slice(0, 10),
    currency: pick(r, ['RUB', 'RUB', 'RUB', 'USD', 'EUR']),
    amount,
    vat: Math.round(amount * 0.2 * 100) / 100,
    lines,
    shipping: { city: pick(r, CITIES), street: `${pick(r, STREETS)} st., ${int(r, 1, 200)}`, carrier: pick(r, ['own', 'cdek', 'dpd', 'post']) },
    approved_by: r() < 0.6 ? `user-${pad(int(r, 1, 500), 4)}` : null,
    ...(scan ? { scan: { name: `scan-${pad(i, 8)}.png`, mime: 'image/png', size: scan.length, data: scan.toString('base64') } } : {}),
    comment: '',
  };
  const base = Buffer.byteLength(JSON.stringify(rec));
  rec.comment = text(r, Math.max(0, target - base));
  return JSON.stringify(rec);
}

/**
 * Writes `count` records to `file` (through a `.partial` file, renamed when complete), respecting
 * backpressure; skipped when the file and its sidecar say it was made by the same generator.
 */
export async function generateFile(file: string, count: number, stamp: object, make: (i: number) => string): Promise<{ bytes: number; fresh: boolean }> {
  const metaFile = `${file}.gen.json`;
  const want = JSON.stringify({ ...stamp, count, GEN_VERSION });
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { stamp: string; bytes: number };
    if (meta.stamp === want && fs.statSync(file).size === meta.bytes) return { bytes: meta.bytes, fresh: false };
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const out = fs.createWriteStream(tmp, { highWaterMark: 4 * MB });
  let bytes = 0;
  let batch: string[] = [];
  for (let i = 1; i <= count; i++) {
    batch.push(make(i));
    if (batch.length === 1000 || i === count) {
      const s = batch.join('\n') + '\n';
      batch = [];
      bytes += Buffer.byteLength(s);
      if (!out.write(s)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'close');
  fs.renameSync(tmp, file);
  fs.writeFileSync(metaFile, JSON.stringify({ stamp: want, bytes }) + '\n');
  return { bytes, fresh: true };
}

/** Deterministic pseudo-random bytes (AES-CTR keystream of a seed): the content of scanned attachments. */
function scanBytes(seed: number): (n: number) => Buffer {
  const key = crypto.createHash('sha256').update(`scan-${seed}`).digest();
  const cipher = crypto.createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return (n) => cipher.update(Buffer.alloc(n));
}

function manifestText(): string {
  return `// Generated by bench/package.ts: two apps with data records; orders reference customers.
{
  "kind": "workspace",
  "code": "${PKG_CODE}",
  "title": "Package benchmark",
  "version": "1.0.0",
  "platform": "2024.4",
  "languages": ["en", "ru"],
  "groups": [{ "code": "sales", "title": "Sales" }],
  "apps": [
    {
      "code": "customers",
      "title": "Customers",
      "fields": [
        { "code": "name", "title": "Name", "type": "string", "required": true },
        { "code": "inn", "title": "Tax number", "type": "string" },
        { "code": "company", "title": "Company", "type": "app", "app": "_clients._companies" },
        { "code": "segment", "title": "Segment", "type": "string" },
        { "code": "credit_limit", "title": "Credit limit", "type": "money" },
        { "code": "notes", "title": "Notes", "type": "text" }
      ],
      "permissions": [{ "group": "sales", "access": "full" }]
    },
    {
      "code": "orders",
      "title": "Orders",
      "fields": [
        { "code": "number", "title": "Number", "type": "string", "required": true },
        { "code": "customer", "title": "Customer", "type": "app", "app": "customers", "required": true },
        { "code": "amount", "title": "Amount", "type": "money" },
        { "code": "status", "title": "Status", "type": "string" },
        { "code": "scan", "title": "Scan", "type": "file" },
        { "code": "comment", "title": "Comment", "type": "text" }
      ],
      "permissions": [{ "group": "sales", "access": "full" }]
    }
  ],
  "data": {
    "orders": "data/orders.jsonl",
    "customers": "data/customers.jsonl"
  }
}
`;
}

function datasetDir(spec: DataSpec): string {
  return path.join(WORK, spec.profile === 'big' ? `package-big-${spec.records}` : `package-${spec.records}`);
}

/** The workspace and its two data files (customers: a tenth of the records, ~1.2 KB; orders: the rest). */
export async function generateDataset(spec: DataSpec): Promise<Dataset> {
  const dir = datasetDir(spec);
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const manifest = path.join(dir, `${PKG_CODE}.isola.json`);
  if (!fs.existsSync(manifest) || fs.readFileSync(manifest, 'utf8') !== manifestText()) fs.writeFileSync(manifest, manifestText());
  const customers = Math.max(1, Math.round(spec.records / 10));
  const orders = spec.records - customers;
  const t = performance.now();
  const stamp = { profile: spec.profile, seed: spec.seed, total: spec.records };
  const rc = rng(spec.seed);
  const c = await generateFile(path.join(dir, 'data', 'customers.jsonl'), customers, { ...stamp, app: 'customers' },
    (i) => customerRecord(rc, i, int(rc, 1000, 1400)));
  const ro = rng(spec.seed + 1);
  const scan = spec.profile === 'big' ? scanBytes(spec.seed) : undefined;
  const o = await generateFile(path.join(dir, 'data', 'orders.jsonl'), orders, { ...stamp, app: 'orders' },
    spec.profile === 'big'
      ? (i) => orderRecord(ro, i, customers, int(ro, 4200, 4800), scan!(int(ro, 2300, 2700)))
      : (i) => orderRecord(ro, i, customers, int(ro, 1000, 1400)));
  const files = [
    { app: `${NS}.customers`, file: path.join(dir, 'data', 'customers.jsonl'), records: customers, bytes: c.bytes },
    { app: `${NS}.orders`, file: path.join(dir, 'data', 'orders.jsonl'), records: orders, bytes: o.bytes },
  ];
  return {
    dir, files, bytes: c.bytes + o.bytes, records: spec.records,
    ...(c.fresh || o.fresh ? { generatedMs: round(performance.now() - t) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Children: every timed step runs in a fresh process
// ---------------------------------------------------------------------------------------------

interface ZlibResult { ms: number; inBytes: number; outBytes: number; cpuMs: number; maxRssMB: number }
interface BuildChildResult {
  loadMs: number; buildMs: number; fixedMs: number; cpuMs: number; size: number; entries: number; chunks: number;
  records: Record<string, number>; maxRssMB: number; sampledPeakMB: number;
}
interface ReadChildResult {
  openMs: number; verifyMs: number; cpuMs: number; verifyRssMB: number; warmOpenVerifyMs?: number;
  recordsMs: number; records: Record<string, number>; maxRssMB: number; entries: number;
}

/** Samples RSS every 100 ms (next to maxRSS, which the kernel keeps). */
export function rssSampler(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  }, 100);
  timer.unref();
  return () => {
    clearInterval(timer);
    return round(mb(Math.max(peak, process.memoryUsage().rss)));
  };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return round((u.user + u.system) / 1000);
};

/** zlib deflate (level 6) of the files' bytes as one stream: read → deflateRaw → discard. */
async function childZlib(a: { files: string[] }): Promise<ZlibResult> {
  let inBytes = 0;
  let outBytes = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await pipeline(
    async function* () {
      for (const f of a.files) {
        for await (const b of fs.createReadStream(f)) {
          inBytes += (b as Buffer).length;
          yield b as Buffer;
        }
      }
    },
    zlib.createDeflateRaw({ level: 6 }),
    new Writable({ write(b: Buffer, _e, cb) { outBytes += b.length; cb(); } }),
  );
  return { ms: round(performance.now() - t), inBytes, outBytes, cpuMs: cpuMs(cpu), maxRssMB: maxRssMB() };
}

async function childBuild(a: { dir: string; out: string }): Promise<BuildChildResult> {
  const peak = rssSampler();
  const t0 = performance.now();
  const project = await loadProject(a.dir, nodeFileHost);
  const pkg = project.packages.find((p) => p.code === PKG_CODE);
  if (!pkg) throw new Error(`no package \`${PKG_CODE}\` in ${a.dir}`);
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  let firstData = 0;
  const onProgress = () => {
    if (!firstData) firstData = performance.now();
  };
  const r = await buildPackage({ project, pkg, out: a.out, data: 'all', history: {}, tool: { name: 'isola-bench', version }, onProgress });
  const t2 = performance.now();
  return {
    loadMs: round(t1 - t0), buildMs: round(t2 - t1), fixedMs: round((firstData || t2) - t1), cpuMs: cpuMs(cpu), size: r.size, entries: r.descriptor.entries.length + 1,
    chunks: r.descriptor.data.reduce((n, d) => n + d.chunks.length, 0),
    records: Object.fromEntries(r.descriptor.data.map((d) => [d.app, d.records])), maxRssMB: maxRssMB(), sampledPeakMB: peak(),
  };
}

async function childRead(a: { file: string; records: boolean; warm?: boolean }): Promise<ReadChildResult> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const reader = await PackageReader.open(a.file);
  const t1 = performance.now();
  await reader.verify();
  const t2 = performance.now();
  const verifyCpu = cpuMs(cpu);
  const verifyRssMB = maxRssMB();
  let warmOpenVerifyMs: number | undefined;
  if (a.warm) {
    // Once more in the same process: without the first run's compilation and warm-up.
    const t = performance.now();
    const again = await PackageReader.open(a.file);
    await again.verify();
    again.close();
    warmOpenVerifyMs = round(performance.now() - t);
  }
  const t2b = performance.now();
  const records: Record<string, number> = {};
  if (a.records) {
    for (const d of reader.descriptor.data) {
      let n = 0;
      for await (const rec of reader.records(d.app)) if (rec.id !== undefined) n++;
      records[d.app] = n;
    }
  }
  const t3 = performance.now();
  reader.close();
  return {
    openMs: round(t1 - t0), verifyMs: round(t2 - t1), cpuMs: verifyCpu, verifyRssMB,
    recordsMs: round(t3 - t2b), records, ...(warmOpenVerifyMs !== undefined ? { warmOpenVerifyMs } : {}), maxRssMB: maxRssMB(), entries: reader.entries.size,
  };
}

function runChild<T>(mode: string, a: object, nodeFlags: string[] = []): T {
  const r = spawnSync(process.execPath, [...nodeFlags, __filename, '--child', mode, '--args', JSON.stringify(a)], {
    encoding: 'utf8', maxBuffer: 64 * MB,
  });
  if (r.status !== 0) throw new Error(`${mode} child failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

async function child(mode: string, a: never): Promise<void> {
  const fns: Record<string, (a: never) => Promise<unknown>> = { zlib: childZlib, build: childBuild, read: childRead };
  const out = await fns[mode](a);
  process.stdout.write(JSON.stringify(out) + '\n');
}

// ---------------------------------------------------------------------------------------------
// External tools
// ---------------------------------------------------------------------------------------------

function have(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** `unzip` (apt package `unzip`), installed when missing. */
function ensureUnzip(): void {
  if (have('unzip', ['-v'])) return;
  console.log('`unzip` is not installed; the read baseline needs it: installing the apt package `unzip` (apt-get install -y unzip)...');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]) => {
    const cmd = [...sudo, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return r.status === 0;
  };
  if (!run(['apt-get', 'install', '-y', '--no-install-recommends', 'unzip'])) run(['apt-get', 'update']);
  if (!have('unzip', ['-v']) && !run(['apt-get', 'install', '-y', '--no-install-recommends', 'unzip'])) {
    throw new Error('could not install `unzip` (apt-get install -y unzip failed); install it and run the benchmark again');
  }
  if (!have('unzip', ['-v'])) throw new Error('`unzip` is still not on PATH after installing it');
}

function timeCmd(cmd: string, args: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * MB, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).slice(-2000)}`);
  return { ms: round(ms), stdout: r.stdout };
}

/** Reads the files once so that every measured step starts from the page cache. */
async function warm(files: string[]): Promise<void> {
  for (const f of files) for await (const _ of fs.createReadStream(f, { highWaterMark: 4 * MB })) { /* read */ }
}

function freeBytes(dir: string): number {
  const r = spawnSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' });
  return Number(r.stdout.trim().split('\n').pop());
}

// ---------------------------------------------------------------------------------------------
// Benchmark
// ---------------------------------------------------------------------------------------------

interface Figures {
  records: number;
  inputMB: number;
  zlibMs: number;
  zlibMBps: number;
  zlibOutMB: number;
  zlibCpuMs: number;
  buildMs: number;
  buildMBps: number;
  buildCpuMs: number;
  /** Of the build, the time before the first data record (isolation check, cards, attachments). */
  buildFixedMs: number;
  buildRatio: number;
  /** Best build MB/s ÷ best zlib MB/s over the runs (least disturbed by other work on the machine). */
  bestBuildRatio: number;
  loadMs: number;
  packageMB: number;
  entries: number;
  chunks: number;
  unzipTestMs: number;
  openMs: number;
  verifyMs: number;
  oursMs: number;
  readRatio: number;
  /** unzip -t ÷ open+verify run a second time in the same process (first run's JIT warm-up excluded). */
  warmReadRatio: number;
  recordsMs: number;
  recordsRead: number;
  buildRssMB: number;
  buildSampledPeakMB: number;
  readRssMB: number;
  verifyRssMB: number;
  runs: number;
  /** 1-minute load average before and after this size's runs (other work on the machine skews wall times). */
  load: [number, number];
  generatedMs?: number;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`benchmark check failed: ${what}`);
}

async function benchSize(records: number, runs: number, seed: number, profile: boolean): Promise<Figures> {
  const data = await generateDataset({ records, profile: 'std', seed });
  const files = data.files.map((f) => f.file);
  const inputMB = mb(data.bytes);
  console.log(`\n== ${records} records: ${data.dir}`);
  console.log(`   ${data.files.map((f) => `${f.app} ${f.records} records ${mb(f.bytes).toFixed(1)} MB`).join(', ')}; ` +
    `${(data.bytes / records).toFixed(0)} bytes/record${data.generatedMs ? `; generated in ${(data.generatedMs / 1000).toFixed(1)} s` : ' (reused)'}`);
  const out = path.join(data.dir, 'out', `${PKG_CODE}.isolapkg`);
  await warm(files);
  const load0 = round(os.loadavg()[0], 2);

  const zl: ZlibResult[] = [];
  const bl: BuildChildResult[] = [];
  const unzipMs: number[] = [];
  const rd: ReadChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    zl.push(runChild<ZlibResult>('zlib', { files }));
    bl.push(runChild<BuildChildResult>('build', { dir: data.dir, out }));
    unzipMs.push(timeCmd('unzip', ['-t', out]).ms);
    rd.push(runChild<ReadChildResult>('read', { file: out, records: i === 0, warm: i === 0 }));
  }
  const b0 = bl[0];
  check(b0.records[`${NS}.customers`] + b0.records[`${NS}.orders`] === records, `build packed ${JSON.stringify(b0.records)}, expected ${records} records`);
  const recordsRead = Object.values(rd[0].records).reduce((x, y) => x + y, 0);
  check(recordsRead === records, `records() read ${recordsRead} records, expected ${records}`);
  const zlibMs = median(zl.map((z) => z.ms));
  const buildMs = median(bl.map((b) => b.buildMs));
  const oursMs = median(rd.map((r) => r.openMs + r.verifyMs));
  const unzipTestMs = median(unzipMs);
  const zlibMBps = inputMB / (zlibMs / 1000);
  const buildMBps = inputMB / (buildMs / 1000);
  const f: Figures = {
    records, inputMB: round(inputMB), zlibMs, zlibMBps: round(zlibMBps), zlibOutMB: round(mb(zl[0].outBytes)), zlibCpuMs: median(zl.map((z) => z.cpuMs)),
    buildMs, buildMBps: round(buildMBps), buildCpuMs: median(bl.map((b) => b.cpuMs)), buildFixedMs: median(bl.map((b) => b.fixedMs)), buildRatio: round(buildMBps / zlibMBps, 2),
    bestBuildRatio: round(Math.min(...zl.map((z) => z.ms)) / Math.min(...bl.map((b) => b.buildMs)), 2),
    loadMs: median(bl.map((b) => b.loadMs)), packageMB: round(mb(b0.size)), entries: b0.entries, chunks: b0.chunks,
    unzipTestMs, openMs: median(rd.map((r) => r.openMs)), verifyMs: median(rd.map((r) => r.verifyMs)), oursMs: round(oursMs),
    readRatio: round(unzipTestMs / oursMs, 2), warmReadRatio: round(unzipTestMs / rd[0].warmOpenVerifyMs!, 2), recordsMs: rd[0].recordsMs, recordsRead,
    buildRssMB: b0.maxRssMB, buildSampledPeakMB: b0.sampledPeakMB, readRssMB: rd[0].maxRssMB, verifyRssMB: rd[0].verifyRssMB, runs, load: [load0, round(os.loadavg()[0], 2)],
    ...(data.generatedMs ? { generatedMs: data.generatedMs } : {}),
  };
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const buildOk = f.buildRatio >= GOAL_BUILD_RATIO;
  const readOk = f.readRatio >= GOAL_READ_RATIO;
  const rssOk = records < 1_000_000 || (f.buildRssMB < GOAL_RSS_MB && f.readRssMB < GOAL_RSS_MB);
  console.log(`   load average ${f.load[0]} → ${f.load[1]} on ${os.cpus().length} CPUs`);
  console.log(`   zlib deflate -6: ${zlibMs} ms = ${f.zlibMBps} MB/s (CPU ${f.zlibCpuMs} ms, → ${f.zlibOutMB} MB); runs ${zl.map((z) => z.ms).join(', ')}`);
  console.log(`   build: ${buildMs} ms = ${f.buildMBps} MB/s (CPU ${f.buildCpuMs} ms; ${f.buildFixedMs} ms before the first record; loadProject ${f.loadMs} ms) → ${f.packageMB} MB, ` +
    `${f.entries} entries (${f.chunks} data chunks); runs ${bl.map((b) => b.buildMs).join(', ')}`);
  console.log(`   build/zlib ${f.buildRatio}x (best run vs best run ${f.bestBuildRatio}x) [goal >= ${GOAL_BUILD_RATIO}: ${met(buildOk)}]`);
  console.log(`   read: unzip -t ${unzipTestMs} ms; open ${f.openMs} + verify ${f.verifyMs} = ${f.oursMs} ms; unzip/ours ${f.readRatio}x ` +
    `[goal >= ${GOAL_READ_RATIO}: ${met(readOk)}]; again in the same process ${rd[0].warmOpenVerifyMs} ms (${f.warmReadRatio}x); ` +
    `records() ${f.recordsMs} ms for ${recordsRead} records`);
  console.log(`   peak RSS: build ${f.buildRssMB} MB (sampled ${f.buildSampledPeakMB}), read ${f.readRssMB} MB (after verify ${f.verifyRssMB})` +
    (records >= 1_000_000 ? ` [goal < ${GOAL_RSS_MB} MB: ${met(rssOk)}]` : ''));
  if (profile || !buildOk || !readOk || !rssOk) profileRun(data.dir, out, records);
  return f;
}

/** The build and the read once more under `--cpu-prof`; the top self-time functions of each. */
function profileRun(dir: string, out: string, records: number): void {
  for (const [mode, a] of [['build', { dir, out }], ['read', { file: out, records: false }]] as const) {
    const profDir = path.join(WORK, `prof-package-${records}-${mode}`);
    fs.rmSync(profDir, { recursive: true, force: true });
    runChild(mode, a, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500']);
    const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
    console.log(`   CPU profile of the ${mode} (main thread only; zlib runs on the libuv pool): ${path.join(profDir, file)}`);
    for (const line of summarizeProfile(path.join(profDir, file), 20)) console.log(`     ${line.replace(/ (\.\.\/)+/, ' ')}`);
     for (const line of inclusiveProfile(path.join(profDir, file), 25)) console.log(`     ${line}`);
  }
}

/** Inclusive (self + callees) time per function, mapped through source maps, highest first. */
export function inclusiveProfile(file: string, top: number): string[] {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const locate = sourceLocator(ROOT);
  const where = (cf: ProfileNode['callFrame']): string => locate(cf) ?? '(native)';
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const keys = new Map<number, string>();
  const key = (id: number) => {
    let k = keys.get(id);
    if (!k) {
      const cf = byId.get(id)!.callFrame;
      k = `${cf.functionName || '(anonymous)'}  ${where(cf)}`;
      keys.set(id, k);
    }
    return k;
  };
  const incl = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    total += us;
    const seen = new Set<string>();
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const k = key(x);
      if (k.startsWith('(root)') || seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const rows = [...incl].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`top ${top} by inclusive time:`,
    ...rows.map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)];
}


interface BigFigures {
  records: number;
  inputMB: number;
  buildMs: number;
  buildMBps: number;
  buildRssMB: number;
  packageBytes: number;
  packageGiB: number;
  entries: number;
  chunks: number;
  zip64: boolean;
  maxOffsetGiB: number;
  python: { entries: number; listMs: number; lastEntries: { name: string; bytes: number; sha256ok: boolean }[]; readLastMs: number; testzipMs: number; testzip: string | null };
  unzipList: { entries: number; ms: number };
  unzipTestMs: number;
  ours: { openMs: number; verifyMs: number; recordsMs: number; records: number; maxRssMB: number };
  generatedMs?: number;
}

const PY_CHECK = String.raw`
import hashlib, json, sys, time, zipfile
f = sys.argv[1]
t = time.time()
z = zipfile.ZipFile(f)
infos = z.infolist()
list_ms = (time.time() - t) * 1000
desc = json.loads(z.read('meta_data.json'))
index = {e['path']: e['sha256'] for e in desc['entries']}
t = time.time()
last = []
# The last entry of the central directory, and the data chunk that sits furthest into the file.
data = [i for i in infos if i.filename.startswith('data/')]
for info in [infos[-1], max(data, key=lambda i: i.header_offset)]:
    h = hashlib.sha256(); n = 0
    with z.open(info) as s:
        while True:
            b = s.read(1 << 20)
            if not b: break
            h.update(b); n += len(b)
    ok = info.filename == 'meta_data.json' or index.get(info.filename) == h.hexdigest()
    last.append({'name': info.filename, 'offset': info.header_offset, 'bytes': n, 'sha256ok': ok})
read_last_ms = (time.time() - t) * 1000
t = time.time()
bad = z.testzip() if '--testzip' in sys.argv else None
testzip_ms = (time.time() - t) * 1000 if '--testzip' in sys.argv else -1
with open(f, 'rb') as fh:
    fh.seek(0, 2); size = fh.tell(); fh.seek(max(0, size - 65557)); tail = fh.read()
print(json.dumps({'entries': len(infos), 'indexed': len(index), 'listMs': round(list_ms, 1), 'lastEntries': last,
  'readLastMs': round(read_last_ms, 1), 'testzipMs': round(testzip_ms, 1), 'testzip': bad,
  'maxOffset': max(i.header_offset for i in infos), 'zip64Eocd': b'PK\x06\x06' in tail, 'size': size}))
`;

async function benchBig(records: number, seed: number, keep: boolean): Promise<BigFigures | { skipped: string }> {
  const spec: DataSpec = { records, profile: 'big', seed };
  const dir = datasetDir(spec);
  const free = freeBytes(fs.existsSync(WORK) ? WORK : ROOT);
  const haveData = fs.existsSync(path.join(dir, 'data', 'orders.jsonl.gen.json'));
  const estimate = records * 4.2e3; // input bytes (orders ~4.3 KB, customers ~1.2 KB)
  const need = Math.max(BIG_MIN_FREE, (haveData ? 0 : estimate) + estimate * 0.66 + 1e9);
  console.log(`\n== big package: ${records} records (~${(estimate / 1e9).toFixed(1)} GB of input), ${(free / 1e9).toFixed(1)} GB free on ${WORK}`);
  if (free < need) {
    const why = `only ${(free / 1e9).toFixed(1)} GB free on ${WORK}; the big package needs ${(need / 1e9).toFixed(1)} GB: skipped`;
    console.log(`   ${why}`);
    return { skipped: why };
  }
  if (!have('python3', ['-c', 'import zipfile, hashlib'])) throw new Error('python3 (with zipfile) is needed for --big');
  const data = await generateDataset(spec);
  console.log(`   ${data.files.map((f) => `${f.app} ${f.records} records ${mb(f.bytes).toFixed(0)} MB`).join(', ')}; ` +
    `${(data.bytes / records).toFixed(0)} bytes/record${data.generatedMs ? `; generated in ${(data.generatedMs / 1000).toFixed(1)} s` : ' (reused)'}`);
  const out = path.join(data.dir, 'out', `${PKG_CODE}.isolapkg`);
  const b = runChild<BuildChildResult>('build', { dir: data.dir, out });
  const inputMB = mb(data.bytes);
  const built = b.records[`${NS}.customers`] + b.records[`${NS}.orders`];
  check(built === records, `big build packed ${built} records, expected ${records}`);
  console.log(`   build: ${(b.buildMs / 1000).toFixed(1)} s = ${round(inputMB / (b.buildMs / 1000))} MB/s → ${(b.size / 2 ** 30).toFixed(2)} GiB ` +
    `(${b.size} bytes), ${b.entries} entries; peak RSS ${b.maxRssMB} MB`);
  if (b.size <= 2 ** 32) console.log(`   warning: the package is ${b.size} bytes, not past 4 GiB: raise --big-records`);

  const py = JSON.parse(timeCmd('python3', ['-c', PY_CHECK, out, '--testzip']).stdout.trim()) as {
    entries: number; indexed: number; listMs: number; lastEntries: { name: string; offset: number; bytes: number; sha256ok: boolean }[];
    readLastMs: number; testzipMs: number; testzip: string | null; maxOffset: number; zip64Eocd: boolean; size: number;
  };
  check(py.entries === b.entries, `python zipfile sees ${py.entries} entries, the build wrote ${b.entries}`);
  check(py.entries === py.indexed + 1, `python zipfile sees ${py.entries} entries, the descriptor indexes ${py.indexed} (+ itself)`);
  check(py.lastEntries.every((e) => e.sha256ok), `python read a last entry whose sha256 differs from the index: ${JSON.stringify(py.lastEntries)}`);
  check(py.testzip === null, `python testzip() reports a bad entry: ${py.testzip}`);
  console.log(`   python zipfile: ${py.entries} entries listed in ${py.listMs} ms; read fully and hashed ` +
    `${py.lastEntries.map((e) => `${e.name} @${(e.offset / 2 ** 30).toFixed(2)} GiB (${e.bytes} bytes, sha256 ${e.sha256ok ? 'ok' : 'WRONG'})`).join(', ')} in ${py.readLastMs} ms; ` +
    `testzip() ${(py.testzipMs / 1000).toFixed(1)} s: ${py.testzip ?? 'all CRCs ok'}; ZIP64 end record: ${py.zip64Eocd}`);
  const ul = timeCmd('unzip', ['-l', out]);
  const m = /(\d+)\s+files?\s*$/.exec(ul.stdout.trim());
  const unzipEntries = m ? Number(m[1]) : -1;
  check(unzipEntries === b.entries, `unzip -l lists ${unzipEntries} entries, the build wrote ${b.entries}`);
  console.log(`   unzip -l: ${unzipEntries} entries in ${ul.ms} ms`);
  const ut = timeCmd('unzip', ['-t', out]);
  check(/No errors detected/.test(ut.stdout), `unzip -t: ${ut.stdout.slice(-500)}`);
  console.log(`   unzip -t: no errors, ${(ut.ms / 1000).toFixed(1)} s`);
  const r = runChild<ReadChildResult>('read', { file: out, records: true });
  const read = Object.values(r.records).reduce((x, y) => x + y, 0);
  check(read === records, `our reader read ${read} records, expected ${records}`);
  console.log(`   ours: open ${r.openMs} ms + verify ${(r.verifyMs / 1000).toFixed(1)} s; records() ${(r.recordsMs / 1000).toFixed(1)} s for ${read} records; peak RSS ${r.maxRssMB} MB`);
  if (!keep) fs.rmSync(out, { force: true });
  return {
    records, inputMB: round(inputMB), buildMs: b.buildMs, buildMBps: round(inputMB / (b.buildMs / 1000)), buildRssMB: b.maxRssMB,
    packageBytes: b.size, packageGiB: round(b.size / 2 ** 30, 2), entries: b.entries, chunks: b.chunks,
    zip64: py.zip64Eocd, maxOffsetGiB: round(py.maxOffset / 2 ** 30, 2),
    python: { entries: py.entries, listMs: py.listMs, lastEntries: py.lastEntries, readLastMs: py.readLastMs, testzipMs: py.testzipMs, testzip: py.testzip },
    unzipList: { entries: unzipEntries, ms: ul.ms }, unzipTestMs: ut.ms,
    ours: { openMs: r.openMs, verifyMs: r.verifyMs, recordsMs: r.recordsMs, records: read, maxRssMB: r.maxRssMB },
    ...(data.generatedMs ? { generatedMs: data.generatedMs } : {}),
  };
}

function table(rows: Figures[]): void {
  const cols: [string, (f: Figures) => string | number][] = [
    ['records', (f) => f.records], ['input MB', (f) => f.inputMB], ['zlib MB/s', (f) => f.zlibMBps],
    ['build s', (f) => (f.buildMs / 1000).toFixed(2)], ['build MB/s', (f) => f.buildMBps], ['build/zlib', (f) => `${f.buildRatio}x`],
    ['pkg MB', (f) => f.packageMB], ['entries', (f) => f.entries], ['unzip -t s', (f) => (f.unzipTestMs / 1000).toFixed(2)],
    ['open+verify s', (f) => (f.oursMs / 1000).toFixed(2)], ['unzip/ours', (f) => `${f.readRatio}x`], ['(warm)', (f) => `${f.warmReadRatio}x`],
    ['records() s', (f) => (f.recordsMs / 1000).toFixed(2)], ['build RSS MB', (f) => f.buildRssMB], ['read RSS MB', (f) => f.readRssMB],
  ];
  const cells = [cols.map((c) => c[0]), ...rows.map((r) => cols.map((c) => String(c[1](r))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  console.log('');
  for (const row of cells) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '));
}

async function main(): Promise<void> {
  const mode = arg('child');
  if (mode) return child(mode, JSON.parse(arg('args')!) as never);
  const sizes = flag('big-only') ? [] : (arg('records') ?? '10000,100000,1000000').split(',').map(Number);
  const runs = Number(arg('runs') ?? 3);
  const seed = Number(arg('seed') ?? 20240401);
  const big = flag('big') || flag('big-only');
  const bigRecords = Number(arg('big-records') ?? 1_800_000);
  ensureUnzip();
  console.log(`Package benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 'default (4)'}`);
  const rows: Figures[] = [];
  for (const n of sizes) rows.push(await benchSize(n, runs, seed, flag('profile')));
  const bigResult = big ? await benchBig(bigRecords, seed, flag('keep')) : undefined;
  if (rows.length) table(rows);
  console.log(JSON.stringify({
    bench: 'package', node: process.version, cpus: os.cpus().length, runs, seed,
    goals: { buildOverZlib: GOAL_BUILD_RATIO, unzipOverOurs: GOAL_READ_RATIO, rssMBAt1M: GOAL_RSS_MB },
    sizes: rows, ...(bigResult ? { big: bigResult } : {}),
  }));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
