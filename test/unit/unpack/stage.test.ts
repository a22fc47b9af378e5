import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { build } from './roundTrip';

const REPO = path.resolve(__dirname, '../../../..');

/** Every file under `dir`, relative, forward slashes. */
function filesUnder(dir: string, rel = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]))
    .sort();
}

/**
 * The editor's dry run (VS Code's "Retrieve from Environment" and "Unpack Package into
 * Workspace"): the planned contents go to a staging folder, the target folder stays untouched,
 * and what is staged is byte for byte what a real unpack writes.
 */
describe('unpack with a staging folder', () => {
  it('a fresh folder: nothing is written into it; the staged files are those a real unpack creates, with the same bytes', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-stage-'));
    try {
      cpSync(path.join(REPO, 'examples/invoices'), path.join(tmp, 'src'), { recursive: true });
      const pkg = path.join(tmp, 'p.isolapkg');
      await build(path.join(tmp, 'src'), 'workspace', 'invoices', pkg);
      const stage = path.join(tmp, 'stage');
      const planned = await unpackPackage({ file: pkg, dir: path.join(tmp, 'target'), dryRun: true, stage });
      assert.equal(planned.written, false);
      assert.deepEqual(filesUnder(path.join(tmp, 'target')), [], 'the dry run wrote into the target');
      const real = await unpackPackage({ file: pkg, dir: path.join(tmp, 'real') });
      assert.deepEqual(planned.files, real.files);
      const staged = filesUnder(stage);
      assert.deepEqual(staged, real.files.map((f) => f.file).sort());
      assert.ok(staged.includes('invoices/data/payment_purposes.jsonl') && staged.includes('invoices/templates/invoice_pdf.txt'), staged.join(', '));
      for (const f of staged) assert.ok(readFileSync(path.join(stage, f)).equals(readFileSync(path.join(tmp, 'real', f))), `${f} differs`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a folder with the manifests: only the changed manifest is staged, edited in place (its comments kept), and the folder is untouched', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-stage-'));
    try {
      const dir = path.join(tmp, 'project');
      cpSync(path.join(REPO, 'examples/invoices'), dir, { recursive: true });
      const manifest = path.join(dir, 'invoices.isola.json');
      const before = readFileSync(manifest, 'utf8');
      // The package has another title than the folder: as if it were changed in an environment.
      const changed = path.join(tmp, 'changed');
      cpSync(dir, changed, { recursive: true });
      const text = readFileSync(path.join(changed, 'invoices.isola.json'), 'utf8');
      writeFileSync(path.join(changed, 'invoices.isola.json'), text.replace('"title": "Invoices"', '"title": "Invoices (changed)"'));
      const pkg = path.join(tmp, 'p.isolapkg');
      await build(changed, 'workspace', 'invoices', pkg, 'none');
      const stage = path.join(tmp, 'stage');
      const r = await unpackPackage({ file: pkg, dir, dryRun: true, stage });
      assert.equal(readFileSync(manifest, 'utf8'), before, 'the dry run wrote into the folder');
      const notUnchanged = r.files.filter((f) => f.status !== 'unchanged').map((f) => `${f.status} ${f.file}`);
      assert.ok(notUnchanged.includes('changed invoices.isola.json'), notUnchanged.join(', '));
      assert.deepEqual(filesUnder(stage), r.files.filter((f) => f.status !== 'unchanged').map((f) => f.file).sort());
      const staged = readFileSync(path.join(stage, 'invoices.isola.json'), 'utf8');
      assert.match(staged, /"title": "Invoices \(changed\)"/);
      // In place: the lines that were not the title's are as they were, comments included.
      const a = before.split('\n');
      const b = staged.split('\n');
      assert.equal(b.length, a.length);
      assert.deepEqual(b.filter((l, i) => l !== a[i]).map((l) => l.trim()), ['"title": "Invoices (changed)",']);
      assert.ok(before.includes('//') && staged.includes('//'), 'the example has comments, and they stay');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
