import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';
import { cardReferences } from '../../../server/src/core/environment/cardRefs';
import { checkPackageIsolation } from '../../../server/src/core/environment/isolation';
import type { Card } from '../../../server/src/core/packaging/format';
import { exampleCards } from './cards';

const catalog = defaultCatalog();
const none = () => false;

describe('isolation checked again on the receiving side', () => {
  let invoices: Awaited<ReturnType<typeof exampleCards>>;
  let payments: Awaited<ReturnType<typeof exampleCards>>;
  let company: Awaited<ReturnType<typeof exampleCards>>;
  before(async () => {
    [invoices, payments, company] = await Promise.all([
      exampleCards('invoices', 'invoices'), exampleCards('payments', 'payments_solution'), exampleCards('company', 'company'),
    ]);
  });

  it('finds nothing in the isolated examples (workspace, solution, configuration)', () => {
    for (const p of [invoices, payments, company]) {
      const r = checkPackageIsolation({ kind: p.kind, code: p.code, cards: p.cards, attachments: p.attachments }, catalog, none);
      assert.deepEqual(r, { isolation: [], references: [] }, `${p.kind} ${p.code}`);
    }
  });

  it('reads local, qualified and built-in references from real cards', () => {
    const process = payments.cards.find((c) => c.id === 'payments.approve_request')!;
    const refs = cardReferences(process);
    assert.ok(refs.some((r) => r.kind === 'app' && r.form === 'local' && r.namespace === 'payments' && r.code === 'payment_requests'));
    assert.ok(refs.some((r) => r.kind === 'group' && r.code === 'approvers'));
    const activity = payments.cards.find((c) => c.id === 'accounting.send_register')!;
    assert.ok(cardReferences(activity).some((r) => r.form === 'qualified' && r.namespace === 'payments' && r.code === 'payment_registers'));
  });

  it('a workspace taken out of its solution is not isolated (ISO004), as a tampered package would be', () => {
    const alone = payments.cards.filter((c) => c.namespace === 'accounting');
    const r = checkPackageIsolation({ kind: 'module', code: 'accounting', cards: alone, attachments: payments.attachments }, catalog, none);
    assert.ok(r.isolation.some((f) => f.startsWith('ISO004') && f.includes('payments.payment_registers')), r.isolation.join('\n'));
  });

  it('a Global flag slipped into a card is found (ISO001)', () => {
    const cards: Card[] = structuredClone(invoices.cards);
    const proc = cards.find((c) => c.type === 'process')!;
    proc.body.scripts = [{ code: 'x', global: true, source: 'const a = 1;' }];
    const r = checkPackageIsolation({ kind: 'workspace', code: 'invoices', cards, attachments: new Map() }, catalog, none);
    assert.ok(r.isolation.some((f) => f.startsWith('ISO001')));
  });

  it('Global. in a carried script file is found (ISO001)', () => {
    const cards: Card[] = structuredClone(invoices.cards);
    const proc = cards.find((c) => c.type === 'process')!;
    proc.body.scripts = [{ code: 'x', file: { file: 'scripts/x.ts', sha256: '0', size: 1 } }];
    const r = checkPackageIsolation({ kind: 'workspace', code: 'invoices', cards, attachments: new Map([['scripts/x.ts', Buffer.from('await Global.apps.x.search();')]]) }, catalog, none);
    assert.ok(r.isolation.some((f) => f.startsWith('ISO001') && f.includes('Global.')));
  });

  it('Global reached through the global object or eval, in a source or a carried file, is found as the check finds it (ISO001)', () => {
    const cards: Card[] = structuredClone(invoices.cards);
    const proc = cards.find((c) => c.type === 'process')!;
    proc.body.scripts = [
      { code: 'a', source: 'return globalThis["Global"].ns;' },
      { code: 'b', file: { file: 'scripts/b.ts', sha256: '0', size: 1 } },
      { code: 'c', source: 'return window.location.href;' },
    ];
    const files = new Map([['scripts/b.ts', Buffer.from('const k = "Glo" + "bal";\nreturn eval(k);\n')]]);
    const r = checkPackageIsolation({ kind: 'workspace', code: 'invoices', cards, attachments: files }, catalog, none);
    assert.deepEqual(r.isolation.filter((f) => f.startsWith('ISO001')), [
      `ISO001 script \`${proc.id}.a\` uses \`Global.\``,
      `ISO001 script \`${proc.id}.b\` uses \`eval\` (text run as code), which can reach the \`Global\` object without naming it: do without it`,
    ]);
  });

  it('global objects and org-chart units outside a configuration break isolation (ISO003, ISO002)', () => {
    const cards: Card[] = structuredClone(invoices.cards);
    const app = cards.find((c) => c.type === 'app')!;
    app.body.fields = [{ code: 'g', type: 'group', group: 'global.auditors' }, { code: 'u', type: 'orgUnit', orgUnit: 'finance' }];
    const r = checkPackageIsolation({ kind: 'workspace', code: 'invoices', cards, attachments: new Map() }, catalog, none);
    assert.ok(r.isolation.some((f) => f.startsWith('ISO003') && f.includes('global.auditors')));
    assert.ok(r.isolation.some((f) => f.startsWith('ISO002') && f.includes('finance')));
  });

  it('a reference into the package\'s namespace that it lacks resolves only when the environment has it', () => {
    const cards: Card[] = structuredClone(invoices.cards).filter((c: Card) => c.id !== 'invoices.accountants');
    const scope = { kind: 'workspace', code: 'invoices', cards, attachments: new Map() };
    assert.ok(checkPackageIsolation(scope, catalog, none).references.some((f) => f.includes('accountants')));
    assert.deepEqual(checkPackageIsolation(scope, catalog, (id) => id === 'invoices.accountants').references, []);
  });

  it('an unknown entity of a built-in namespace does not resolve in the target', () => {
    const cards: Card[] = structuredClone(invoices.cards);
    cards.find((c) => c.type === 'app')!.body.fields = [{ code: 'c', type: 'app', app: '_clients._companys' }];
    const r = checkPackageIsolation({ kind: 'workspace', code: 'invoices', cards, attachments: new Map() }, catalog, none);
    assert.ok(r.references.some((f) => f.includes('_clients._companys')));
    assert.deepEqual(r.isolation, []);
  });

  it('a bare code is judged in each card\'s namespace and for each kind, however often the same text recurs', () => {
    const card = (id: string, type: string, body: Record<string, unknown>): Card => {
      const [namespace, code] = id.split('.');
      return { id, type, namespace, code, deleted: false, hash: id, body } as Card;
    };
    const cards = [
      card('a.orders', 'app', { code: 'orders' }),
      card('a.list', 'page', { app: 'orders' }),
      card('a.board', 'page', { app: 'orders', widgets: [{ group: 'orders' }] }),
      card('b.list', 'page', { app: 'orders' }),
      card('b.other', 'page', { app: 'a.orders' }),
    ];
    const r = checkPackageIsolation({ kind: 'configuration', code: 'all', cards, attachments: new Map() }, catalog, none);
    assert.deepEqual(r, {
      isolation: [],
      references: [
        'a.board: group `orders` resolves neither in the package nor in the environment (the package\'s `a.orders` is a app, not a group)',
        'b.list: app `orders` resolves neither in the package nor in the environment',
      ],
    });
  });
});
