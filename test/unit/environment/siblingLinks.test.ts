import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import type { EnvError } from '../../../server/src/core/environment/errors';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { writePackage } from '../../../server/src/core/packaging/writer';
import { isola } from '../packaging/hostile';

// A menu's order and the org chart's travel as links on the cards (package-format.md: a page's
// `after`, a unit's `parent` and `after`), which no manifest says. The environment holds them:
// a change made there as a manifest declares the page (no link) keeps the page where it stands,
// and a link that names no sibling, the page itself or a cycle is refused, whether a change or a
// package brings it, as a retrieve could only guess the order it leaves.

describe('where a menu page and an org-chart unit stand', () => {
  let dir: string;
  let env: Environment;
  const me = Environment.localCaller('dev');

  /** Builds a project of one manifest; returns the package file. */
  function build(name: string, manifest: Record<string, unknown>): string {
    const src = path.join(dir, name);
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, `${name}.isola.json`), JSON.stringify(manifest));
    const out = path.join(dir, `${name}.isolapkg`);
    const r = isola(['build', src, '--package', String(manifest.code), '--out', out]);
    assert.equal(r.code, 0, r.out + r.err);
    return out;
  }

  async function planOf(file: string) {
    return env.plan(me, { package: (await env.registerFile(me, file)).id });
  }

  async function imported(file: string) {
    const plan = await planOf(file);
    assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
    assert.equal((await env.waitForJob((await env.startImport(me, { plan: plan.id })).id)).status, 'succeeded');
  }

  /** The change's refusal (its status and message), or undefined when it was made. */
  async function refusal(id: string, body: Record<string, unknown>): Promise<{ status: number; message: string } | undefined> {
    try {
      await env.changeEntity(me, id, { body });
      return undefined;
    } catch (e) {
      return { status: (e as EnvError).status, message: (e as Error).message };
    }
  }

  /** The menu of workspace `pg` as a retrieve writes it: exported, then unpacked into a fresh folder. */
  async function retrievedMenu(): Promise<string[]> {
    const job = await env.waitForJob((await env.startExport(me, { kind: 'namespace', code: 'pg' })).id);
    assert.equal(job.status, 'succeeded', job.error);
    const out = mkdtempSync(path.join(dir, 'retrieved-'));
    const r = isola(['unpack', (await env.package(me, (job.result as { package: string }).package)).file, '--dir', out]);
    assert.equal(r.code, 0, r.out + r.err);
    const ws = JSON.parse(readFileSync(path.join(out, 'pg', 'pg.isola.json'), 'utf8'));
    return (ws.pages as { code: string }[]).map((p) => p.code);
  }

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-sibling-links-'));
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    await imported(build('pg', {
      kind: 'workspace', code: 'pg', title: 'Pg', version: '1.0.0',
      pages: [{ code: 'p_c', title: 'C' }, { code: 'p_a', title: 'A' }, { code: 'p_b', title: 'B' }, { code: 'p_0', title: 'Zero' }],
    }));
    await imported(build('corp', {
      kind: 'configuration', code: 'corp', version: '1.0.0',
      orgChart: { code: 'ceo', children: [{ code: 'fin', children: [{ code: 'acc' }, { code: 'tre' }] }, { code: 'ops' }] },
    }));
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a page changed as a manifest declares it (no "after") keeps its place in the menu', async () => {
    const changed = await env.changeEntity(me, 'pg.p_a', { body: { code: 'p_a', title: 'A renamed' } });
    assert.deepEqual(changed.body, { code: 'p_a', title: 'A renamed', after: 'p_c' });
    assert.deepEqual(await retrievedMenu(), ['p_c', 'p_a', 'p_b', 'p_0']);
  });

  it('refuses an "after" that names no page of the namespace or the page itself, and changes nothing', async () => {
    const before = await env.entities(me, 'pg');
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['pg.p_b', { code: 'p_b', title: 'B', after: 'no_such_page' }, /^"body": "after" "no_such_page" names no top-level menu page of namespace `pg`; leave "after" out to keep the page where it stands, or send "after": null to put it first$/],
      ['pg.p_0', { code: 'p_0', title: 'Zero', after: 'p_0' }, /^"body": "after" names the page itself; /],
      ['pg.p_b', { code: 'p_b', title: 'B', after: 3 }, /^"body": "after" must be the code of the top-level menu page of namespace `pg` it follows, not 3; /],
    ];
    for (const [id, body, message] of cases) {
      const r = await refusal(id, body);
      assert.equal(r?.status, 400, `${id} ${JSON.stringify(body)}`);
      assert.match(r!.message, message);
    }
    assert.deepEqual(await env.entities(me, 'pg'), before);
  });

  it('moves a page by its links: "after": null puts one first, and a page moved after the last one goes to the end', async () => {
    await env.changeEntity(me, 'pg.p_a', { body: { code: 'p_a', title: 'A renamed', after: null } });
    await env.changeEntity(me, 'pg.p_c', { body: { code: 'p_c', title: 'C', after: 'p_0' } });
    assert.equal((await env.entity(me, 'pg.p_a')).body.after, undefined);
    assert.deepEqual(await retrievedMenu(), ['p_a', 'p_b', 'p_0', 'p_c']);
  });

  it('a unit changed without its links keeps its parent and place; a parent inside the unit or a sibling under another parent is refused', async () => {
    const tre = await env.changeEntity(me, '#orgchart.tre', { body: { code: 'tre', title: 'Treasury' } });
    assert.deepEqual(tre.body, { code: 'tre', title: 'Treasury', parent: 'fin', after: 'acc' });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['#orgchart.fin', { code: 'fin', parent: 'acc' }, /^"body": "parent" "acc" is inside fin \(fin → acc → fin\): a unit cannot sit in its own subtree; /],
      ['#orgchart.fin', { code: 'fin', parent: 'fin' }, /^"body": "parent" names the unit itself; /],
      ['#orgchart.ops', { code: 'ops', after: 'acc' }, /^"body": "after" "acc" is a unit under "fin" and ops under "ceo": a unit follows one of the same parent; /],
      ['#orgchart.ops', { code: 'ops', parent: 'nobody' }, /^"body": "parent" "nobody" names no org-chart unit; /],
    ];
    for (const [id, body, message] of cases) {
      const r = await refusal(id, body);
      assert.equal(r?.status, 400, `${id} ${JSON.stringify(body)}`);
      assert.match(r!.message, message);
    }
    // Moved with the sibling it follows there, it is accepted.
    const ops = await env.changeEntity(me, '#orgchart.ops', { body: { code: 'ops', parent: 'fin', after: 'tre' } });
    assert.deepEqual(ops.body, { code: 'ops', parent: 'fin', after: 'tre' });
  });

  it('fails the order check of a package whose page follows no page the package or the environment has', async () => {
    const r = await PackageReader.open(path.join(dir, 'pg.isolapkg'));
    const out = path.join(dir, 'broken-link.isolapkg');
    try {
      const cards = (await r.cards()).map((c) => c.card).map((c) => {
        if (c.id !== 'pg.p_b' && c.id !== 'pg.p_0') return c;
        const body = { ...c.body, after: c.id === 'pg.p_b' ? 'p_gone' : 'p_0' };
        return { ...c, body, hash: sha256(canonicalJson(body)) };
      });
      await writePackage({ out, cards, files: [], data: [], descriptor: r.descriptor });
    } finally {
      r.close();
    }
    const plan = await planOf(out);
    const check = plan.checks.find((c) => c.name === 'order')!;
    assert.equal(plan.ok, false);
    assert.equal(check.ok, false);
    assert.match(check.message, /^2 menu pages or org-chart units do not follow a sibling/);
    assert.deepEqual(check.details, ['pg.p_0: "after" names the page itself', 'pg.p_b: "after" "p_gone" names no top-level menu page of namespace `pg`']);
    // The package as built passes it.
    assert.equal((await planOf(path.join(dir, 'pg.isolapkg'))).checks.find((c) => c.name === 'order')?.ok, true);
  });

  it('fails the order check of a package whose pages go round a cycle, naming the cycle; a long one by its ends', async () => {
    /** The package `file` with the `after` of some pages changed. */
    const relinked = async (file: string, out: string, after: Record<string, string>) => {
      const r = await PackageReader.open(file);
      try {
        const cards = (await r.cards()).map((c) => c.card).map((c) => {
          if (!(c.code in after)) return c;
          const body = { ...c.body, after: after[c.code] };
          return { ...c, body, hash: sha256(canonicalJson(body)) };
        });
        await writePackage({ out, cards, files: [], data: [], descriptor: r.descriptor });
      } finally {
        r.close();
      }
      return out;
    };
    // pg's menu as built is c, a, b, 0; c following b closes c → b → a → c. The pages the
    // environment holds otherwise (moved by the tests above: p_a) are judged too.
    const plan = await planOf(await relinked(path.join(dir, 'pg.isolapkg'), path.join(dir, 'cycle.isolapkg'), { p_c: 'p_b' }));
    assert.deepEqual(plan.checks.find((c) => c.name === 'order')?.details, [
      'pg.p_a: "after" "p_c" makes a cycle (p_a → p_c → p_b → p_a): give p_b, which follows p_a, another "after" first',
      'pg.p_c: "after" "p_b" makes a cycle (p_c → p_b → p_a → p_c): give p_a, which follows p_c, another "after" first',
    ]);

    // Twenty pages, the first following the last: every one is on the cycle, and each says so by its ends.
    const codes = Array.from({ length: 20 }, (_, i) => `q${String(i).padStart(2, '0')}`);
    const long = build('lc', { kind: 'workspace', code: 'lc', title: 'Lc', version: '1.0.0', pages: codes.map((code) => ({ code, title: code })) });
    const round = await planOf(await relinked(long, path.join(dir, 'long-cycle.isolapkg'), { q00: 'q19' }));
    const details = round.checks.find((c) => c.name === 'order')?.details as string[];
    assert.equal(details.length, 20);
    assert.equal(details.find((d) => d.startsWith('lc.q00:')), 'lc.q00: "after" "q19" makes a cycle (q00 → q19 → q18 → q17 → q16 → q15 → … → q05 → q04 → q03 → q02 → q01 → q00): give q01, which follows q00, another "after" first');
    assert.equal(details.find((d) => d.startsWith('lc.q10:')), 'lc.q10: "after" "q09" makes a cycle (q10 → q09 → q08 → q07 → q06 → q05 → … → q15 → q14 → q13 → q12 → q11 → q10): give q11, which follows q10, another "after" first');
  });

  /** Pages of namespace `ns` written as they are, links and all (`after` of each code), as an environment may hold them from before links were checked. */
  async function stored(ns: string, pages: Record<string, string | undefined>): Promise<void> {
    for (const [code, after] of Object.entries(pages)) {
      await env.db.query(`INSERT INTO entities (id, type, namespace, code, deleted, hash, body, app, updated_at, updated_by, job_id)
        VALUES ($1, 'page', $2, $3, false, $4, $5, NULL, '2026-01-01T00:00:00.000Z', 'dev', NULL)`, [`${ns}.${code}`, ns, code, 'c'.repeat(64), JSON.stringify({ code, ...(after ? { after } : {}) })]);
    }
  }

  const links = async (ns: string) => new Map((await env.entities(me, ns)).map((e) => [e.code, e.body.after]));

  it('one move puts in order two pages an environment holds after one (moved a page at a time before moves re-linked)', async () => {
    await stored('tw', { p_a: undefined, p_b: 'p_a', p_c: 'p_a', p_d: 'p_b' });
    await env.changeEntity(me, 'tw.p_c', { body: { code: 'p_c', after: 'p_b' } });
    assert.deepEqual([...await links('tw')].sort(), [['p_a', undefined], ['p_b', 'p_a'], ['p_c', 'p_b'], ['p_d', 'p_c']]);
  });

  it('refuses a move into a cycle of links the environment already holds (stored before they were checked); a move out of it breaks it', async () => {
    await stored('cy', { p_x: undefined, p_y: 'p_z', p_z: 'p_y' });
    const before = await env.entities(me, 'cy');
    const r = await refusal('cy.p_x', { code: 'p_x', after: 'p_y' });
    assert.equal(r?.status, 400);
    assert.match(r!.message, /^"body": "after" "p_y" is in a cycle of links the environment holds \(p_y → p_z → p_y\): move p_y or p_z out of it first; /);
    assert.deepEqual(await env.entities(me, 'cy'), before);
    // Moved out, p_y leaves p_z first rather than following itself; one more move gives one order.
    await env.changeEntity(me, 'cy.p_y', { body: { code: 'p_y', after: 'p_x' } });
    assert.equal((await env.entity(me, 'cy.p_z')).body.after, undefined);
    await env.changeEntity(me, 'cy.p_z', { body: { code: 'p_z', after: 'p_y' } });
    assert.deepEqual([...await links('cy')].sort(), [['p_x', undefined], ['p_y', 'p_x'], ['p_z', 'p_y']]);
  });
});
