/**
 * A manifest the host could not read cleanly (not UTF-8, not a regular file) is refused alike by
 * every front end: the check, the build and the language server all load through `loadProject`,
 * which puts the read problem among the manifest's syntax errors, where MAN002 reports it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultCatalog } from '../../server/src/core/catalog/catalog';
import { checkPackage, checkProject, diagnoseManifest } from '../../server/src/core/check';
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

/** A host that, as the real one does, could not list the folder `secret`: it stands in the listing for its manifests. */
function hostWithUnlisted(): FileHost {
  const secret = path.resolve(ROOT, 'secret');
  const inner = memoryHost(files);
  const unlisted: ReadProblem = { error: { message: 'cannot list this folder: permission denied', offset: 0, length: 0 }, unreadable: true, unlisted: 'permission denied' };
  return {
    ...inner,
    findManifests: async (dir) => [...(await inner.findManifests(dir)), secret].sort(),
    readFile: async (p) => (p === secret ? '' : inner.readFile(p)),
    readProblem: (p) => (p === secret ? unlisted : undefined),
  };
}

describe('a folder under the project that could not be listed', () => {
  it('is one MAN002 on the folder, not counted as a manifest, and refuses the build of every package, in the check as in the language server', async () => {
    const project = await loadProject(ROOT, hostWithUnlisted());
    const result = checkProject(project);
    assert.deepEqual(result.diagnostics.map((d) => `${d.file} ${d.code}`), ['secret MAN002']);
    const secret = result.diagnostics.find((d) => d.file === 'secret')!;
    assert.match(secret.message, /^This folder cannot be listed: permission denied\. The manifests it may hold are neither checked nor built/);
    assert.equal(result.summary.files, 3);
    // Its manifests could belong to any package: even the clean workspace `a` is refused.
    const a = project.packages.find((p) => p.code === 'a')!;
    assert.deepEqual(packageErrors(project, a).map((d) => `${d.file} ${d.code}`), ['secret MAN002']);
    assert.deepEqual(checkPackage(project, a).diagnostics.map((d) => `${d.file} ${d.code}`), ['secret MAN002']);

    const state = new ProjectState(ROOT, hostWithUnlisted(), defaultCatalog());
    await state.load();
    const folder = state.manifest(path.resolve(ROOT, 'secret'))!;
    assert.deepEqual(diagnoseManifest(state.project, folder).map((d) => d.message), [secret.message]);
    // An edit that changes what the solution includes leaves the folder in the project (nothing includes it, nothing must).
    const s = path.resolve(ROOT, 's.isola.json');
    await state.update(new Map([[s, JSON.stringify({ kind: 'solution', code: 's', includes: ['a.isola.json'] })]]));
    assert.ok(state.manifest(path.resolve(ROOT, 'secret')), 'the folder is still reported');
    assert.deepEqual(packageErrors(state.project, state.project.packages.find((p) => p.code === 'a')!).map((d) => d.file), ['secret']);
  });
});
