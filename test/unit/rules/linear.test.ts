import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkProject, CheckResult } from '../../../server/src/core/check';
import { Project } from '../../../server/src/core/manifest/project';
import { project } from '../helpers';
import { appManifest, Files, solution, workspace } from './fixtures';

/**
 * The check must stay linear in the number of manifests: lookups that scanned every manifest
 * once per manifest made it take minutes on 100,000 one-line manifests. Times are never
 * asserted here; instead the project counts how many elements are read from the lists it
 * exposes (manifests, packages, the manifests of each namespace, suggestion candidates), and
 * four times the manifests must cost about four times the reads, not sixteen.
 */

/**
 * `units` workspaces with an app manifest each; of every six, five are in a solution and one
 * stands alone. Each finding below makes a rule name or place a namespace, so a lookup that
 * scans the project shows up as reads: a peer of the solution (ISO009); another solution's
 * workspace, and `hub`, whose workspace file sorts after its many app manifests (ISO004); from
 * a lone workspace, members and the group of the last solution (ISO004, both ways out);
 * `extra`, a namespace of app manifests only, from scripts (ISO005); a misspelt app (ISO006).
 * Every 25th unit repeats a workspace code and an app code in files of their own (MAN001).
 */
function manyFiles(units: number): Files {
  const files: Files = {};
  const ws = (i: number) => `ws_${i}`;
  const lastSol = Math.floor((units - 1) / 6);
  files['hub/zz_hub.isola.json'] = workspace('hub', { apps: [{ code: 'center' }] });
  files['extra/thing.isola.json'] = appManifest('thing', 'extra');
  for (let i = 0; i < units; i++) {
    const sol = Math.floor(i / 6);
    const next = sol * 6 + ((i + 1) % 5);
    const peer = ws(next < units ? next : sol * 6);
    const fields: Record<string, unknown>[] = [];
    const permissions = [{ group: 'staff', access: 'read' }];
    const link = (app: string) => fields.push({ code: `link_${fields.length}`, type: 'app', app });
    if (i % 6 === 5) {
      for (let k = 0; k < 3; k++) link(`${ws(Math.min(lastSol * 6 + k, units - 1))}.items`);
      permissions.push({ group: `sol_${lastSol}.key_users`, access: 'read' });
    } else {
      link('hub.center');
      link(i % 5 === 0 ? `${ws((i + 7) % units)}.items` : i % 5 === 1 ? `${peer}.items` : '_clients._companies');
    }
    const script: Record<string, unknown> = { code: 'on_start', source: 'Context.data.items = undefined;' };
    if (i % 2 === 0) script.imports = i % 4 === 0 ? [ws((i + 11) % units)] : ['extra'];
    files[`${ws(i)}/${ws(i)}.isola.json`] = workspace(ws(i), {
      groups: [{ code: 'staff' }],
      apps: [{ code: 'items', fields, permissions }],
      processes: [{ code: 'approve_items', app: 'items', scripts: [script] }],
    });
    files[`${ws(i)}/app_${i}.isola.json`] = appManifest(`app_${i}`, ws(i), {
      fields: [{ code: 'link', type: 'app', app: i % 7 === 0 ? `app_${i}x` : `app_${i}` }],
      processes: [{ code: `approve_app_${i}`, app: `app_${i}` }],
    });
    if (i % 2 === 0) files[`hub/hub_app_${i}.isola.json`] = appManifest(`hub_app_${i}`, 'hub');
    if (i % 6 === 4 || i === units - 1) {
      const members = [0, 1, 2, 3, 4].map((k) => sol * 6 + k).filter((k) => k < units).map((k) => `../${ws(k)}/${ws(k)}.isola.json`);
      files[`solutions/sol_${sol}.isola.json`] = solution(`sol_${sol}`, members, { groups: [{ code: 'key_users' }] });
    }
    if (i % 25 === 24) {
      files[`${ws(i)}/z_copy/${ws(i)}.isola.json`] = workspace(ws(i));
      files[`${ws(i)}/z_app_${i}.isola.json`] = appManifest(`app_${i}`, ws(i));
    }
  }
  return files;
}

/** A list that counts reads of its elements (`find`, `some`, `for...of` and indexing all read through it). */
function counting<T>(list: readonly T[], reads: { n: number }): T[] {
  return new Proxy(list as T[], {
    get(target, key, receiver) {
      if (typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) reads.n++;
      return Reflect.get(target, key, receiver);
    },
  });
}

/** Checks the project of `units` units with every list the project exposes counting reads. */
async function instrumentedCheck(units: number): Promise<{ reads: number; manifests: number; result: CheckResult; plain: CheckResult }> {
  const loaded = await project(manyFiles(units));
  const reads = { n: 0 };
  const p = new Project(loaded.root, counting(loaded.manifests, reads), loaded.catalog);
  p.packageMap.packages = counting(p.packageMap.packages, reads);
  for (const [ns, list] of p.index.namespaces) p.index.namespaces.set(ns, counting(list, reads));
  const candidates = p.suggestionCandidates.bind(p);
  p.suggestionCandidates = (kind, namespace) => counting(candidates(kind, namespace), reads);
  const result = checkProject(p);
  return { reads: reads.n, manifests: loaded.manifests.length, result, plain: checkProject(loaded) };
}

const count = (r: CheckResult, code: string) => r.diagnostics.filter((d) => d.code === code).length;

describe('the check is linear in the number of manifests', () => {
  it('reads about as many list elements per manifest at 4x the manifests', async () => {
    const small = await instrumentedCheck(60);
    const large = await instrumentedCheck(240);
    const perSmall = small.reads / small.manifests;
    const perLarge = large.reads / large.manifests;
    // Linear: the same per manifest (give or take the odd unit). A scan of every manifest per
    // manifest would read four times as much per manifest here.
    assert.ok(perLarge < perSmall * 1.25, `reads per manifest grew from ${perSmall.toFixed(1)} (${small.manifests} manifests) to ${perLarge.toFixed(1)} (${large.manifests})`);
    assert.ok(perLarge < 20, `${perLarge.toFixed(1)} reads per manifest`);
    // Counting changes nothing the check finds, and every kind of finding is there.
    assert.deepEqual(large.result, large.plain);
    for (const code of ['ISO004', 'ISO005', 'ISO006', 'ISO009', 'MAN001']) assert.ok(count(large.result, code) > 0, `no ${code}`);
    for (const way of ['to solution `sol_39`, which declares it', 'to solution `sol_39`, which already includes', 'belongs to solution `sol_39`', 'workspace `hub`', 'namespace `extra`']) {
      assert.ok(large.result.diagnostics.some((d) => d.message.includes(way)), `no ISO004 with ${JSON.stringify(way)}`);
    }
  });

  it('still finds duplicate codes across files in a project of many manifests', async () => {
    const { result } = await instrumentedCheck(240);
    const dup = result.diagnostics.filter((d) => d.code === 'MAN001');
    // Units 24, 49, ..., 239: a workspace code and an app code each, both in the later file.
    const units = Array.from({ length: 240 / 25 }, (_, k) => 25 * k + 24);
    const want = units.flatMap((i) => [
      { file: `ws_${i}/z_app_${i}.isola.json`, firstFile: `ws_${i}/app_${i}.isola.json`, head: `Duplicate app code \`app_${i}\` in namespace \`ws_${i}\` (first declared in ws_${i}/app_${i}.isola.json)` },
      { file: `ws_${i}/z_copy/ws_${i}.isola.json`, firstFile: `ws_${i}/ws_${i}.isola.json`, head: `Duplicate workspace code \`ws_${i}\`` },
    ]).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    assert.deepEqual(dup.map((d) => ({ file: d.file, firstFile: d.data?.firstFile, head: d.message.split(':')[0] })), want);
  });
});
