import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkManifest, diagnoseManifest, placeFindings } from '../../server/src/core/check';
import { buildManifest } from '../../server/src/core/manifest/build';
import { rebuildAfterEdit } from '../../server/src/core/manifest/edit';
import { nodeFileHost } from '../../server/src/core/manifest/host';
import { loadProject, Project, resolveLinks } from '../../server/src/core/manifest/project';
import type { Manifest } from '../../server/src/core/manifest/types';
import { RULES } from '../../server/src/core/rules';
import type { Rule } from '../../server/src/core/rules/rule';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

/** The rules, counting how often any of them runs. */
function countedRules(): { rules: Rule[]; runs: () => number } {
  let n = 0;
  const rules = RULES.map((r): Rule => ({ ...r, check: (m, ctx) => (n++, r.check.call(r, m, ctx)) }));
  return { rules, runs: () => n };
}

describe('the rules of an edited manifest run again only when the edit can change their findings', () => {
  it('reuses them after typing into a title or a comment, and gives what a fresh check gives', async () => {
    const project = await loadProject(path.join(EXAMPLES, 'broken'), nodeFileHost);
    const { rules, runs } = countedRules();
    const m = project.manifests.find((x) => x.text.includes('"title": "') && x.syntaxErrors.length === 0)!;
    const first = diagnoseManifest(project, m, rules);
    assert.ok(first.length > 0, 'the example has findings to place');
    const ran = runs();
    const isLoaded = (abs: string) => project.manifests.some((x) => x.absPath === abs);
    const at = m.text.indexOf('"title": "') + 10;
    let prev: Manifest = m;
    let prevProject = project;
    for (const next of [m.text.slice(0, at) + 'New ' + m.text.slice(at), m.text.slice(0, at) + 'New  ' + m.text.slice(at)]) {
      const fast = rebuildAfterEdit(project.root, prev, next)!;
      assert.ok(fast, 'a title edit takes the fast path');
      await resolveLinks(fast, nodeFileHost, isLoaded, new Map(prev.links.map((l) => [l.absPath, l])));
      const view = new Project(project.root, prevProject.manifests.map((x) => (x === prev ? fast : x)), project.catalog);
      const reused = diagnoseManifest(view, fast, rules);
      assert.equal(runs(), ran, 'no rule ran for the title edit');
      // A fresh build of the same text, checked from scratch in the same project, finds the same.
      const fresh = buildManifest(project.root, m.absPath, next);
      await resolveLinks(fresh, nodeFileHost, isLoaded);
      const freshView = new Project(project.root, prevProject.manifests.map((x) => (x === prev ? fresh : x)), project.catalog);
      assert.deepEqual(reused, placeFindings(freshView, checkManifest(freshView, fresh), [fresh]));
      prev = fast;
      prevProject = view;
    }
  });

  it('runs only the rules that read references after an edit of one, and all of them when another manifest changed too', async () => {
    const project = await loadProject(path.join(EXAMPLES, 'broken'), nodeFileHost);
    const { rules, runs } = countedRules();
    const m = project.manifests.find((x) => x.text.includes('"title": "') && x.text.includes('"app": "') && x.syntaxErrors.length === 0)!;
    diagnoseManifest(project, m, rules);
    const isLoaded = (abs: string) => project.manifests.some((x) => x.absPath === abs);

    const ref = m.text.indexOf('"app": "') + 8;
    const refEdit = rebuildAfterEdit(project.root, m, m.text.slice(0, ref) + 'x' + m.text.slice(ref))!;
    assert.ok(refEdit, 'a reference edit takes the fast path too');
    await resolveLinks(refEdit, nodeFileHost, isLoaded);
    let before = runs();
    const afterRef = diagnoseManifest(new Project(project.root, project.manifests.map((x) => (x === m ? refEdit : x)), project.catalog), refEdit, rules);
    // The rules that read references ran (on that one reference); the schema checked the page
    // holding it, not the manifest through the rule; the others kept theirs.
    const reran = rules.filter((r) => ['ISO002', 'ISO003', 'ISO004', 'ISO006', 'ISO007', 'ISO009'].includes(r.code)).length;
    assert.equal(runs(), before + reran, 'the rules that read references ran for the reference edit');
    const fresh = buildManifest(project.root, m.absPath, refEdit.text);
    await resolveLinks(fresh, nodeFileHost, isLoaded);
    const freshView = new Project(project.root, project.manifests.map((x) => (x === m ? fresh : x)), project.catalog);
    assert.deepEqual(afterRef, placeFindings(freshView, checkManifest(freshView, fresh), [fresh]), 'the same findings as a fresh check');
    assert.ok(afterRef.some((d) => d.code === 'ISO006' && d.message.includes('x')), 'the broken reference is reported');

    const at = m.text.indexOf('"title": "') + 10;
    const titleEdit = rebuildAfterEdit(project.root, m, m.text.slice(0, at) + 'x' + m.text.slice(at))!;
    await resolveLinks(titleEdit, nodeFileHost, isLoaded);
    const other = project.manifests.find((x) => x !== m)!;
    const otherAgain = buildManifest(project.root, other.absPath, other.text);
    await resolveLinks(otherAgain, nodeFileHost, isLoaded);
    before = runs();
    const both = new Project(project.root, project.manifests.map((x) => (x === m ? titleEdit : x === other ? otherAgain : x)), project.catalog);
    diagnoseManifest(both, titleEdit, rules);
    assert.equal(runs(), before + rules.length, 'every rule ran: another manifest changed in the same update');
  });
});
