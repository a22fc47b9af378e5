/**
 * Property-based fuzzing of packages: sound packages built from the examples, mutated (entry
 * names, entry bytes, cards, the descriptor, data chunks, the zip itself), each with the index
 * fixed to match and without, then read, inspected and imported into an embedded environment.
 * Nothing may crash or hang, every refusal is one clear line, and a refused import changes nothing.
 * A few cases go through the real command line too (`isola inspect`, `isola import --env local`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, isola, localSnapshot } from './cliRun';
import { arbImport, Harness } from './harness';
import { assertWithinScope, arbIntegrityCase } from './integrity';
import { inspectPipeline, readerPipeline, snapshot } from './pipelines';
import {
  arbAnyMutation, arbByteMutation, arbCardMutation, arbCase, arbDataMutation, arbMetaMutation, arbNameMutation, PackageCase,
} from './pkgMutations';
import { mutatePackage } from './pkgApply';
import { assertCliFailure, check } from './settings';

describe('fuzz: mutated packages', { concurrency: false }, () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests');
    h = await Harness.open();
  });
  after(() => h?.close());

  it('sound packages pass every step', async () => {
    for (const b of h.bases) {
      const read = await readerPipeline(b.file);
      assert.ok(read.ok, `${b.name}: ${!read.ok && read.message}`);
      assert.equal(await inspectPipeline(b.file, false), 0);
    }
  });

  const families: [string, fc.Arbitrary<PackageCase>, number][] = [
    ['entry names (renamed, duplicated, dropped, `..`, absolute, case clashes)', arbCase(arbNameMutation, { consistent: false }), 10],
    ['entry bytes (flipped, truncated, appended) and the zip file itself', arbCase(arbByteMutation), 10],
    ['cards (ids, namespaces, codes and types of other cards or namespaces, dropped fields, wrong types, deep nesting, huge strings)', arbCase(arbCardMutation, { max: 3 }), 20],
    ['the descriptor (kind, code, languages, index, data sets, history)', arbCase(arbMetaMutation, { max: 3 }), 20],
    ['data chunks (bad lines, missing ids, records of another app)', arbCase(arbDataMutation, { max: 3 }), 12],
    ['any mix of the above', arbCase(arbAnyMutation, { max: 4 }), 10],
  ];

  for (const [title, arb, quick] of families) {
    it(`${title}: read, inspect and import never crash or hang; a refused import changes nothing`, async (t) => {
      await check(t, title, quick, fc.asyncProperty(arb, arbImport, async (c, imp) => {
        await h.run(c, imp);
      }));
    });
  }

  it('a succeeded import of a retargeted package stays inside its scope and writes what it planned', async (t) => {
    await check(t, 'integrity', 12, fc.asyncProperty(arbIntegrityCase, fc.constantFrom('cancel' as const, 'replace' as const), async (c, onConflict) => {
      const r = await h.run(c, { onConflict, json: false });
      if (r.ok) assertWithinScope(r, r.plan.package.kind, r.plan.package.importedAs ?? r.plan.package.code);
    }));
  });

  // The command line last: its import needs the environment the in-process tests hold open.
  it('isola inspect of a mutated package: exit 0 or 2 with one clear line', async (t) => {
    await check(t, 'cli inspect', 4, fc.asyncProperty(arbCase(arbAnyMutation, { max: 3 }), fc.boolean(), async (c, json) => {
      const file = path.join(h.work, `cli-inspect-${++n}.isolapkg`);
      await mutatePackage(h.bases[c.base], c, file);
      const r = await isola(['inspect', file, ...(json ? ['--format', 'json'] : [])], h.work);
      if (r.code !== 0) assertCliFailure('isola inspect', r.code, r.err, [2]);
      rmSync(file, { force: true });
    }));
  });

  it('isola import --env local of a mutated package: exit 0, 1 or 2 with one clear line; refused, the environment is unchanged', async (t) => {
    let before = await snapshot(h.env);
    await h.closeEnvironment();
    const project = h.project;
    await check(t, 'cli import', 2, fc.asyncProperty(arbCase(fc.oneof(arbAnyMutation, arbMetaMutation), { max: 3 }), async (c) => {
      const file = path.join(h.work, `cli-import-${++n}.isolapkg`);
      await mutatePackage(h.bases[c.base], c, file);
      const r = await isola(['import', file, '--env', 'local', '--on-conflict', 'replace'], project);
      rmSync(file, { force: true });
      const now = await localSnapshot(project);
      if (r.code !== 0) {
        assertCliFailure('isola import', r.code, r.err, [1, 2]);
        for (const part of ['entities', 'history', 'records', 'files', 'meta']) {
          assert.equal(now[part], before[part], `isola import refused the package (exit ${r.code}: ${r.err.trim()}) but the environment's ${part} changed`);
        }
      } else {
        assert.equal(r.err.trim(), '', 'a succeeded import printed on stderr');
      }
      before = now;
    }));
  });

  it('isola inspect and import of what is no package file (FIFO, folder, device, empty, missing): exit 2 with one line, never a hang', async () => {
    const odd = path.join(h.work, 'odd');
    mkdirSync(odd);
    mkdirSync(path.join(odd, 'folder.isolapkg'));
    writeFileSync(path.join(odd, 'empty.isolapkg'), '');
    spawnSync('mkfifo', [path.join(odd, 'fifo.isolapkg')]);
    const all = ['missing.isolapkg', 'empty.isolapkg', 'folder.isolapkg', 'fifo.isolapkg'].map((f) => path.join(odd, f)).concat('/dev/null');
    // A table rather than random picks: few enough to try them all (an import opens the environment, so only the two that block or fail oddly).
    const runs: string[][] = [...all.map((f) => ['inspect', f]), ...[all[2], all[3]].map((f) => ['import', f, '--env', 'local'])];
    const failures: string[] = [];
    for (const args of runs) {
      try {
        const r = await isola(args, h.project, 15_000);
        assertCliFailure(`isola ${args.join(' ')}`, r.code, r.err, [2]);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    assert.deepEqual(failures, []);
  });
});

