import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Every unit can be checked and built on its own: a workspace that a solution holds is checked
// in the solution by default, and alone with `--package`, with the findings of its own package.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const PAYMENTS = path.join(REPO, 'examples/payments');

function isola(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('a workspace of a solution, on its own', () => {
  it('`isola check --package` checks it alone: the groups of its sibling are outside (ISO004)', () => {
    const all = isola(['check', PAYMENTS, '--format', 'json']);
    assert.equal(all.code, 0, all.out + all.err);
    const r = isola(['check', PAYMENTS, '--package', 'custom_objects', '--format', 'json']);
    assert.equal(r.code, 1, r.out + r.err);
    const { diagnostics, summary } = JSON.parse(r.out) as { diagnostics: { code: string; file: string; package: string }[]; summary: { files: number } };
    assert.ok(diagnostics.length > 0);
    assert.ok(diagnostics.every((d) => d.code === 'ISO004' && d.file === 'custom_objects/custom_objects.isola.json' && d.package === 'custom_objects'), r.out);
    assert.equal(summary.files, 1);
    // It is already in the solution that holds the groups: the way out is the solution, not adding it again.
    for (const d of diagnostics as unknown as { message: string }[]) {
      assert.match(d.message, /it resolves in solution `payments_solution`, which includes both: build or export the solution instead$/);
    }
  });

  it('`isola check --package` of the solution gives the solution\'s findings (infos only here)', () => {
    const r = isola(['check', PAYMENTS, '--package', 'payments_solution']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /0 errors, 0 warnings, \d+ infos in 4 manifests/);
  });

  it('`isola build --package custom_objects` is a package now: refused with its own findings, not "no package"', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'isola-unit-'));
    try {
      const r = isola(['build', PAYMENTS, '--package', 'custom_objects', '--out', path.join(out, 'custom_objects.isolapkg')]);
      assert.doesNotMatch(r.err, /no package/);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, /custom_objects\/custom_objects\.isola\.json:\d+:\d+ error ISO004 Group `payments\.treasurers`/);
      assert.match(r.err, /refused: workspace `custom_objects` has \d+ isolation errors/);
      assert.deepEqual(readdirSync(out), []);
      assert.ok(!existsSync(path.join(PAYMENTS, 'isola.history.json')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
