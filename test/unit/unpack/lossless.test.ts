import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateProject } from '../../../bench/generate';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { packageErrors } from '../../../server/src/core/packaging/builder';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { build, findings, roundTrip } from './roundTrip';

const REPO = path.resolve(__dirname, '../../../..');

const EXAMPLES = [
  { dir: 'examples/invoices', kind: 'workspace', code: 'invoices' },
  { dir: 'examples/payments', kind: 'solution', code: 'payments_solution' },
  { dir: 'examples/company', kind: 'configuration', code: 'company' },
];

describe('unpack is lossless over the examples: build(unpack(build(M))) = build(M)', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.dir}`, async () => {
      const { before, after, unpacked } = await roundTrip(path.join(REPO, ex.dir), ex.kind, ex.code);
      assert.deepEqual(after.cards, before.cards);
      assert.deepEqual(after.deleted, before.deleted);
      assert.deepEqual(after.data, before.data);
      const had = new Set(await findings(path.join(REPO, ex.dir)));
      assert.deepEqual((await findings(unpacked)).filter((f) => !had.has(f)), []);
    });
  }
});

describe('unpack is lossless over app manifests, with their scripts, data and deleted fields', () => {
  const write = (dir: string) => {
    mkdirSync(path.join(dir, 'ws/scripts'), { recursive: true });
    mkdirSync(path.join(dir, 'ws/data'), { recursive: true });
    writeFileSync(path.join(dir, 'ws/ws.isola.json'), '{ "kind": "workspace", "code": "ws", "title": "WS", "groups": [{ "code": "g" }] }\n');
    writeFileSync(path.join(dir, 'ws/orders.isola.json'), JSON.stringify({
      kind: 'app', code: 'orders', namespace: 'ws', title: 'Orders',
      fields: [{ code: 'n', type: 'string' }, { code: 'old', type: 'string', deleted: true }],
      permissions: [{ group: '_system.all_users', access: 'read' }],
      processes: [{ code: 'p', app: 'orders', scripts: [{ code: 's', file: 'scripts/s.ts' }] }],
      counters: [{ code: 'c' }],
      data: { orders: 'data/orders.jsonl' },
    }));
    writeFileSync(path.join(dir, 'ws/scripts/s.ts'), 'export async function s() {}\n');
    writeFileSync(path.join(dir, 'ws/data/orders.jsonl'), '{"id":"1","n":"a"}\n{"id":"2","n":"b"}\n');
  };
  for (const [kind, code] of [['workspace', 'ws'], ['app', 'orders']]) {
    it(`${kind} ${code}`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-appm-'));
      try {
        write(dir);
        const { before, after, unpacked } = await roundTrip(dir, kind, code);
        assert.deepEqual(after.cards, before.cards);
        assert.deepEqual(after.data, before.data);
        assert.deepEqual(await findings(unpacked), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    // The app's card does not say which entities its manifest declares: the manifest does.
    it(`${kind} ${code} into the project it was built from changes no file: the app manifest keeps its processes, counters and data`, async () => {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-appm-'));
      try {
        const dir = path.join(tmp, 'project');
        write(dir);
        await build(dir, kind, code, path.join(tmp, 'p.isolapkg'));
        const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir });
        assert.deepEqual(r.files.filter((f) => f.status !== 'unchanged' && f.file !== 'isola.history.json').map((f) => `${f.status} ${f.file}`), []);
        assert.ok(r.files.some((f) => f.file === 'ws/orders.isola.json'), JSON.stringify(r.files));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});

describe('unpack is lossless over generated projects (every package that builds)', () => {
  for (const seed of [1, 7, 42]) {
    it(`seed ${seed}`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-gen-'));
      try {
        generateProject({ dir, entities: 400, manifests: 10, seed });
        const project = await loadProject(dir, nodeFileHost);
        let built = 0;
        for (const pkg of project.packages) {
          if (packageErrors(project, pkg).length) continue;
          const { before, after } = await roundTrip(dir, pkg.kind, pkg.code);
          assert.deepEqual(after.cards, before.cards, `${pkg.kind} ${pkg.code}`);
          assert.deepEqual(after.data, before.data);
          built++;
        }
        assert.ok(built > 0, 'some package of the project builds');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('unpack takes back every file name a build makes', () => {
  it('scripts and templates of any ordinary extension, or none, come back under it: the rebuilt cards hash alike, and nothing is noted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-ext-'));
    try {
      const templates = ['t.png', 't.jpg', 't.odg', 't.xlsm', 't.docm', 't.DOCX', 'letter'];
      mkdirSync(path.join(dir, 'ws/scripts'), { recursive: true });
      mkdirSync(path.join(dir, 'ws/templates'), { recursive: true });
      for (const [i, f] of templates.entries()) writeFileSync(path.join(dir, 'ws/templates', f), `template ${i}`);
      for (const f of ['b.vue', 'plain', 'plain2', 'a.js']) writeFileSync(path.join(dir, 'ws/scripts', f), `// ${f}\n`);
      writeFileSync(path.join(dir, 'ws/ws.isola.json'), JSON.stringify({
        kind: 'workspace', code: 'ws', title: 'WS',
        templates: templates.map((f, i) => ({ code: `t${i}`, file: `templates/${f}` })),
        processes: [
          { code: 'p', scripts: [{ code: 'a', file: 'scripts/a.js' }, { code: 'b', file: 'scripts/b.vue' }, { code: 'q', file: 'scripts/plain' }] },
          // Its script's first name, `scripts/q`, is taken: the next one must not read as an extension.
          { code: 'p2', scripts: [{ code: 'q', file: 'scripts/plain2' }] },
        ],
      }));
      assert.deepEqual(await findings(dir), []);
      const { before, after, result, unpacked } = await roundTrip(dir, 'workspace', 'ws');
      assert.deepEqual(result.notes, []);
      assert.deepEqual(after.cards, before.cards);
      const written = result.files.map((f) => f.file).filter((f) => /\/(scripts|templates)\//.test(f)).sort();
      assert.deepEqual(written, [
        'ws/scripts/a.js', 'ws/scripts/b.vue', 'ws/scripts/p2_q', 'ws/scripts/q',
        'ws/templates/t0.png', 'ws/templates/t1.jpg', 'ws/templates/t2.odg', 'ws/templates/t3.xlsm', 'ws/templates/t4.docm', 'ws/templates/t5.DOCX', 'ws/templates/t6',
      ]);
      assert.deepEqual(await findings(unpacked), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
