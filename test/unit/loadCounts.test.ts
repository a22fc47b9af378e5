import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
// The module object itself (not an import wrapper), so that its functions can be counted.
import fs = require('node:fs');
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileHost } from '../../server/src/core/manifest/host';
import { loadProject } from '../../server/src/core/manifest/project';
import { checkProject } from '../../server/src/core/check';

/**
 * Loading must cost a fixed number of file-system calls per manifest and per linked file, and
 * resolve the real path of each folder once, not every part of every path per link. Counted,
 * never timed: `units` workspaces in `units / 10` folders, each with a script file.
 */
function writeProject(units: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-load-counts-'));
  for (let i = 0; i < units; i++) {
    const dir = path.join(root, `group_${Math.floor(i / 10)}`);
    fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'scripts', `ws_${i}.ts`), 'export const x = 1;\n');
    fs.writeFileSync(path.join(dir, `ws_${i}.isola.json`), JSON.stringify({
      kind: 'workspace', code: `ws_${i}`, apps: [{ code: 'items' }],
      processes: [{ code: 'p', app: 'items', scripts: [{ code: 's', file: `scripts/ws_${i}.ts` }] }],
    }));
  }
  return root;
}

type Counts = { realpath: number; stat: number; statOfManifests: number };

/** Loads and checks a project, counting calls of `fs.realpathSync.native` and `fs.statSync`. */
async function countedLoad(root: string): Promise<{ counts: Counts; manifests: number; diagnostics: string }> {
  const counts: Counts = { realpath: 0, stat: 0, statOfManifests: 0 };
  const realpath = fs.realpathSync.native;
  const stat = fs.statSync;
  fs.realpathSync.native = ((p: fs.PathLike, ...rest: unknown[]) => {
    counts.realpath++;
    return (realpath as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof fs.realpathSync.native;
  (fs as { statSync: unknown }).statSync = (p: fs.PathLike, ...rest: unknown[]) => {
    counts.stat++;
    if (String(p).endsWith('.isola.json')) counts.statOfManifests++;
    return (stat as (...a: unknown[]) => unknown)(p, ...rest);
  };
  try {
    const project = await loadProject(root, nodeFileHost);
    const result = checkProject(project);
    return { counts, manifests: project.manifests.length, diagnostics: JSON.stringify(result.diagnostics) };
  } finally {
    fs.realpathSync.native = realpath;
    (fs as { statSync: unknown }).statSync = stat;
  }
}

describe('loading a project costs a fixed number of file-system calls', () => {
  it('resolves real paths per folder, not per link, and never stats a listed manifest before reading it', async () => {
    const small = await countedLoad(writeProject(40));
    const large = await countedLoad(writeProject(160));
    assert.equal(large.manifests, 160);
    assert.equal(large.diagnostics, '[]', 'the scripts exist and are inside');
    // 16 folders of manifests and 16 of scripts, the root, and the listing's own look at the root.
    assert.ok(large.counts.realpath <= 2 * 16 + 4, `${large.counts.realpath} real paths resolved for 160 links in 32 folders`);
    assert.ok(large.counts.realpath < 4 * small.counts.realpath, `real paths: ${small.counts.realpath} at 40 units, ${large.counts.realpath} at 160`);
    assert.equal(large.counts.statOfManifests, 0, 'a manifest the listing saw as a regular file is opened without a stat first');
  });
});
