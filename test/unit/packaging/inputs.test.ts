import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { comparePlatforms, highestPlatform } from '../../../server/src/core/manifest/packageInputs';
import { BuildRefused, buildPackage } from '../../../server/src/core/packaging/builder';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { project } from '../helpers';
import { solution, workspace } from '../rules/fixtures';

// Solution and configuration packages carry the checks' inputs: the languages of their members
// and the highest platform they need, so the environment's checks do not pass vacuously.

async function build(files: Record<string, object>, code: string) {
  const p = await project(files);
  const pkg = p.packages.find((k) => k.code === code)!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-inputs-'));
  const out = path.join(dir, `${code}.isolapkg`);
  try {
    await buildPackage({ project: p, pkg, out, history: {}, tool: { name: 'isola', version: '0' } });
    const reader = await PackageReader.open(out);
    const d = reader.descriptor;
    reader.close();
    return { descriptor: d, left: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('package descriptor: languages and platform of the members', () => {
  it('a solution that declares neither carries its members\' languages and the highest platform', async () => {
    const { descriptor } = await build({
      'sol.isola.json': solution('sol', ['a/a.isola.json', 'b/b.isola.json']),
      'a/a.isola.json': workspace('a', { languages: ['en', 'ru'], platform: '2024.4' }),
      'b/b.isola.json': workspace('b', { languages: ['en', 'ru'], platform: '2024.10' }),
    }, 'sol');
    assert.deepEqual(descriptor.languages, ['en', 'ru']);
    assert.equal(descriptor.platform, '2024.10');
  });

  it('a member that needs a newer platform than the solution declares raises the package\'s', async () => {
    const { descriptor } = await build({
      'sol.isola.json': solution('sol', ['a/a.isola.json'], { platform: '2024.2', languages: ['en'] }),
      'a/a.isola.json': workspace('a', { platform: '2025.1', languages: ['en'] }),
    }, 'sol');
    assert.equal(descriptor.platform, '2025.1');
    assert.deepEqual(descriptor.languages, ['en']);
  });

  it('members with languages in another order refuse the build (MAN005), and nothing is written', async () => {
    const p = await project({
      'sol.isola.json': solution('sol', ['a/a.isola.json', 'b/b.isola.json']),
      'a/a.isola.json': workspace('a', { languages: ['en', 'ru'] }),
      'b/b.isola.json': workspace('b', { languages: ['ru', 'en'] }),
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-inputs-'));
    try {
      await assert.rejects(
        buildPackage({ project: p, pkg: p.packages.find((k) => k.code === 'sol')!, out: path.join(dir, 'sol.isolapkg'), history: {}, tool: { name: 'isola', version: '0' } }),
        (e: unknown) => e instanceof BuildRefused && e.diagnostics.some((d) => d.code === 'MAN005' && d.file === 'b/b.isola.json'),
      );
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('platform versions compare part by part, as numbers', () => {
    assert.ok(comparePlatforms('2024.10', '2024.4') > 0);
    assert.ok(comparePlatforms('2025.1', '2024.12') > 0);
    assert.equal(comparePlatforms('2024.4', '2024.4.0'), 0);
  });

  it('highestPlatform ignores manifests that declare none', async () => {
    const p = await project({ 'a/a.isola.json': workspace('a'), 'b/b.isola.json': workspace('b', { platform: '2023.9' }) });
    assert.equal(highestPlatform(p.manifests), '2023.9');
  });
});
