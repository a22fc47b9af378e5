/**
 * Shared helpers of the environment scenario and role tests: example projects copied to a
 * temporary folder, edited as a developer would (JSONC edits keep the comments), rebuilt with the
 * real CLI, and thin wrappers over the service's HTTP API.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits, JSONPath, modify } from 'jsonc-parser';
import { api, CLI, REPO, waitJob } from './service';

type Svc = { url: string };

/** A temporary folder for copies of the examples and the packages built from them; `dispose()` removes it. */
export class Workdir {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'isola-scenario-'));
  private n = 0;

  /** Copies `examples/<name>` (its `isola.history.json` included) to a fresh folder and returns the copy. */
  copyExample(name: string, as = name): Project {
    const dir = path.join(this.root, as);
    cpSync(path.join(REPO, 'examples', name), dir, { recursive: true });
    return new Project(dir, this);
  }

  /** A fresh file path in the work folder. */
  file(name: string): string {
    return path.join(this.root, `${++this.n}-${name}`);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A copied example project: its manifest is edited in place and built as often as a test needs. */
export class Project {
  constructor(readonly dir: string, private readonly work: Workdir) {}

  /** Sets (or, with `undefined`, removes) the value at `at` in a JSONC manifest, comments kept. */
  edit(manifest: string, at: JSONPath, value: unknown): this {
    const file = path.join(this.dir, manifest);
    const text = readFileSync(file, 'utf8');
    const edits = modify(text, at, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    assert.ok(edits.length, `no edit at ${JSON.stringify(at)} in ${manifest}`);
    writeFileSync(file, applyEdits(text, edits));
    return this;
  }

  /** Writes a file of the project (a data JSONL, a script). */
  write(rel: string, content: string): this {
    writeFileSync(path.join(this.dir, rel), content);
    return this;
  }

  /** `isola build` as a user runs it (the project's history file is updated); returns the package file. */
  build(pkg: string, args: string[] = ['--data', 'all']): string {
    const out = this.work.file(`${pkg}.isolapkg`);
    const r = spawnSync(process.execPath, [CLI, 'build', this.dir, '--package', pkg, ...args, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, `isola build ${pkg} in ${this.dir}:\n${r.stdout}\n${r.stderr}`);
    return out;
  }
}

/** Asserts a status and returns the body, with the whole answer in the message when it differs. */
export function expectStatus(r: { status: number; body: any }, status: number, what: string): any {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Uploads a package file; returns the stored package (its `id`). */
export async function upload(s: Svc, token: string, file: string): Promise<any> {
  return expectStatus(await api(s, 'POST', '/v1/packages', { token, raw: readFileSync(file) }), 201, `upload ${path.basename(file)}`);
}

/** Makes an import plan of a stored package. */
export async function plan(s: Svc, token: string, pkg: string, as?: string): Promise<any> {
  return expectStatus(await api(s, 'POST', '/v1/plans', { token, body: { package: pkg, ...(as ? { as } : {}) } }), 201, `plan of ${pkg}`);
}

/** Starts the import of a plan and waits for its job; returns the finished job. */
export async function runImport(s: Svc, token: string, planId: string, onConflict: 'cancel' | 'replace' = 'cancel'): Promise<any> {
  const job = expectStatus(await api(s, 'POST', '/v1/imports', { token, body: { plan: planId, onConflict } }), 202, `import of plan ${planId}`);
  assert.equal(job.kind, 'import');
  return waitJob(s, token, job.id);
}

/** Upload, plan and import in one go (for setting the stage); asserts the job succeeded. */
export async function importFile(s: Svc, token: string, file: string, onConflict: 'cancel' | 'replace' = 'cancel'): Promise<{ pkg: any; plan: any; job: any }> {
  const pkg = await upload(s, token, file);
  const p = await plan(s, token, pkg.id);
  assert.ok(p.ok, `plan checks: ${JSON.stringify(p.checks.filter((c: any) => !c.ok))}`);
  const job = await runImport(s, token, p.id, onConflict);
  assert.equal(job.status, 'succeeded', `import job: ${job.error}`);
  return { pkg, plan: p, job };
}

/** The environment's revision (bumped by every change). */
export async function revision(s: Svc): Promise<number> {
  return expectStatus(await api(s, 'GET', '/v1/health'), 200, 'health').revision;
}

/** Every entity of a namespace: id → { hash, deleted, updatedAt }. */
export async function snapshot(s: Svc, token: string, ns: string): Promise<Record<string, { hash: string; deleted: boolean; updatedAt: string }>> {
  const list = expectStatus(await api(s, 'GET', `/v1/namespaces/${ns}/entities`, { token }), 200, `entities of ${ns}`);
  return Object.fromEntries(list.map((e: any) => [e.id, { hash: e.hash, deleted: e.deleted, updatedAt: e.updatedAt }]));
}

/** One entity as the environment holds it (with its history). */
export async function entity(s: Svc, token: string, id: string): Promise<any> {
  return expectStatus(await api(s, 'GET', `/v1/entities/${id}`, { token }), 200, `entity ${id}`);
}

/** Changes an entity's title in the environment (as a platform user would in production). */
export async function changeTitle(s: Svc, token: string, id: string, title: string): Promise<any> {
  const e = await entity(s, token, id);
  return expectStatus(await api(s, 'PUT', `/v1/entities/${id}`, { token, body: { body: { ...e.body, title } } }), 200, `PUT ${id}`);
}

/** Records a namespace holds, as the namespace list counts them. */
export async function recordCount(s: Svc, token: string, ns: string): Promise<number> {
  const list = expectStatus(await api(s, 'GET', '/v1/namespaces', { token }), 200, 'namespaces');
  return list.find((n: any) => n.code === ns)?.records ?? 0;
}

/** The plan's action per entity id. */
export function actions(p: { entities: { id: string; action: string }[] }): Record<string, string> {
  return Object.fromEntries(p.entities.map((e) => [e.id, e.action]));
}

/** Creates a user owning `namespaces`; returns their token. */
export async function createUser(s: Svc, adminToken: string, name: string, namespaces: string[]): Promise<string> {
  const r = expectStatus(await api(s, 'POST', '/v1/users', { token: adminToken, body: { name, namespaces } }), 201, `create user ${name}`);
  assert.equal(typeof r.token, 'string');
  return r.token;
}

/** Every string in a JSON value (to look for references left behind). */
export function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** `n` data records for the invoices example's `payment_purposes` app, as JSONL. */
export function purposeRecords(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ id: `bulk-${String(i).padStart(7, '0')}`, name: `Purpose ${i}`, accounting_code: `60.${i}`, active: i % 2 === 0 }));
  return `${lines.join('\n')}\n`;
}

/**
 * The codes of siblings (menu pages, one unit's children) in the order their `after` links give,
 * asserting that they give one: a single first, no two following one, every sibling reached.
 */
export function siblingChain(list: { code: string; body: { after?: string } }[], what: string): string[] {
  const heads = list.filter((e) => e.body.after === undefined);
  assert.equal(heads.length, 1, `${what}: one first, not ${heads.map((e) => e.code).join(', ') || 'none'}`);
  const out = [heads[0].code];
  for (;;) {
    const next = list.filter((e) => e.body.after === out[out.length - 1]);
    assert.ok(next.length <= 1, `${what}: ${next.map((e) => e.code).join(' and ')} both follow ${out[out.length - 1]}`);
    if (!next.length) break;
    out.push(next[0].code);
  }
  assert.equal(out.length, list.length, `${what}: the links reach ${out.join(', ')} of ${list.map((e) => e.code).join(', ')}`);
  return out;
}
