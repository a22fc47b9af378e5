/**
 * The package fuzzing harness: sound base packages, an embedded environment that holds them,
 * and one case run through the reader, `isola inspect` and an import.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../server/src/core/environment/environment';
import type { Caller } from '../../server/src/core/environment/types';
import { ImportOutcome, importPipeline, inspectPipeline, readerPipeline, undoImport } from './pipelines';
import { mutatePackage } from './pkgApply';
import type { PackageCase } from './pkgMutations';
import { Base, buildBases } from './pkgzip';
import { assertNoStrays, watchStrays } from './settings';

export interface ImportChoice {
  onConflict: 'cancel' | 'replace';
  as?: string;
  /** inspect with --format json (else text) */
  json: boolean;
}

/** How a case is imported: conflicts cancelled or replaced, sometimes as a copy under another code. */
export const arbImport: fc.Arbitrary<ImportChoice> = fc.record({
  onConflict: fc.constantFrom('cancel' as const, 'replace' as const),
  as: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('fuzz_copy', 'invoices', 'global', 'Bad Code') }),
  json: fc.boolean(),
});

export class Harness {
  private n = 0;
  private closed = false;

  private constructor(readonly work: string, readonly bases: Base[], readonly env: Environment, readonly caller: Caller) {}

  /**
   * A project folder whose `local` environment is the harness's: after `closeEnvironment()` the
   * CLI (`isola import --env local` run in it) imports into the same environment.
   */
  get project(): string {
    return path.join(this.work, 'project');
  }

  /** Builds the bases and opens an environment that holds all three, so mutated packages meet updates and conflicts. */
  static async open(): Promise<Harness> {
    watchStrays();
    const work = mkdtempSync(path.join(os.tmpdir(), 'isola-fuzz-pkg-'));
    const bases = await buildBases(path.join(work, 'bases'));
    const env = await Environment.open({ dataDir: path.join(work, 'project', '.isola', 'local'), name: 'local' });
    const h = new Harness(work, bases, env, Environment.localCaller('fuzz'));
    for (const b of bases) {
      const r = await importPipeline(env, h.caller, b.file, { onConflict: 'cancel' });
      assert.ok(r.ok, `the sound package ${b.name} must import: ${!r.ok && r.why}`);
    }
    return h;
  }

  /** Releases the environment (an embedded database has one user at a time) so the CLI can open it. */
  async closeEnvironment(): Promise<void> {
    if (!this.closed) await this.env.close();
    this.closed = true;
  }

  async close(): Promise<void> {
    await this.closeEnvironment();
    rmSync(this.work, { recursive: true, force: true });
  }

  /** One case through every step; a succeeded import is undone. Returns the import's outcome. */
  async run(c: PackageCase, imp: ImportChoice): Promise<ImportOutcome> {
    const file = path.join(this.work, `case-${++this.n}.isolapkg`);
    await mutatePackage(this.bases[c.base], c, file);
    try {
      const read = await readerPipeline(file);
      await assertNoStrays('the reader');
      const inspected = await inspectPipeline(file, imp.json);
      await assertNoStrays('isola inspect');
      // inspect verifies what the reader verifies: a package the reader refused at open, verify or cards must not inspect clean.
      if (!read.ok && ['PackageReader.open', 'verify', 'cards'].includes(read.step)) {
        assert.notEqual(inspected, 0, `isola inspect accepted a package the reader refused at ${read.step}: ${read.message}`);
      }
      const r = await importPipeline(this.env, this.caller, file, imp);
      await assertNoStrays('the import');
      if (r.ok) await undoImport(this.env, this.caller, r);
      return r;
    } finally {
      rmSync(file, { force: true });
    }
  }
}
