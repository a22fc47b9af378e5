import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import type { Card, Descriptor } from '../../../server/src/core/packaging/format';
import { cardsToManifests } from '../../../server/src/core/unpack/cardsToManifests';
import { packageHintProblem } from '../../../server/src/core/unpack/layout';
import { unsafeRelativePath } from '../../../server/src/core/unpack/names';
import { UnpackRefused } from '../../../server/src/core/unpack/errors';

type Obj = Record<string, unknown>;
const UNITS = ['workspace', 'module', 'solution', 'configuration'];

function card(type: string, namespace: string, code: string, body: Obj, deleted = false): Card {
  const id = UNITS.includes(type) ? code : type === 'permissions' ? `${namespace}.${code}.permissions` : `${namespace}.${code}`;
  return { id, type: type as Card['type'], namespace, code, deleted, hash: sha256(canonicalJson(body)), body };
}

const SCRIPT = { file: 'scripts/ws.p.run.ts', sha256: 'a'.repeat(64), size: 3 };
const DOC = { file: 'templates/files/ws.t.docx', sha256: 'b'.repeat(64), size: 4 };

const CARDS: Card[] = [
  card('configuration', 'co', 'co', { kind: 'configuration', code: 'co', title: 'Company', members: [{ kind: 'solution', code: 'sol' }] }),
  card('solution', 'sol', 'sol', { kind: 'solution', code: 'sol', version: '1.0.0', members: [{ kind: 'workspace', code: 'ws' }, { kind: 'module', code: 'mod' }] }),
  card('workspace', 'ws', 'ws', { kind: 'workspace', code: 'ws', title: 'WS', x_unit: 1 }),
  card('module', 'mod', 'mod', { kind: 'module', code: 'mod' }),
  card('app', 'ws', 'a', { code: 'a', fields: [{ code: 'f', type: 'string' }], forms: [{ code: 'main', fields: ['f'] }] }),
  card('permissions', 'ws', 'a', { app: 'ws.a', permissions: [{ group: 'g', access: ['read', 'update'] }] }),
  card('process', 'ws', 'p', { code: 'p', app: 'a', x_custom: { keep: [1, 2] }, scripts: [{ code: 'run', file: SCRIPT }, { code: 'inline', source: 'x' }] }),
  card('page', 'ws', 'pg', { code: 'pg', pages: [{ code: 'nested', app: 'a' }] }),
  card('widget', 'ws', 'w', { code: 'w', uses: [] }),
  card('group', 'ws', 'g', { code: 'g' }),
  card('counter', 'ws', 'c', { code: 'c', start: 1 }),
  card('counter', 'ws', 'old', { code: 'old', deleted: true }, true),
  card('template', 'ws', 't', { code: 't', file: DOC, app: 'a' }),
  card('activity', 'mod', 'act', { code: 'act' }),
  card('apiMethod', 'mod', 'api', { code: 'api', method: 'GET' }),
  card('setting', 'mod', 's', { code: 's', default: 1 }),
  card('event', 'mod', 'ev', { code: 'ev', event: 'created' }),
  card('group', 'sol', 'sg', { code: 'sg' }),
  card('orgUnit', '#orgchart', 'ceo', { code: 'ceo' }),
  card('orgUnit', '#orgchart', 'fin', { code: 'fin', parent: 'ceo' }),
  card('group', 'global', 'gg', { code: 'gg' }),
  card('widget', 'global', 'gw', { code: 'gw' }),
];

const DESCRIPTOR = {
  kind: 'configuration', code: 'co', entries: [{ path: SCRIPT.file, sha256: SCRIPT.sha256, size: 3 }, { path: DOC.file, sha256: DOC.sha256, size: 4 }],
  data: [{ app: 'ws.a', records: 2, chunks: ['data/ws.a/00000.jsonl'] }], history: {},
} as unknown as Descriptor;

describe('cards become manifests: every card type in its place', () => {
  const layout = cardsToManifests(DESCRIPTOR, CARDS);
  const m = (file: string) => layout.manifests.find((x) => x.file === file)!.value;

  it('one manifest per unit: configuration and solution at the top, a folder per namespace', () => {
    assert.deepEqual(layout.manifests.map((x) => x.file).sort(), ['co.isola.json', 'mod/mod.isola.json', 'sol.isola.json', 'ws/ws.isola.json']);
    assert.deepEqual(layout.notes, []);
  });

  it('a solution includes its members by path, in order, and keeps its groups; no `members`', () => {
    assert.deepEqual(m('sol.isola.json'), { kind: 'solution', code: 'sol', version: '1.0.0', includes: ['ws/ws.isola.json', 'mod/mod.isola.json'], groups: [{ code: 'sg' }] });
  });

  it('a configuration includes its members, nests org-chart units under their parents, and holds the globals', () => {
    assert.deepEqual(m('co.isola.json'), {
      kind: 'configuration', code: 'co', title: 'Company', includes: ['sol.isola.json'],
      orgChart: [{ code: 'ceo', children: [{ code: 'fin' }] }],
      globals: { groups: [{ code: 'gg' }], widgets: [{ code: 'gw' }] },
    });
  });

  it('a workspace: apps with their permissions, processes with script files, pages with nested pages, templates with files, data; unknown properties and deleted flags kept', () => {
    assert.deepEqual(m('ws/ws.isola.json'), {
      kind: 'workspace', code: 'ws', title: 'WS', x_unit: 1,
      apps: [{ code: 'a', fields: [{ code: 'f', type: 'string' }], forms: [{ code: 'main', fields: ['f'] }], permissions: [{ group: 'g', access: ['read', 'update'] }] }],
      counters: [{ code: 'c', start: 1 }, { code: 'old', deleted: true }],
      groups: [{ code: 'g' }],
      pages: [{ code: 'pg', pages: [{ code: 'nested', app: 'a' }] }],
      processes: [{ code: 'p', app: 'a', x_custom: { keep: [1, 2] }, scripts: [{ code: 'run', file: 'scripts/run.ts' }, { code: 'inline', source: 'x' }] }],
      templates: [{ code: 't', file: 'templates/t.docx', app: 'a' }],
      widgets: [{ code: 'w', uses: [] }],
      data: { a: 'data/a.jsonl' },
    });
  });

  it('a module: activities, API methods, settings and event handlers', () => {
    assert.deepEqual(m('mod/mod.isola.json'), {
      kind: 'module', code: 'mod',
      activities: [{ code: 'act' }], apiMethods: [{ code: 'api', method: 'GET' }], events: [{ code: 'ev', event: 'created' }], settings: [{ code: 's', default: 1 }],
    });
  });

  it('scripts, template documents and records become files next to their manifest', () => {
    assert.deepEqual(layout.files.map((f) => [f.file, f.source]).sort(), [
      ['ws/data/a.jsonl', { app: 'ws.a' }],
      ['ws/scripts/run.ts', { entry: SCRIPT.file, sha256: SCRIPT.sha256 }],
      ['ws/templates/t.docx', { entry: DOC.file, sha256: DOC.sha256 }],
    ]);
  });

  it('two scripts of one code in one namespace get names of their own', () => {
    const s2 = { file: 'scripts/ws.q.run.ts', sha256: 'c'.repeat(64), size: 3 };
    const d = { ...DESCRIPTOR, entries: [...DESCRIPTOR.entries, { path: s2.file, sha256: s2.sha256, size: 3 }] } as Descriptor;
    const l = cardsToManifests(d, [...CARDS, card('process', 'ws', 'q', { code: 'q', scripts: [{ code: 'run', file: s2 }] })]);
    assert.deepEqual(l.files.filter((f) => f.file.includes('/scripts/')).map((f) => f.file).sort(), ['ws/scripts/q.run.ts', 'ws/scripts/run.ts']);
  });

  it('an app manifest (an app card whose body is a manifest) is its own file, with the entities it lists', () => {
    const app = card('app', 'ws', 'orders', { kind: 'app', code: 'orders', namespace: 'ws', processes: [{ code: 'op', scripts: [{ code: 'go', file: 'scripts/flows/go.ts' }] }] });
    const go = { file: 'scripts/ws.op.go.ts', sha256: 'd'.repeat(64), size: 3 };
    const d = { ...DESCRIPTOR, entries: [...DESCRIPTOR.entries, { path: go.file, sha256: go.sha256, size: 3 }] } as Descriptor;
    const l = cardsToManifests(d, [...CARDS, app, card('process', 'ws', 'op', { code: 'op', scripts: [{ code: 'go', file: go }] })]);
    const file = l.manifests.find((x) => x.file === 'ws/apps/orders.isola.json')!;
    assert.deepEqual(file.value, { kind: 'app', code: 'orders', namespace: 'ws', processes: [{ code: 'op', scripts: [{ code: 'go', file: 'scripts/flows/go.ts' }] }] });
    assert.ok(l.files.some((f) => f.file === 'ws/apps/scripts/flows/go.ts'));
    assert.ok(!(l.manifests.find((x) => x.file === 'ws/ws.isola.json')!.value.processes as Obj[]).some((p) => p.code === 'op'));
  });
});

describe('a configuration that includes nothing', () => {
  const d = { kind: 'configuration', code: 'co', entries: [], data: [], history: {} } as unknown as Descriptor;
  const co = (members: Obj[]) => card('configuration', 'co', 'co', { kind: 'configuration', code: 'co', members });
  const unit = card('orgUnit', '#orgchart', 'ceo', { code: 'ceo' });
  const value = (cards: Card[], existing: Obj) => cardsToManifests(d, cards, [{ file: 'co.isola.json', kind: 'configuration', code: 'co', value: existing }]).manifests.find((m) => m.kind === 'configuration')!.value;

  it('gets no `includes` where its manifest has none, nor in a new manifest: retrieving it adds nothing', () => {
    assert.deepEqual(value([co([]), unit], { kind: 'configuration', code: 'co', orgChart: { code: 'ceo' } }), { kind: 'configuration', code: 'co', orgChart: [{ code: 'ceo' }] });
    assert.deepEqual(cardsToManifests(d, [co([]), unit]).manifests[0].value, { kind: 'configuration', code: 'co', orgChart: [{ code: 'ceo' }] });
  });

  it('keeps the `includes` its manifest writes, emptied when the package includes nothing', () => {
    assert.deepEqual(value([co([])], { kind: 'configuration', code: 'co', includes: ['ws/ws.isola.json'] }), { kind: 'configuration', code: 'co', includes: [] });
  });

  it('a configuration whose manifest has no `includes` gets them once its package includes units', () => {
    const cards = [co([{ kind: 'workspace', code: 'ws' }]), card('workspace', 'ws', 'ws', { kind: 'workspace', code: 'ws' }), unit];
    assert.deepEqual(value(cards, { kind: 'configuration', code: 'co' }), { kind: 'configuration', code: 'co', includes: ['ws/ws.isola.json'], orgChart: [{ code: 'ceo' }] });
  });
});

describe('names an unpack chooses after codes', () => {
  // Codes may be device names Windows reserves (`con`, `aux`, `nul`, `com1`); the unpack refuses to
  // write such a name, so it must not choose one itself: a `_` follows the code.
  const ref = (file: string, c: string) => ({ file, sha256: c.repeat(64), size: 1 });
  const S1 = ref('scripts/con.p.aux.ts', 'c');
  const S2 = ref('scripts/con.aux.run.ts', 'd');
  const T = ref('templates/files/con.nul.docx', 'e');
  const cards = [
    card('workspace', 'con', 'con', { kind: 'workspace', code: 'con' }),
    card('app', 'con', 'com1', { code: 'com1' }),
    card('process', 'con', 'p', { code: 'p', scripts: [{ code: 'aux', file: S1 }] }),
    card('process', 'con', 'aux', { code: 'aux', scripts: [{ code: 'run', file: S2 }, { code: 'other', source: 'x' }] }),
    card('template', 'con', 'nul', { code: 'nul', file: T }),
  ];
  const d = {
    kind: 'workspace', code: 'con', entries: [S1, S2, T].map((r) => ({ path: r.file, sha256: r.sha256, size: 1 })),
    data: [{ app: 'con.com1', records: 1, chunks: ['data/con.com1/00000.jsonl'] }], history: {},
  } as unknown as Descriptor;

  it('a workspace `con` goes to con_/con_.isola.json, and its script, template and data files get names the unpack writes', () => {
    const layout = cardsToManifests(d, cards);
    assert.deepEqual(layout.manifests.map((m) => m.file), ['con_/con_.isola.json']);
    const value = layout.manifests[0].value as Obj;
    assert.equal(value.code, 'con');
    assert.deepEqual(layout.files.map((f) => f.file).sort(), ['con_/data/com1_.jsonl', 'con_/scripts/aux_.ts', 'con_/scripts/run.ts', 'con_/templates/nul_.docx']);
    assert.deepEqual(value.data, { com1: 'data/com1_.jsonl' });
    for (const f of [...layout.manifests.map((m) => m.file), ...layout.files.map((x) => x.file)]) assert.equal(unsafeRelativePath(f), undefined, f);
  });

  it('a script whose default names are all taken falls back to its owner\'s code, made a name too', () => {
    // `run.ts` is taken by the folder; the next default is `<owner>.run.ts`, and `aux.run.ts` is a device name.
    const layout = cardsToManifests(d, cards, [{ file: 'con_/con_.isola.json', kind: 'workspace', code: 'con', value: { kind: 'workspace', code: 'con' }, links: [] }, { file: 'other.isola.json', kind: 'workspace', code: 'other', value: { kind: 'workspace', code: 'other' }, links: ['con_/scripts/run.ts'] }]);
    assert.ok(layout.files.some((f) => f.file === 'con_/scripts/aux_.run.ts'), JSON.stringify(layout.files.map((f) => f.file)));
  });

  it('an app package `lpt1` unpacks to lpt1_.isola.json; an app manifest of a namespace to <ns>/apps/<code>_.isola.json', () => {
    const app = card('app', 'sales', 'lpt1', { kind: 'app', namespace: 'sales', code: 'lpt1' });
    const alone = cardsToManifests({ kind: 'app', code: 'lpt1', entries: [], data: [], history: {} } as unknown as Descriptor, [app]);
    assert.deepEqual(alone.manifests.map((m) => m.file), ['lpt1_.isola.json']);
    const inWorkspace = cardsToManifests({ kind: 'workspace', code: 'sales', entries: [], data: [], history: {} } as unknown as Descriptor, [card('workspace', 'sales', 'sales', { kind: 'workspace', code: 'sales' }), app]);
    assert.deepEqual(inWorkspace.manifests.map((m) => m.file).sort(), ['sales/apps/lpt1_.isola.json', 'sales/sales.isola.json']);
  });

  it('a name an app card suggests that the unpack would refuse is not followed', () => {
    assert.match(packageHintProblem('sales/scripts/aux.ts', 'sales', 'scripts/run.ts') ?? '', /not a name every file system takes \(`aux\.ts`\)/);
    assert.equal(packageHintProblem('sales/scripts/auxiliary.ts', 'sales', 'scripts/run.ts'), undefined);
  });
});

describe('an app package, and a namespace whose workspace the package does not carry', () => {
  const RUN = { file: 'scripts/l.adopt.run.ts', sha256: 'e'.repeat(64), size: 3 };
  // The app as an environment exports it when a workspace declared it inline: no `kind`, no `namespace`.
  const APP_CARDS = [
    card('app', 'l', 'cats', { code: 'cats', fields: [{ code: 'name', type: 'string' }] }),
    card('permissions', 'l', 'cats', { app: 'l.cats', permissions: [{ group: 'keepers', access: 'read' }] }),
    card('process', 'l', 'adopt', { code: 'adopt', app: 'cats', scripts: [{ code: 'run', file: RUN }] }),
  ];
  const APP_PACKAGE = {
    kind: 'app', code: 'cats', entries: [{ path: RUN.file, sha256: RUN.sha256, size: 3 }],
    data: [{ app: 'l.cats', records: 1, chunks: ['data/l.cats/00000.jsonl'] }], history: {},
  } as unknown as Descriptor;
  const CATS = { kind: 'app', code: 'cats', namespace: 'l', fields: [{ code: 'name', type: 'string' }], processes: [{ code: 'adopt', app: 'cats', scripts: [{ code: 'run', file: 'scripts/run.ts' }] }], permissions: [{ group: 'keepers', access: 'read' }], data: { cats: 'data/cats.jsonl' } };

  it('an app package is one app manifest at the top, with its processes, permissions and records, however the app was declared; no workspace manifest', () => {
    const l = cardsToManifests(APP_PACKAGE, APP_CARDS);
    assert.deepEqual(l.manifests.map((x) => x.file), ['cats.isola.json']);
    assert.deepEqual(l.manifests[0].value, CATS);
    assert.deepEqual(l.files.map((f) => f.file).sort(), ['data/cats.jsonl', 'scripts/run.ts']);
    assert.deepEqual(l.notes, []);
  });

  it('into a folder that has the app manifest, that manifest is edited, wherever it is', () => {
    const home = { kind: 'app', code: 'cats', namespace: 'l', fields: [], data: { cats: 'records/cats.jsonl' } };
    const l = cardsToManifests(APP_PACKAGE, APP_CARDS, [{ file: 'l/apps/cats.isola.json', kind: 'app', code: 'cats', namespace: 'l', value: home }]);
    assert.deepEqual(l.manifests.map((x) => x.file), ['l/apps/cats.isola.json']);
    assert.deepEqual(l.manifests[0].value.data, { cats: 'records/cats.jsonl' });
  });

  it("into a folder whose workspace manifest declares the app (or its process): refused, since that manifest is not the package's to rewrite", () => {
    const ws = (value: Obj) => [{ file: 'l.isola.json', kind: 'workspace' as const, code: 'l', value: { kind: 'workspace', code: 'l', version: '1.0.0', languages: ['en'], ...value } }];
    assert.throws(() => cardsToManifests(APP_PACKAGE, APP_CARDS, ws({ apps: [{ code: 'cats' }, { code: 'items' }] })),
      (e: Error) => e instanceof UnpackRefused && /^l\.isola\.json declares app l\.cats already, as the manifest of workspace l, which this app package does not carry/.test(e.message));
    assert.throws(() => cardsToManifests(APP_PACKAGE, APP_CARDS, ws({ processes: [{ code: 'adopt' }] })),
      (e: Error) => e instanceof UnpackRefused && /^l\.isola\.json declares process l\.adopt already/.test(e.message));
    // A workspace that declares neither is not touched, and not in the way.
    assert.deepEqual(cardsToManifests(APP_PACKAGE, APP_CARDS, ws({ apps: [{ code: 'items' }] })).manifests.map((x) => x.file), ['cats.isola.json']);
  });

  it('a namespace package without its workspace card: its apps are app manifests holding their processes; what only a workspace declares is left out, said in a note', () => {
    const d = { ...APP_PACKAGE, kind: 'workspace', code: 'l' } as Descriptor;
    const cards = [...APP_CARDS, card('app', 'l', 'items', { code: 'items' }), card('process', 'l', 'count', { code: 'count', app: 'l.items' }), card('page', 'l', 'home', { code: 'home' })];
    const l = cardsToManifests(d, cards);
    assert.deepEqual(l.manifests.map((x) => x.file).sort(), ['l/apps/cats.isola.json', 'l/apps/items.isola.json']);
    assert.deepEqual(l.manifests.find((x) => x.code === 'cats')!.value, CATS);
    assert.deepEqual(l.manifests.find((x) => x.code === 'items')!.value, { kind: 'app', code: 'items', namespace: 'l', processes: [{ code: 'count', app: 'l.items' }] });
    assert.deepEqual(l.notes, ['page l.home was left out: the package carries no workspace or module of namespace l to declare it']);
  });
});
