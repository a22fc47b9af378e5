import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { writePackage } from '../../../server/src/core/packaging/writer';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { build, contentOf } from './roundTrip';

// An environment may hold a script or template file under a name other than the one a build gives
// it (after its entity's id): a copy made with `as` by an earlier version kept its original's
// names, and a change through PUT /v1/entities/:id may give a script another code. Exported as
// they were, the unpack read the old name's last part as an extension (`templates/letter.letter`).

describe('files an environment holds under other names than a build gives them, exported, unpacked and built again', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-exported-names-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A project of workspace `code` with a template and a script without an extension, and one of each with one. */
  const project = (name: string, code: string) => {
    const src = path.join(dir, name);
    mkdirSync(path.join(src, 'templates'), { recursive: true });
    mkdirSync(path.join(src, 'scripts'), { recursive: true });
    writeFileSync(path.join(src, 'templates', 'letter'), 'letter');
    writeFileSync(path.join(src, 'templates', 'form.docx'), 'form');
    writeFileSync(path.join(src, 'scripts', 'plain'), '// plain\n');
    writeFileSync(path.join(src, 'scripts', 'run.ts'), '// run\n');
    writeFileSync(path.join(src, `${code}.isola.json`), JSON.stringify({
      kind: 'workspace', code, version: '1.0.0', languages: ['en'],
      templates: [{ code: 'letter', file: 'templates/letter' }, { code: 'form', file: 'templates/form.docx' }],
      processes: [{ code: 'p', scripts: [{ code: 's', file: 'scripts/plain' }, { code: 'r', file: 'scripts/run.ts' }] }],
    }));
    return src;
  };

  it('an export an earlier version wrote, its files under the names they had before a copy, unpacks each file as it was built: one without an extension gets none', async () => {
    const built = path.join(dir, 'copy-built.isolapkg');
    await build(project('copy-src', 'ws_copy'), 'workspace', 'ws_copy', built);
    // The package as an earlier version exported a copy of `ws`: every file under the original's name.
    const old = path.join(dir, 'copy-old.isolapkg');
    const r = await PackageReader.open(built);
    try {
      const renamed = (f: string) => f.split('/ws_copy.').join('/ws.');
      const cards = (await r.cards()).map(({ card }) => {
        const body = JSON.parse(renamed(JSON.stringify(card.body)));
        return { ...card, body, hash: sha256(canonicalJson(body)) };
      });
      const files = await Promise.all(r.descriptor.entries.filter((e) => /^(scripts|templates\/files)\//.test(e.path)).map(async (e) => ({ path: renamed(e.path), data: await r.read(e.path) })));
      await writePackage({ out: old, cards, files, data: [], descriptor: { ...r.descriptor, history: {} } });
    } finally {
      r.close();
    }
    const unpacked = path.join(dir, 'copy-old');
    const result = await unpackPackage({ file: old, dir: unpacked });
    assert.deepEqual(result.notes, []);
    assert.deepEqual(result.files.map((f) => f.file).filter((f) => /\/(scripts|templates)\//.test(f)).sort(), ['ws_copy/scripts/r.ts', 'ws_copy/scripts/s', 'ws_copy/templates/form.docx', 'ws_copy/templates/letter']);
    // Built again, the project makes the cards its first build made.
    const again = path.join(dir, 'copy-old-again.isolapkg');
    await build(unpacked, 'workspace', 'ws_copy', again);
    assert.deepEqual((await contentOf(again)).cards, (await contentOf(built)).cards);
  });
});
