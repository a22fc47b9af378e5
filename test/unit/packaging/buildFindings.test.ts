import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { isola } from './hostile';

// `isola build --package` checks the package as `isola check --package` does, and carries what an
// export of the same entities would carry.

describe('what a build checks and carries', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-build-findings-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const project = (name: string, files: Record<string, string>): string => {
    const root = path.join(dir, name);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    return root;
  };

  it('a suppression of a warning is used by the warning, not reported unused beside an error', () => {
    const ws = (broken: boolean) => `{
  "kind": "workspace", "code": "wsr", "version": "1.0.0",
  "processes": [
    {
      "code": "p1",
      "scripts": [
        // isola-disable-next-line ISO005 -- the other workspace ships with this one
        { "code": "s", "source": "export {};", "imports": ["other"] }
      ]
    }${broken ? ',\n    { "code": "p2", "app": "missing_app" }' : ''}
  ]
}
`;
    const other = '{ "kind": "workspace", "code": "other", "version": "1.0.0" }\n';
    const bad = project('bad', { 'wsr.isola.json': ws(true), 'other.isola.json': other });
    const check = isola(['check', bad, '--package', 'wsr']);
    assert.doesNotMatch(check.out, /MAN004/);
    const build = isola(['build', bad, '--package', 'wsr', '--out', path.join(dir, 'bad.isolapkg')]);
    assert.equal(build.code, 1, build.out + build.err);
    assert.match(build.out, /ISO006/);
    assert.doesNotMatch(build.out + build.err, /MAN004|Unused suppression/);
    assert.match(build.err, /1 isolation error \(ISO006\)/);
    assert.doesNotMatch(build.err, /manifest error/);
    const good = project('good', { 'wsr.isola.json': ws(false), 'other.isola.json': other });
    const ok = isola(['build', good, '--package', 'wsr', '--out', path.join(dir, 'good.isolapkg')]);
    assert.equal(ok.code, 0, ok.out + ok.err);
  });

  it('a permission marked deleted is left out of the permissions card, as an export leaves it out', async () => {
    const root = project('perm', {
      'ws1.isola.json': JSON.stringify({
        kind: 'workspace', code: 'ws1', version: '1.0.0',
        groups: [{ code: 'g1' }, { code: 'g2' }],
        apps: [{
          code: 'a1', fields: [{ code: 'f', type: 'string' }, { code: 'f_old', type: 'string', deleted: true }],
          permissions: [{ code: 'p', group: 'g1', access: 'read' }, { group: 'g1', access: 'update' }, { code: 'p_old', group: 'g2', access: 'full', deleted: true }],
        }],
      }),
    });
    const out = path.join(dir, 'perm.isolapkg');
    const r = isola(['build', root, '--package', 'ws1', '--out', out]);
    assert.equal(r.code, 0, r.out + r.err);
    const reader = await PackageReader.open(out);
    try {
      const cards = (await reader.cards()).map((c) => c.card);
      const perms = cards.find((c) => c.id === 'ws1.a1.permissions')!;
      // A list with an element without a code is still a list of sub-entities (merge.ts).
      assert.deepEqual(perms.body, { app: 'ws1.a1', permissions: [{ code: 'p', group: 'g1', access: 'read' }, { group: 'g1', access: 'update' }] });
      const app = cards.find((c) => c.id === 'ws1.a1')!;
      assert.deepEqual((app.body.fields as { code: string }[]).map((f) => f.code), ['f']);
    } finally {
      reader.close();
    }
  });

  it('is refused, writing nothing, for a manifest string that holds a NUL or an unpaired surrogate, which every reader refuses', () => {
    for (const [name, escape] of [['nul', '\\u0000'], ['half', '\\ud83d']]) {
      const root = project(name, { 'n.isola.json': `{ "kind": "workspace", "code": "n", "version": "1.0.0", "processes": [{ "code": "p", "scripts": [{ "code": "s", "source": "export const x = '${escape}'" }] }] }\n` });
      const out = path.join(dir, `${name}.isolapkg`);
      const build = isola(['build', root, '--package', 'n', '--out', out]);
      assert.equal(build.code, 1, build.out + build.err);
      assert.match(build.out, /MAN002/);
      assert.equal(existsSync(out), false);
    }
  });

  it('is refused, writing nothing, for a script file whose name unpack and retrieve would refuse to write', () => {
    const root = project('aux', {
      'w.isola.json': '{ "kind": "workspace", "code": "w", "version": "1.0.0", "processes": [{ "code": "p", "scripts": [{ "code": "helper", "file": "scripts/aux.ts" }] }] }\n',
      'scripts/aux.ts': 'export {};\n',
    });
    const out = path.join(dir, 'aux.isolapkg');
    const build = isola(['build', root, '--package', 'w', '--out', out]);
    assert.equal(build.code, 1, build.out + build.err);
    assert.match(build.out, /MAN003 Script file `scripts\/aux\.ts` has the name `aux\.ts`, a device name Windows reserves/);
    assert.equal(existsSync(out), false);
  });
});
