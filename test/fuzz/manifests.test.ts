/**
 * Property-based fuzzing of manifests: the examples' manifests, mutated (characters, values of
 * other types, deep nesting, huge strings, invalid UTF-8, paths out of the project in `file`,
 * `includes` and `data`), then checked as `isola check` checks them. A check reports findings
 * or none; it never throws, never hangs and never reads a file outside the project. A few cases go through `isola check` itself, some
 * naming a FIFO (a read of it blocks until a writer comes).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckRunner } from './checkWorker';
import { isola } from './cliRun';
import { arbManifestCase, EXAMPLES, FIFO_PATHS, ManifestCase, PATHS, writeCase } from './manifestMutations';
import { REPO } from './pkgzip';
import { assertCliFailure, check } from './settings';

describe('fuzz: mutated manifests', { concurrency: false }, () => {
  let work: string;
  let runner: CheckRunner;
  let n = 0;
  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'isola-fuzz-man-'));
    runner = new CheckRunner();
  });
  after(async () => {
    await runner?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the examples check without throwing', async () => {
    for (const ex of EXAMPLES) {
      const a = await runner.run(path.join(REPO, 'examples', ex));
      assert.ok(a.ok, `${ex}: ${a.message}`);
    }
  });

  it('check (loadProject + checkProject) of a mutated manifest reports findings or none, never throws or hangs, never reads outside the project', async (t) => {
    await check(t, 'manifests', 100, fc.asyncProperty(arbManifestCase(EXAMPLES.length), async (c) => {
      const dir = path.join(work, `case-${++n}`);
      try {
        const rel = writeCase(c, dir);
        const a = await runner.run(dir);
        assert.ok(a.ok, `check of a mutated ${EXAMPLES[c.example]}/${rel} threw ${a.name}: ${a.message}\n${a.stack ?? ''}`);
        assert.ok(!a.malformed, `check of a mutated ${EXAMPLES[c.example]}/${rel} gave a finding without a message or range: ${a.malformed}`);
        assert.ok(!a.outside, `check of a mutated ${EXAMPLES[c.example]}/${rel} read files outside the project: ${a.outside?.join(', ')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));
  });

  it('isola check of a mutated manifest (paths out of the project, FIFOs): exit 0 or 1, never a hang', async (t) => {
    // Half the cases name a FIFO for sure, so a blocking read is always tried.
    const arb = fc.tuple(arbManifestCase(EXAMPLES.length, [...PATHS, ...FIFO_PATHS]), fc.option(fc.record({ at: fc.nat(), path: fc.constantFrom(...FIFO_PATHS) }), { freq: 2 }))
      .map(([c, fifo]): ManifestCase => (fifo ? { ...c, mutations: [...c.mutations, { k: 'path', ...fifo }] } : c));
    await check(t, 'cli check', 4, fc.asyncProperty(arb, async (c) => {
      const dir = path.join(work, `cli-check-${++n}`);
      try {
        writeCase(c, dir);
        for (const f of FIFO_PATHS) spawnSync('mkfifo', [path.join(dir, f)]);
        const r = await isola(['check', dir, '--format', 'json'], work, 15_000);
        assertCliFailure('isola check', r.code, r.err, [0, 1]);
        const json = JSON.parse(r.out) as { diagnostics: unknown[] };
        assert.ok(Array.isArray(json.diagnostics), `isola check --format json printed no diagnostics list:\n${r.out.slice(0, 500)}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));
  });
});

