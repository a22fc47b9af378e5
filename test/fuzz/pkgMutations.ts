/**
 * Mutations of a sound package, as data (so fast-check shrinks and prints them): entry names,
 * entry bytes, cards, the descriptor, data chunks and the zip file itself. pkgApply.ts applies them.
 */
import fc from 'fast-check';
import { arbJsonEdit, arbJsonVal, arbValFor, JsonEdit, Val } from './jsonText';
import { META } from './pkgzip';

export type NameRecipe =
  | { k: 'literal'; name: string }
  | { k: 'otherStep'; step: string }
  | { k: 'caseOf'; entry: number }
  | { k: 'sameAs'; entry: number }
  | { k: 'noSuffix' };

export type CardField = 'id' | 'type' | 'namespace' | 'code' | 'hash' | 'deleted' | 'body';
export type CardEdit =
  | { k: 'field'; field: CardField; val: Val }
  | { k: 'fromCard'; field: CardField; card: number }
  | { k: 'drop'; field: CardField }
  /** id, namespace and code changed together, so they agree with each other. */
  | { k: 'spoof'; namespace: string; code: string }
  | { k: 'body'; edit: JsonEdit }
  | { k: 'raw'; text: string };

export type MetaEdit =
  | { k: 'field'; field: string; val: Val }
  | { k: 'drop'; field: string }
  | { k: 'dataSet'; field: 'app' | 'chunks' | 'records'; val: Val }
  | { k: 'any'; edit: JsonEdit }
  | { k: 'raw'; text: string };

export type DataEdit =
  | { k: 'line'; at: number; mode: 'insert' | 'replace'; line: Val | { k: 'text'; text: string } }
  | { k: 'moveApp'; app: string }
  | { k: 'eol'; style: 'crlf' | 'cr' | 'bom' | 'noFinal' | 'blankLines' };

export type Mutation =
  | { op: 'rename'; entry: number; to: NameRecipe }
  | { op: 'duplicate'; entry: number; caseClash: boolean }
  | { op: 'drop'; entry: number }
  | { op: 'flip'; entry: number; at: number; xor: number }
  | { op: 'truncate'; entry: number; keep: number }
  | { op: 'append'; entry: number; text: string }
  | { op: 'card'; card: number; edit: CardEdit }
  | { op: 'meta'; edit: MetaEdit }
  | { op: 'data'; edit: DataEdit }
  | { op: 'zip'; kind: 'flip' | 'truncate'; at: number; xor: number };

export interface PackageCase {
  base: number;
  mutations: Mutation[];
  /** Rewrite the index to match the mutated entries. */
  fix: boolean;
  /** Re-hash every card's body and move it to the entry its type and id call for, as a careful forger would. */
  consistent: boolean;
}

// ---- arbitraries ---------------------------------------------------------------------------

const STEPS = ['templates', 'widgets', 'groups', 'menu', 'processes', 'orgchart', 'counters', 'apps', 'permissions', 'settings', 'modules', 'solutions', 'events', 'data', 'scripts', 'nowhere'];
const HOSTILE_NAMES = [
  '../evil.txt', 'apps/../../evil.txt', '/etc/passwd', 'C:/evil.txt', 'apps\\evil.card.json', 'apps/a\n.card.json', 'apps/\u0000.card.json',
  'apps/', 'apps//x.card.json', './apps/x.card.json', 'apps/./x.card.json', 'META_DATA.JSON', META, 'apps/инвойс.card.json',
  `apps/${'x'.repeat(1100)}.card.json`, 'scripts/x.ts', 'data/invoices.payment_purposes/00001.jsonl', 'templates/files/x.txt', 'x',
];
const nat = fc.nat({ max: 1000 });

export const arbName: fc.Arbitrary<NameRecipe> = fc.oneof(
  fc.record({ k: fc.constant('literal' as const), name: fc.constantFrom(...HOSTILE_NAMES) }),
  fc.record({ k: fc.constant('literal' as const), name: fc.string({ minLength: 1, maxLength: 20 }) }),
  fc.record({ k: fc.constant('otherStep' as const), step: fc.constantFrom(...STEPS) }),
  fc.record({ k: fc.constant('caseOf' as const), entry: nat }),
  fc.record({ k: fc.constant('sameAs' as const), entry: nat }),
  fc.constant({ k: 'noSuffix' as const }),
);

export const arbNameMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('rename' as const), entry: nat, to: arbName }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), entry: nat, caseClash: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), entry: nat }) },
);

export const arbByteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), entry: nat, at: fc.double({ min: 0, max: 1, noNaN: true }), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), entry: nat, keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('append' as const), entry: nat, text: fc.constantFrom('x', '\n', '}', '\u0000', '{"id":"extra"}\n', '\xff\xfe') }),
  fc.record({ op: fc.constant('zip' as const), kind: fc.constantFrom('flip' as const, 'truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), xor: fc.integer({ min: 1, max: 255 }) }),
);

const CARD_TYPES = ['app', 'workspace', 'module', 'solution', 'configuration', 'group', 'orgUnit', 'permissions', 'field', 'script', 'unknown', 'constructor', 'toString', '__proto__', ''];
const SPOOF_NS = ['victim', 'global', '#orgchart', 'payments', 'invoices', 'hr', 'custom_objects', '_clients', ''];
const SPOOF_CODES = ['x', 'admins', 'ceo', 'invoices', 'payment_requests', 'vacation_requests', 'all_managers', ''];

export const arbCardEdit: fc.Arbitrary<CardEdit> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant('field' as const), field: fc.constantFrom<CardField>('id', 'namespace', 'code'), val: arbValFor(['victim.x', 'global.admins', '#orgchart.ceo', 'victim', 'global', 'x', 'payments.payment_requests']) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('field' as const), field: fc.constant<CardField>('type'), val: arbValFor(CARD_TYPES) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('field' as const), field: fc.constantFrom<CardField>('hash', 'deleted', 'body'), val: arbJsonVal }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('fromCard' as const), field: fc.constantFrom<CardField>('id', 'namespace', 'code', 'type', 'hash'), card: nat }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), field: fc.constantFrom<CardField>('id', 'type', 'namespace', 'code', 'hash', 'deleted', 'body') }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('spoof' as const), namespace: fc.constantFrom(...SPOOF_NS), code: fc.constantFrom(...SPOOF_CODES) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('body' as const), edit: arbJsonEdit }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('raw' as const), text: fc.constantFrom('[]', 'null', '{}', '1', '"card"', '{"id":"x"}', '', '{"id":"a","type":"app","hash":"h","body":null}') }) },
);

export const arbCardMutation: fc.Arbitrary<Mutation> = fc.record({ op: fc.constant('card' as const), card: nat, edit: arbCardEdit });

const META_FIELDS: Record<string, unknown[]> = {
  kind: ['app', 'workspace', 'module', 'solution', 'configuration', '', 'x', 'constructor'],
  code: ['inv\r\noices', 'inv\roices', 'инвойсы', '发票', '😀', 'a\u2028b', '', 'global', '#orgchart', 'payments', 'victim', '../x', 'a'.repeat(5000)],
  title: ['a\r\nb', '\u001b[2J', '', 'инвойсы'],
  languages: [[], ['de'], ['ru', 'en'], ['en', 'en'], 'en', [5], [null], ['en', 'ru', 'de']],
  platform: ['9999.1', '1', 'x', '', '2024.4.1.1', '-1'],
  formatVersion: [0, -1, 1.5, '1', 2, 1e300, null],
  format: ['isola-package', 'other', ''],
  options: [null, {}, { design: 'none', data: 'all' }, { design: 'all', data: ['victim.x'] }, { design: 'x', data: 5, dataOrder: 'x' }],
  data: [null, {}, [null], [{}], [{ app: 'victim.x', records: 1, chunks: [] }], 'x'],
  history: [null, [], 'x', { 'invoices.invoices': 'x' }, { 'invoices.invoices': [null] }, { 'invoices.invoices': [{ hash: 5 }] }],
  steps: [null, 'x', [null], [{ step: 'nowhere', cards: -1 }]],
  entries: [null, {}, [null], [{ path: 5 }], []],
  tool: [null, 'x', {}, { name: 5 }],
  createdAt: [null, 5, 'not a date', ''],
  createdBy: [null, 5, 'a\nb'],
  source: [null, 5],
};
const DATA_APPS = ['victim.x', 'global.users', '#orgchart.x', 'invoices.invoices', 'invoices.payment_purposes', 'nodot', '', '.', 'a.b.c', 'payments.payment_requests'];
const DATA_CHUNKS: unknown[] = [[], ['missing/00000.jsonl'], [META], ['apps/invoices.invoices.card.json'], ['../x'], 'data/x.jsonl', null, [5]];

export const arbMetaEdit: fc.Arbitrary<MetaEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(META_FIELDS)).chain((field) => fc.record({ k: fc.constant('field' as const), field: fc.constant(field), val: arbValFor(META_FIELDS[field]) })) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), field: fc.constantFrom(...Object.keys(META_FIELDS)) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('dataSet' as const), field: fc.constant('app' as const), val: arbValFor(DATA_APPS) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('dataSet' as const), field: fc.constant('chunks' as const), val: arbValFor(DATA_CHUNKS) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('dataSet' as const), field: fc.constant('records' as const), val: arbValFor([-1, 0, 1e9, 1.5, '3', null]) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('any' as const), edit: arbJsonEdit }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('raw' as const), text: fc.constantFrom('[]', 'null', '{}', '"isola-package"', '{"format":"isola-package","formatVersion":1}', '{"format":"isola-package","formatVersion":1,"entries":[]}') }) },
);

export const arbMetaMutation: fc.Arbitrary<Mutation> = fc.record({ op: fc.constant('meta' as const), edit: arbMetaEdit });

const LINES = [
  '{', 'null', '5', '[]', '"x"', '{}', '{"id":null}', '{"id":{}}', '{"id":[1]}', '{"id":true}', '{"id":""}', '{"id":1.5}', '{"id":1e400}', '{"id":-0}',
  '{"id":"dup"}', '{"id":"x","v":"\\u0000"}', '{"id":"x","v":"\\ud800"}', '{"id":"x\\u0000y"}', '{"id":"x"} trailing', '{"id":"x",}', '\ufeff{"id":"bom"}',
  '\u0000', '{"id":"raw"}\u0000', '{"id":"x","__proto__":{"polluted":true}}', '{"id":"0b9f6c52-3d1e-4c8a-9a51-1f6f0c2a7d01","name":"replaced"}', '\u2028', '{"id":"x","v":"\\u2028"}',
];

export const arbDataEdit: fc.Arbitrary<DataEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('line' as const), at: nat, mode: fc.constantFrom('insert' as const, 'replace' as const), line: fc.oneof(fc.record({ k: fc.constant('text' as const), text: fc.constantFrom(...LINES) }), arbJsonVal) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('moveApp' as const), app: fc.constantFrom(...DATA_APPS) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('eol' as const), style: fc.constantFrom('crlf' as const, 'cr' as const, 'bom' as const, 'noFinal' as const, 'blankLines' as const) }) },
);

export const arbDataMutation: fc.Arbitrary<Mutation> = fc.record({ op: fc.constant('data' as const), edit: arbDataEdit });

export const arbAnyMutation: fc.Arbitrary<Mutation> = fc.oneof(arbNameMutation, arbByteMutation, arbCardMutation, arbMetaMutation, arbDataMutation);

/**
 * Cases of one family: a base package, one to `max` mutations, the index fixed (mostly: an
 * unfixed index stops most packages at the first checksum) or not, the cards made consistent or not.
 */
export function arbCase(m: fc.Arbitrary<Mutation>, o: { max?: number; consistent?: boolean } = {}): fc.Arbitrary<PackageCase> {
  return fc.record({
    base: fc.nat({ max: 2 }),
    mutations: fc.array(m, { minLength: 1, maxLength: o.max ?? 2 }),
    fix: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    consistent: o.consistent === undefined ? fc.boolean() : fc.constant(o.consistent),
  });
}
