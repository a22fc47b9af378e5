import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';
import { cardReferences } from '../../../server/src/core/environment/cardRefs';
import { checkPackageIsolation } from '../../../server/src/core/environment/isolation';
import { renameCards, renameFor, renameHistory } from '../../../server/src/core/environment/rename';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { exampleCards } from './cards';
import type { Card } from '../../../server/src/core/packaging/format';

describe('duplicate under another code (Protogrid §3.3)', () => {
  let invoices: Awaited<ReturnType<typeof exampleCards>>;
  before(async () => {
    invoices = await exampleCards('invoices', 'invoices');
  });

  it('moves every card of a workspace into the new namespace and rewrites references into it', () => {
    const r = renameFor('workspace', 'invoices', invoices.cards, 'invoices_copy');
    const copy = renameCards(r, invoices.cards);
    assert.equal(copy.length, invoices.cards.length);
    for (const c of copy) {
      assert.equal(c.namespace, 'invoices_copy', c.id);
      assert.ok(c.id === 'invoices_copy' || c.id.startsWith('invoices_copy.'), c.id);
      assert.equal(c.hash, sha256(canonicalJson(c.body)), `${c.id} hash recomputed`);
      for (const ref of cardReferences(c)) assert.notEqual(ref.namespace, 'invoices', `${c.id} still points at ${ref.text}`);
    }
    const unit = copy.find((c) => c.type === 'workspace')!;
    assert.equal(unit.code, 'invoices_copy');
    // Built-in references stay where they were.
    const builtins = invoices.cards.flatMap(cardReferences).filter((x) => x.namespace.startsWith('_')).map((x) => x.text).sort();
    assert.deepEqual(copy.flatMap(cardReferences).filter((x) => x.namespace.startsWith('_')).map((x) => x.text).sort(), builtins);
    // The copy is as isolated as the original.
    assert.deepEqual(checkPackageIsolation({ kind: 'workspace', code: 'invoices_copy', cards: copy, attachments: invoices.attachments }, defaultCatalog(), () => false), { isolation: [], references: [] });
    // The original cards are untouched.
    assert.ok(invoices.cards.every((c) => c.namespace === 'invoices'));
  });

  it('renames one app, its permissions and the references to it', () => {
    const app = invoices.cards.find((c) => c.type === 'app' && c.code === 'invoices')!;
    // An app package of the app alone: its card and its permissions.
    const own = invoices.cards.filter((c) => c.id === app.id || c.id === `${app.id}.permissions`);
    assert.equal(own.length, 2);
    const r = renameFor('app', 'invoices', own, 'invoices2');
    const copy = renameCards(r, own);
    assert.deepEqual(copy.map((c) => c.id).sort(), ['invoices.invoices2', 'invoices.invoices2.permissions']);
    assert.equal(copy.find((c) => c.type === 'app')!.code, 'invoices2');
    const appRefs = copy.flatMap(cardReferences).filter((x) => x.kind === 'app' && x.namespace === 'invoices');
    assert.ok(appRefs.every((x) => x.code !== 'invoices'), appRefs.map((x) => x.text).join(', '));
  });

  it('refuses to copy an app package that carries entities of the namespace (processes, widgets...): the copy would take them from the original', () => {
    // The invoices workspace's cards as an app package of `invoices`: its process and the other app keep namespace ids.
    assert.throws(() => renameFor('app', 'invoices', invoices.cards, 'invoices2'), (e: Error) => /app package `invoices` carries .*process approve_invoice.* besides the app; a copy under another code would take them from the original app/.test(e.message));
  });

  it('starts the copy\'s history at its renamed hash', () => {
    const r = renameFor('workspace', 'invoices', invoices.cards, 'inv2');
    const copy = renameCards(r, invoices.cards);
    const h = renameHistory(r, { invoices: [{ hash: 'old', at: 't0' }], 'invoices.invoices': [{ hash: 'a0', at: 't0' }] }, copy, 't1', invoices.cards);
    const unit = copy.find((c) => c.id === 'inv2')!;
    const original = invoices.cards.find((c) => c.id === 'invoices')!;
    assert.notEqual(unit.hash, original.hash, 'the workspace\'s code is renamed, so the copy hashes otherwise');
    // The renamed hash says which version of the original it is a copy of.
    assert.deepEqual(h.inv2, [{ hash: 'old', at: 't0' }, { hash: unit.hash, at: 't1', of: original.hash }]);
    // A card the rename leaves as it was keeps its hash: nothing to say.
    const app = copy.find((c) => c.id === 'inv2.invoices')!;
    assert.equal(app.hash, invoices.cards.find((c) => c.id === 'invoices.invoices')!.hash);
    assert.deepEqual(h['inv2.invoices'].map((e) => e.hash), ['a0', app.hash]);
  });

  it('renames a script\'s `imports` entry naming the namespace, and only an exact one', () => {
    const script = (imports: string[]) => ({ code: 's', file: { file: 'scripts/src.p.s.ts', size: 1, sha256: 'x' }, imports });
    const cards = [
      card('workspace', 'src', 'src', 'src', { kind: 'workspace', code: 'src', apps: [] }),
      card('process', 'src.p', 'src', 'p', { code: 'p', app: 'src.b', scripts: [script(['src', 'src_old', 'tax', '_clients'])] }),
      // A process inside an app manifest's card keeps its scripts there too.
      card('app', 'src.a', 'src', 'a', { kind: 'app', namespace: 'src', code: 'a', processes: [{ code: 'q', app: 'a', scripts: [script(['tax', 'src'])] }] }),
      // A list that names the copy already holds it once.
      card('process', 'src.r', 'src', 'r', { code: 'r', app: 'src.b', scripts: [script(['src', 'src_copy'])] }),
    ];
    const copy = renameCards(renameFor('workspace', 'src', cards, 'src_copy'), cards);
    const imports = (id: string, at: (b: Record<string, any>) => { imports: string[] }) => at(copy.find((c) => c.id === id)!.body).imports;
    assert.deepEqual(imports('src_copy.p', (b) => b.scripts[0]), ['src_copy', 'src_old', 'tax', '_clients']);
    assert.deepEqual(imports('src_copy.a', (b) => b.processes[0].scripts[0]), ['tax', 'src_copy']);
    assert.deepEqual(imports('src_copy.r', (b) => b.scripts[0]), ['src_copy']);
    for (const c of copy) assert.equal(c.hash, sha256(canonicalJson(c.body)), `${c.id} hash recomputed`);
    // The original cards are untouched.
    assert.deepEqual(cards[1].body.scripts, [script(['src', 'src_old', 'tax', '_clients'])]);
  });

  it('renames the namespace an app manifest\'s card names for itself, and only an app manifest\'s', () => {
    const cards = [
      card('workspace', 'src', 'src', 'src', { kind: 'workspace', code: 'src', apps: [{ code: 'b' }] }),
      card('app', 'src.a', 'src', 'a', { kind: 'app', namespace: 'src', code: 'a', fields: [{ code: 'to_b', type: 'app', app: 'src.b' }] }),
      // An app of a workspace manifest names no namespace; a property of that name elsewhere is not one.
      card('app', 'src.b', 'src', 'b', { code: 'b', options: { namespace: 'src' } }),
    ];
    const r = renameFor('workspace', 'src', cards, 'src_copy');
    const copy = renameCards(r, cards);
    const body = (id: string) => copy.find((c) => c.id === id)!.body;
    assert.deepEqual(body('src_copy.a'), { kind: 'app', namespace: 'src_copy', code: 'a', fields: [{ code: 'to_b', type: 'app', app: 'src_copy.b' }] });
    assert.deepEqual(body('src_copy.b'), { code: 'b', options: { namespace: 'src' } });
    for (const c of copy) assert.equal(c.hash, sha256(canonicalJson(c.body)), `${c.id} hash recomputed`);
    // A copy of one app stays in its namespace.
    const own = cards.filter((c) => c.id === 'src.a');
    assert.equal(renameCards(renameFor('app', 'a', own, 'a2'), own)[0].body.namespace, 'src');
  });

  it('refuses codes that are not codes, and kinds that cannot be duplicated', () => {
    assert.throws(() => renameFor('workspace', 'invoices', invoices.cards, 'Bad Code'), /not a valid code/);
    assert.throws(() => renameFor('solution', 'pay', invoices.cards, 'pay2'), /cannot be imported under another code/);
  });
});

/** A card as a build makes it: its hash is its body's. */
function card(type: Card['type'], id: string, namespace: string, code: string, body: Record<string, unknown>): Card {
  return { id, type, namespace, code, deleted: false, hash: sha256(canonicalJson(body)), body };
}
