import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { followJob } from '../../../server/src/env/client';
import { LocalClient } from '../../../server/src/env/localClient';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { build, contentOf, findings } from './roundTrip';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import type { Card } from '../../../server/src/core/packaging/format';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { buildPackage } from '../../../server/src/core/packaging/builder';
import { readHistoryFile } from '../../../server/src/core/packaging/historyFile';

const REPO = path.resolve(__dirname, '../../../..');

const EXAMPLES = [
  { dir: 'examples/invoices', kind: 'workspace', exportKind: 'namespace', code: 'invoices' },
  { dir: 'examples/payments', kind: 'solution', exportKind: 'solution', code: 'payments_solution' },
  { dir: 'examples/company', kind: 'configuration', exportKind: 'configuration', code: 'company' },
] as const;

/** Uploads, plans (all data) and imports a package; fails the test unless the import succeeds. */
/** Runs `fn` with a fresh folder and an embedded environment in it, both gone afterwards. */
async function inLocalEnv(name: string, fn: (tmp: string, env: LocalClient) => Promise<void>): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `isola-exported-${name}-`));
  const env = await LocalClient.open(path.join(tmp, 'env'), 'ann');
  try {
    await fn(tmp, env);
  } finally {
    await env.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function importInto(env: LocalClient, file: string, as?: string): Promise<void> {
  const plan = await env.plan((await env.uploadPackage(file)).id, as, { data: 'all' });
  const job = await followJob(env, (await env.startImport(plan.id, 'cancel')).id, () => undefined, 20);
  assert.equal(job.status, 'succeeded', job.error);
}

/** Exports (design and data) into `file`; fails the test unless the export succeeds. */
async function exportTo(env: LocalClient, kind: string, code: string, file: string): Promise<void> {
  const job = await followJob(env, (await env.startExport({ kind, code, design: 'all', data: 'all' } as Parameters<LocalClient['startExport']>[0])).id, () => undefined, 20);
  assert.equal(job.status, 'succeeded', job.error);
  await env.downloadPackage(String(job.result!.package), file);
}

describe('a package exported from an environment, unpacked and built again, imports back as all unchanged', () => {
  for (const ex of EXAMPLES) {
    it(ex.dir, async () => {
      await inLocalEnv('example', async (tmp, env) => {
        const first = path.join(tmp, 'first.isolapkg');
        await build(path.join(REPO, ex.dir), ex.kind, ex.code, first);
        await importInto(env, first);
        const p = path.join(tmp, 'exported.isolapkg');
        await exportTo(env, ex.exportKind, ex.code, p);

        const dir = path.join(tmp, 'unpacked');
        await unpackPackage({ file: p, dir });
        const again = path.join(tmp, 'again.isolapkg');
        await build(dir, ex.kind, ex.code, again);
        const back = await env.plan((await env.uploadPackage(again)).id, undefined, { data: 'all' });
        assert.deepEqual(back.entities.filter((e) => e.action !== 'unchanged').map((e) => `${e.action} ${e.id}`), []);
        assert.deepEqual((await contentOf(again)).data, (await contentOf(p)).data);
      });
    });
  }
});

describe('a configuration exported from an environment that holds other namespaces', () => {
  it('unpacks into a configuration manifest that includes every unit, so its build carries them all again', async () => {
    await inLocalEnv('conf', async (tmp, env) => {
      for (const ex of EXAMPLES) {
        const file = path.join(tmp, `${ex.code}.isolapkg`);
        await build(path.join(REPO, ex.dir), ex.kind, ex.code, file);
        await importInto(env, file);
      }
      const p = path.join(tmp, 'exported.isolapkg');
      await exportTo(env, 'configuration', 'company', p);
      const dir = path.join(tmp, 'unpacked');
      await unpackPackage({ file: p, dir });
      const again = path.join(tmp, 'again.isolapkg');
      await build(dir, 'configuration', 'company', again);
      const [before, after] = [await contentOf(p), await contentOf(again)];
      assert.ok(Object.keys(before.cards).some((k) => k.startsWith('app invoices.')), 'the export carries the other workspaces');
      assert.deepEqual(Object.keys(after.cards).sort(), Object.keys(before.cards).sort());
      assert.deepEqual(after.data, before.data);
    });
  });
});

describe('a copy of an app package (`as`) with its records', () => {
  it('keeps its own records, and an export of the namespace unpacks both apps with their records', async () => {
    await inLocalEnv('copy', async (tmp, env) => {
      const src = path.join(tmp, 'src');
      mkdirSync(path.join(src, 'data'), { recursive: true });
      writeFileSync(path.join(src, 'tickets.isola.json'), JSON.stringify({
        kind: 'app', code: 'tickets', namespace: 'solo', title: 'Tickets', version: '1.0.0', languages: ['en'],
        fields: [{ code: 'subject', type: 'string' }], data: { tickets: 'data/t.jsonl' },
      }, null, 2));
      writeFileSync(path.join(src, 'data', 't.jsonl'), '{"id":"1","subject":"first"}\n{"id":"2","subject":"second"}\n');
      const file = path.join(tmp, 'tickets.isolapkg');
      await build(src, 'app', 'tickets', file);
      for (const as of [undefined, 'tickets_copy']) await importInto(env, file, as);
      const p = path.join(tmp, 'exported.isolapkg');
      await exportTo(env, 'namespace', 'solo', p);
      // The copy's records are its own data set; its card names no data file (an app card leaves
      // its manifest's `data` out), so nothing in it can name the original's.
      const copyCard = (await contentOfCards(p)).find((c) => c.id === 'solo.tickets_copy');
      assert.ok(copyCard && copyCard.body.data === undefined, JSON.stringify(copyCard?.body));
      const dir = path.join(tmp, 'unpacked');
      await unpackPackage({ file: p, dir });
      for (const app of ['tickets', 'tickets_copy']) {
        const again = path.join(tmp, `${app}.isolapkg`);
        await build(dir, 'app', app, again);
        assert.deepEqual((await contentOf(again)).data[`solo.${app}`], (await contentOf(p)).data[`solo.${app}`], app);
      }
    });
  });
});

async function contentOfCards(file: string): Promise<Card[]> {
  const r = await PackageReader.open(file);
  try {
    return (await r.cards()).map((x) => x.card);
  } finally {
    r.close();
  }
}

describe('a copy of a workspace (`as`), exported, unpacked and built again', () => {
  it('imports back as all unchanged: its files are named after the copy, as a build names them', async () => {
    await inLocalEnv('as', async (tmp, env) => {
      const first = path.join(tmp, 'first.isolapkg');
      await build(path.join(REPO, 'examples/invoices'), 'workspace', 'invoices', first);
      await importInto(env, first, 'inv_copy');
      const p = path.join(tmp, 'exported.isolapkg');
      await exportTo(env, 'namespace', 'inv_copy', p);
      assert.ok((await contentOfCards(p)).flatMap((c) => JSON.stringify(c.body).match(/scripts\/[a-z_.]+\.ts/g) ?? []).every((f) => f.startsWith('scripts/inv_copy.')));
      const dir = path.join(tmp, 'unpacked');
      await unpackPackage({ file: p, dir });
      const again = path.join(tmp, 'again.isolapkg');
      await build(dir, 'workspace', 'inv_copy', again);
      const back = await env.plan((await env.uploadPackage(again)).id, undefined, { data: 'all' });
      assert.deepEqual(back.entities.filter((e) => e.action !== 'unchanged').map((e) => `${e.action} ${e.id}`), []);
    });
  });
});

describe('a copy of a workspace (`as`) whose script imports its own namespace', () => {
  it('imports the copy\'s namespace: exported and unpacked, the copy is as isolated as the original', async () => {
    await inLocalEnv('imports', async (tmp, env) => {
      const src = path.join(tmp, 'src');
      mkdirSync(path.join(src, 'scripts'), { recursive: true });
      writeFileSync(path.join(src, 'src.isola.json'), JSON.stringify({
        kind: 'workspace', code: 'src', version: '1.0.0', languages: ['en'], apps: [{ code: 'b' }],
        processes: [{ code: 'p', app: 'src.b', scripts: [{ code: 's', file: 'scripts/s.ts', imports: ['src', 'tax'] }] }],
      }, null, 2));
      writeFileSync(path.join(src, 'scripts', 's.ts'), 'export async function run() {}\n');
      const file = path.join(tmp, 'src.isolapkg');
      await build(src, 'workspace', 'src', file);
      await importInto(env, file, 'src_copy');
      const p = path.join(tmp, 'exported.isolapkg');
      await exportTo(env, 'namespace', 'src_copy', p);
      const dir = path.join(tmp, 'unpacked');
      await unpackPackage({ file: p, dir });
      const m = JSON.parse(readFileSync(path.join(dir, 'src_copy', 'src_copy.isola.json'), 'utf8'));
      assert.deepEqual(m.processes[0].scripts[0].imports, ['src_copy', 'tax']);
      assert.deepEqual((await findings(dir)).filter((f) => !f.includes('`tax`')), []);
    });
  });
});

describe('a copy of a workspace (`as`) with an app manifest', () => {
  it('unpacks its export into the copy\'s namespace, with nothing of the original\'s', async () => {
    await inLocalEnv('appmanifest', async (tmp, env) => {
      const src = path.join(tmp, 'src');
      mkdirSync(path.join(src, 'apps'), { recursive: true });
      writeFileSync(path.join(src, 'src.isola.json'), JSON.stringify({ kind: 'workspace', code: 'src', version: '1.0.0', languages: ['en'], apps: [{ code: 'b' }] }, null, 2));
      const app = { kind: 'app', namespace: 'src', code: 'a', fields: [{ code: 'to_b', type: 'app', app: 'src.b' }], processes: [{ code: 'p', app: 'a' }] };
      writeFileSync(path.join(src, 'apps', 'a.isola.json'), JSON.stringify(app, null, 2));
      const file = path.join(tmp, 'src.isolapkg');
      await build(src, 'workspace', 'src', file);
      await importInto(env, file, 'src_copy');
      const p = path.join(tmp, 'exported.isolapkg');
      await exportTo(env, 'namespace', 'src_copy', p);
      const dir = path.join(tmp, 'unpacked');
      await unpackPackage({ file: p, dir });
      const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      // An app manifest's card carries the app alone (as an inline app's does), so a fresh unpack
      // declares it inline: in the copy's workspace, with the reference renamed, nothing of `src`.
      assert.deepEqual(read('src_copy/src_copy.isola.json'), {
        kind: 'workspace', code: 'src_copy', version: '1.0.0', languages: ['en'],
        apps: [{ code: 'a', fields: [{ app: 'src_copy.b', code: 'to_b', type: 'app' }] }, { code: 'b' }],
        processes: [{ code: 'p', app: 'a' }],
      });
      const again = path.join(tmp, 'again.isolapkg');
      await build(dir, 'workspace', 'src_copy', again);
      const back = await env.plan((await env.uploadPackage(again)).id, undefined, { data: 'all' });
      assert.deepEqual(back.entities.filter((e) => e.action !== 'unchanged').map((e) => `${e.action} ${e.id}`), []);
    });
  });
});

describe('a configuration that includes nothing, imported and retrieved', () => {
  it('leaves its manifest byte for byte as it was', async () => {
    await inLocalEnv('conf-none', async (tmp, env) => {
      const src = path.join(tmp, 'src');
      mkdirSync(src);
      const text = [
        '{ "kind": "configuration", "code": "co", "version": "1.0.0", "languages": ["en"],',
        '  "orgChart": { "code": "ceo", "children": [ { "code": "finance" } ] },',
        '  "globals": { "groups": [ { "code": "all_managers" } ] } }',
        '',
      ].join('\n');
      writeFileSync(path.join(src, 'co.isola.json'), text);
      const file = path.join(tmp, 'co.isolapkg');
      await build(src, 'configuration', 'co', file);
      await importInto(env, file);
      const p = path.join(tmp, 'exported.isolapkg');
      await exportTo(env, 'configuration', 'co', p);
      const r = await unpackPackage({ file: p, dir: src });
      assert.deepEqual(r.files.filter((f) => f.file.endsWith('.isola.json') && f.status !== 'unchanged').map((f) => `${f.status} ${f.file}`), []);
      assert.equal(readFileSync(path.join(src, 'co.isola.json'), 'utf8'), text);
    });
  });
});

describe('an app a workspace declares inline, exported as an app package', () => {
  it('unpacks to an app manifest that builds back as the same package, all unchanged; into the project that declares it, refused', async () => {
    await inLocalEnv('app', async (tmp, env) => {
      const src = path.join(tmp, 'src');
      mkdirSync(path.join(src, 'data'), { recursive: true });
      const workspace = JSON.stringify({
        kind: 'workspace', code: 'l', version: '1.0.0', languages: ['en'],
        apps: [{ code: 'cats', fields: [{ code: 'name', type: 'string' }] }, { code: 'items' }], data: { cats: 'data/cats.jsonl' },
      });
      writeFileSync(path.join(src, 'l.isola.json'), workspace);
      writeFileSync(path.join(src, 'data', 'cats.jsonl'), '{"id":"c1","name":"Cat one"}\n');
      const first = path.join(tmp, 'l.isolapkg');
      await build(src, 'workspace', 'l', first);
      await importInto(env, first);
      const p = path.join(tmp, 'cats.isolapkg');
      await exportTo(env, 'app', 'l.cats', p);
      const dir = path.join(tmp, 'unpacked');
      await unpackPackage({ file: p, dir });
      // No workspace manifest: the package does not carry workspace l, and one made up would replace it on import.
      assert.deepEqual((readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).sort(), ['cats.isola.json', 'data', 'data/cats.jsonl', 'isola.history.json']);
      // Built as `isola build` builds it, with the history the unpack merged.
      const again = path.join(tmp, 'again.isolapkg');
      const project = await loadProject(dir, nodeFileHost);
      const pkg = project.packages.find((x) => x.kind === 'app' && x.code === 'cats')!;
      await buildPackage({ project, pkg, out: again, history: await readHistoryFile(dir), tool: { name: 'isola', version: 'test' }, data: 'all', createdBy: 'test' });
      const back = await env.plan((await env.uploadPackage(again)).id, undefined, { data: 'all' });
      // The app manifest's card is the inline app's: nothing to update.
      assert.deepEqual(back.entities.filter((e) => e.action !== 'unchanged').map((e) => `${e.action} ${e.id}`), []);
      assert.deepEqual((await contentOf(again)).data, (await contentOf(p)).data);
      await assert.rejects(unpackPackage({ file: p, dir: src }), /l\.isola\.json declares app l\.cats already, as the manifest of workspace l/);
      assert.equal(readFileSync(path.join(src, 'l.isola.json'), 'utf8'), workspace);
    });
  });
});
