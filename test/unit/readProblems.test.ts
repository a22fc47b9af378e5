/**
 * A manifest the host could not read cleanly (not UTF-8, not a regular file) is refused alike by
 * every front end: the check, the build and the language server all load through `loadProject`,
 * which puts the read problem among the manifest's syntax errors, where MAN002 reports it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultCatalog } from '../../server/src/core/catalog/catalog';
import { checkProject } from '../../server/src/core/check';
import type { FileHost, ReadProblem } from '../../server/src/core/manifest/host';
import { loadProject } from '../../server/src/core/manifest/project';
import { packageErrors } from '../../server/src/core/packaging/builder';
import { ProjectState } from '../../server/src/lsp/projectState';
import { memoryHost, ROOT } from './helpers';

const files = {
  's.isola.json': JSON.stringify({ kind: 'solution', code: 's', includes: ['a.isola.json', 'b.isola.json'] }),
  'a.isola.json': JSON.stringify({ kind: 'workspace', code: 'a', apps: [{ code: 'x', title: 'X' }] }),
  // What a host gives for bytes that are not UTF-8: the text with U+FFFD where they were.
  'b.isola.json': JSON.stringify({ kind: 'workspace', code: 'b', apps: [{ code: 'y', title: 'Caf\uFFFD' }] }),
};
const problem: ReadProblem = { error: { message: 'not valid UTF-8: byte 0xE9 at byte offset 60 (save the file as UTF-8)', offset: 60, length: 1 }, unreadable: false };

/** A host that remembers, as the real one does, that b.isola.json was not read cleanly. */
function hostWithProblem(): FileHost {
  const b = path.resolve(ROOT, 'b.isola.json');
  return { ...memoryHost(files), readProblem: (p) => (p === b ? problem : undefined) };
}

describe('a manifest that could not be read cleanly', () => {
  it('is loaded with its read problem: the check reports one MAN002, and the build of its package and of the solution holding it is refused', async () => {
    const project = await loadProject(ROOT, hostWithProblem());
    const b = project.manifests.find((m) => m.file === 'b.isola.json')!;
    assert.deepEqual(b.syntaxErrors, [problem.error]);
    const found = checkProject(project).diagnostics.filter((d) => d.code === 'MAN002');
    assert.deepEqual(found.map((d) => d.file), ['b.isola.json']);
    for (const code of ['b', 's']) {
      const pkg = project.packages.find((p) => p.code === code)!;
      assert.deepEqual(packageErrors(project, pkg).map((d) => `${d.file} ${d.code}`), ['b.isola.json MAN002'], `package ${code}`);
    }
    assert.deepEqual(packageErrors(project, project.packages.find((p) => p.code === 'a')!), []);
  });

  it('is reported once by the language server, after loading and after the file changes on disk', async () => {
    const state = new ProjectState(ROOT, hostWithProblem(), defaultCatalog());
    await state.load();
    const abs = path.resolve(ROOT, 'b.isola.json');
    assert.deepEqual(state.manifest(abs)!.syntaxErrors, [problem.error]);
    await state.update(new Map(), [abs]);
    assert.deepEqual(state.manifest(abs)!.syntaxErrors, [problem.error]);
    const pkg = state.project.packages.find((p) => p.code === 'b')!;
    assert.deepEqual(packageErrors(state.project, pkg).map((d) => d.code), ['MAN002']);
  });
});
