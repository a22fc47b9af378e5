import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';
import { openDatabase } from '../../../server/src/core/environment/db/open';
import { Environment } from '../../../server/src/core/environment/environment';
import { isolationAgainst } from '../../../server/src/core/environment/planChecks';
import type { Card } from '../../../server/src/core/packaging/format';
import { isola } from '../packaging/hostile';

// Nested menu pages are pages of their namespace (docs/manifest-language.md: a page's `pages`; a
// `page` reference may name one), carried inside their top page's card. The check and the build
// accept a link to one; the environment must too, whether the page comes in the package or is
// already there.

describe('a reference to a nested menu page', () => {
  let dir: string;
  let dataDir: string;
  let pkg: string;
  const me = Environment.localCaller('dev');

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-nested-pages-'));
    dataDir = path.join(dir, 'env');
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'w.isola.json'), JSON.stringify({
      kind: 'workspace', code: 'w', version: '1.0.0',
      apps: [{ code: 'orders' }],
      pages: [
        { code: 'main', pages: [{ code: 'sub', app: 'orders', pages: [{ code: 'deep', app: 'orders' }] }] },
        { code: 'link', page: 'sub' },
        { code: 'link_deep', page: 'w.deep' },
      ],
    }, null, 2));
    const check = isola(['check', src]);
    assert.equal(check.code, 0, check.out + check.err);
    pkg = path.join(dir, 'w.isolapkg');
    const r = isola(['build', src, '--package', 'w', '--out', pkg]);
    assert.equal(r.code, 0, r.out + r.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('in the same package resolves at import, as it did in the check and the build', async () => {
    const env = await Environment.open({ dataDir, name: 'local' });
    try {
      const stored = await env.registerFile(me, pkg);
      const plan = await env.plan(me, { package: stored.id });
      const references = plan.checks.find((c) => c.name === 'references')!;
      assert.ok(references.ok, JSON.stringify(references));
      assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
      const job = await env.startImport(me, { plan: plan.id });
      assert.equal((await env.waitForJob(job.id)).status, 'succeeded');
    } finally {
      await env.close();
    }
  });

  it('held by the environment inside a top page resolves for a package that lacks it; a page it lacks, or another kind of that code, does not', async () => {
    const page = (code: string, body: Record<string, unknown>): Card => ({ id: `w.${code}`, type: 'page', namespace: 'w', code, deleted: false, hash: 'h', body: { code, ...body } });
    const db = await openDatabase({ dataDir });
    try {
      const lines = async (cards: Card[]) => (await isolationAgainst(db, { kind: 'workspace', code: 'w', cards, attachments: new Map() }, defaultCatalog(), new Map())).map((f) => f.line);
      assert.deepEqual(await lines([page('other', { page: 'sub' }), page('other2', { page: 'w.deep' })]), []);
      assert.deepEqual(await lines([page('other', { page: 'nowhere', app: 'sub' })]), [
        'w.other: page `nowhere` resolves neither in the package nor in the environment',
        'w.other: app `sub` resolves neither in the package nor in the environment',
      ]);
    } finally {
      await db.close();
    }
  });
});
