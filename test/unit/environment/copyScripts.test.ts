import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { ownFilePaths } from '../../../server/src/core/environment/exportCards';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import type { Card } from '../../../server/src/core/packaging/format';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { entryExtension } from '../../../server/src/core/unpack/extensions';
import { isola, REPO } from '../packaging/hostile';

// A copy made with `as` keeps its original's script paths; the original's next version changes
// the script at that path. Both live in the environment, and an export of both must carry each
// script with its own content (it failed its own reader check, one content under one path).

describe('a copy and its original name one script path for two contents', () => {
  let dir: string;
  let env: Environment;
  const me = Environment.localCaller('dev');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-copy-scripts-'));
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const imported = async (file: string, as?: string) => {
    const plan = await env.plan(me, { package: (await env.registerFile(me, file)).id, ...(as ? { as } : {}) });
    const job = await env.waitForJob((await env.startImport(me, { plan: plan.id, onConflict: 'replace' })).id);
    assert.equal(job.status, 'succeeded', job.error);
  };
  const build = (src: string, name: string) => {
    const out = path.join(dir, name);
    const r = isola(['build', src, '--package', 'invoices', '--out', out]);
    assert.equal(r.code, 0, r.out + r.err);
    return out;
  };

  it('an export of the configuration carries both scripts, each under a path of its own', async () => {
    const src = path.join(dir, 'invoices');
    cpSync(path.join(REPO, 'examples', 'invoices'), src, { recursive: true });
    const v1 = build(src, 'v1.isolapkg');
    await imported(v1);
    await imported(v1, 'invoices_copy');
    appendFileSync(path.join(src, 'scripts', 'find_contractor.ts'), '// v2\n');
    await imported(build(src, 'v2.isolapkg'));

    const job = await env.waitForJob((await env.startExport(me, { kind: 'configuration', code: 'company' })).id);
    assert.equal(job.status, 'succeeded', job.error);
    const file = (await env.package(me, (job.result as { package: string }).package)).file;
    const r = await PackageReader.open(file);
    try {
      const cards = (await r.cards()).map((c) => c.card);
      const script = (id: string) => (cards.find((c) => c.id === id)!.body.scripts as { file: { file: string } }[])[0].file.file;
      const [mine, copy] = [script('invoices.approve_invoice'), script('invoices_copy.approve_invoice')];
      assert.notEqual(mine, copy);
      assert.match((await r.read(mine)).toString('utf8'), /\/\/ v2\n$/);
      assert.doesNotMatch((await r.read(copy)).toString('utf8'), /\/\/ v2/);
      assert.equal((await r.read(copy)).toString('utf8'), readFileSync(path.join(REPO, 'examples', 'invoices', 'scripts', 'find_contractor.ts'), 'utf8'));
    } finally {
      r.close();
    }
  });

  it('only a card that names a taken path for another content changes, and its hash with it', () => {
    const ref = (file: string, content: string) => ({ file, sha256: sha256(content), size: content.length });
    const card = (id: string, body: Record<string, unknown>): Card => ({ id, type: 'process', namespace: id.split('.')[0], code: id.split('.')[1], deleted: false, hash: sha256(canonicalJson(body)), body });
    const a = card('a.p', { scripts: [{ code: 's', file: ref('scripts/x.ts', 'one') }] });
    const same = card('b.p', { scripts: [{ code: 's', file: ref('scripts/x.ts', 'one') }] });
    const other = card('c.p', { scripts: [{ code: 's', file: ref('scripts/x.ts', 'two') }, { code: 't', file: ref('scripts/x_2.ts', 'three') }] });
    const out = ownFilePaths([a, same, other]);
    assert.equal(out[0], a);
    assert.equal(out[1], same, 'the same content under the same path is one entry');
    const files = (out[2].body.scripts as { file: { file: string } }[]).map((s) => s.file.file);
    assert.deepEqual(files, ['scripts/x_2.ts', 'scripts/x_2_2.ts']);
    assert.equal(out[2].hash, sha256(canonicalJson(out[2].body)));
    assert.equal((other.body.scripts as { file: { file: string } }[])[0].file.file, 'scripts/x.ts', 'the card given is not changed');
    // Names the reader takes for one entry (letter case) are one path too.
    const upper = card('d.p', { scripts: [{ code: 's', file: ref('scripts/X.ts', 'four') }] });
    assert.equal((ownFilePaths([a, upper])[1].body.scripts as { file: { file: string } }[])[0].file.file, 'scripts/X_2.ts');
  });

  it('numbers a file without an extension after its entity\'s id, where an unpack reads no extension into it', () => {
    const ref = (file: string, content: string) => ({ file, sha256: sha256(content), size: content.length });
    const template = (id: string, file: string, content: string): Card => {
      const body = { file: ref(file, content) };
      return { id, type: 'template', namespace: id.split('.')[0], code: id.split('.')[1], deleted: false, hash: sha256(canonicalJson(body)), body };
    };
    // Two entities naming one path for two contents, as a copy an earlier version made and its original do.
    const out = ownFilePaths([template('ws.letter', 'templates/files/ws.letter', 'one'), template('ws_copy.letter', 'templates/files/ws.letter', 'two')]);
    const file = (out[1].body.file as { file: string }).file;
    assert.equal(file, 'templates/files/ws.letter_2');
    assert.equal(entryExtension(file, 'templates/files', 'ws_copy.letter'), '');
  });
});
