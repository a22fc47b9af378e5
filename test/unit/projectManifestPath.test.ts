import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProjectManifestPath, nodeFileHost } from '../../server/src/core/manifest/host';

describe('which manifests belong to a project folder', () => {
  it('those under it, outside dot-folders, node_modules, out and dist below it', () => {
    const root = path.resolve('/p');
    const yes = ['a.isola.json', 'sub/a.isola.json', 'outer/distant/a.isola.json', '.hidden.isola.json', 'sub/x.isola.json/a.isola.json'];
    const no = ['out/a.isola.json', 'dist/x/a.isola.json', 'node_modules/p/a.isola.json', '.git/a.isola.json', 'sub/.cache/a.isola.json', 'sub/out/a.isola.json', 'a.json', '../q/a.isola.json'];
    for (const rel of yes) assert.equal(isProjectManifestPath(root, path.join(root, rel)), true, rel);
    for (const rel of no) assert.equal(isProjectManifestPath(root, path.join(root, rel)), false, rel);
    assert.equal(isProjectManifestPath(root, root), false);
    // The folder checked may itself be one of those names (`isola check out`).
    assert.equal(isProjectManifestPath(path.join(root, 'out'), path.join(root, 'out/a.isola.json')), true);
    assert.equal(isProjectManifestPath(path.join(root, '.backup'), path.join(root, '.backup/sub/a.isola.json')), true);
  });

  it('agree with the search on disk', async () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'isola-walk-')));
    try {
      const rels = ['a.isola.json', 'sub/b.isola.json', 'out/c.isola.json', 'dist/d.isola.json', 'node_modules/p/e.isola.json', '.git/f.isola.json', 'sub/.cache/g.isola.json', 'sub/dist/h.isola.json', 'outer/i.isola.json'];
      for (const rel of rels) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), '{}');
      }
      const found = await nodeFileHost.findManifests(root);
      assert.deepEqual(found, rels.map((r) => path.join(root, r)).filter((p) => isProjectManifestPath(root, p)).sort());
      assert.deepEqual(found.map((p) => path.relative(root, p).split(path.sep).join('/')), ['a.isola.json', 'outer/i.isola.json', 'sub/b.isola.json']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
