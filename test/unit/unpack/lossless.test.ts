import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateProject } from '../../../bench/generate';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { packageErrors } from '../../../server/src/core/packaging/builder';
import { findings, roundTrip } from './roundTrip';

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
