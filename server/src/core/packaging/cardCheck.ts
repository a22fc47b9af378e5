import { GLOBAL_NAMESPACE, MANIFEST_KINDS, ORG_NAMESPACE } from '../manifest/types';
import { canonicalJson, sha256 } from './canonical';
import { STEP_OF, type Card, type CardType, type DataSet, type Descriptor } from './format';
import { valueNestsDeeperThan as deeperThan, MAX_JSON_DEPTH } from '../json/depth';
import { contradictsFlag } from './carry';
import { unstorableText } from '../oneLine';

/** Whether a text is a language code as packages name languages (`en`, `ru`, `pt-BR`). */
export function isLanguageCode(l: string): boolean {
  return /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l);
}

/**
 * Whether a text is a platform version as manifests give one (`2024.4`, `platformVersion` in
 * schemas/definitions.schema.json): up to four numbers separated by dots.
 */
export function isPlatformVersion(v: string): boolean {
  return /^[0-9]+(\.[0-9]+){0,3}$/.test(v);
}

/** A namespace: a workspace's or module's code, a built-in (`_crm`), `global`, or the org chart. */
const NAMESPACE = /^(?:_?[a-z][a-z0-9_]{0,63}|#orgchart)$/;
/** A package unit's code (workspace, module, solution, configuration): a namespace code. */
const UNIT_CODE = /^[a-z][a-z0-9_]{0,63}$/;
/** An entity's code, as the manifest schema allows it. */
const ENTITY_CODE = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const UNIT_TYPES = new Set<string>(['workspace', 'module', 'solution', 'configuration']);

/**
 * Whether a code may be a workspace's, module's or solution's: a namespace code other than
 * `global`, which is the namespace of the company's global objects (a unit of that code would
 * make them its own, and only a configuration package may write them).
 */
export function isUnitCode(code: unknown): code is string {
  return typeof code === 'string' && UNIT_CODE.test(code) && code !== GLOBAL_NAMESPACE;
}

const reservedUnit = (what: string) => `${what} code "global" is reserved: it is the namespace of the company's global objects, which only a configuration package writes`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The entry a card of this id and type must be: `<step>/<id>.card.json`. The builder and the
 * exporter write exactly this; the reader accepts nothing else.
 */
export function cardEntryName(type: CardType, id: string): string {
  return `${STEP_OF[type]}/${id}.card.json`;
}

/** The id an entity of this type, namespace and code has (see `cardProblem`). */
export function expectedCardId(type: string, namespace: string, code: string): string {
  if (UNIT_TYPES.has(type)) return code;
  if (type === 'permissions') return `${namespace}.${code}.permissions`;
  return `${namespace}.${code}`;
}

/** What the caller already knows of a card's text, so `cardProblem` need not walk it again. */
export interface CardFacts {
  /** It nests no deeper than MAX_JSON_DEPTH. */
  depthChecked?: boolean;
  /** It holds no NUL and no lone surrogate (its JSON text has no `\u` escape: nothing else spells them). */
  textChecked?: boolean;
  /** sha256 of its body's canonical JSON, computed from the same bytes elsewhere (a worker thread). */
  bodySha256?: string;
}

/**
 * Why a parsed card entry cannot be trusted, or undefined when it is a card. Its `id`,
 * `namespace`, `code`, `type` and entry name must all agree, since rights are decided on one of
 * them and the entity is written under another: a card `{"id": "invoices.x", "namespace":
 * "payments"}` in a `payments` package must never reach an environment. The hash must be the
 * body's, or an import would compare and record a version the body is not.
 */
export function cardProblem(entry: string, v: unknown, known: CardFacts = {}): string | undefined {
  if (!isObj(v)) return 'is not a card (a JSON object with id, type, namespace, code, hash and body)';
  if (!known.depthChecked && deeperThan(v)) return `nests objects or lists deeper than ${MAX_JSON_DEPTH} levels`;
  const unstorable = known.textChecked ? undefined : unstorableText(v);
  if (unstorable) return `holds ${unstorable}, which no environment stores`;
  for (const k of ['id', 'type', 'namespace', 'code', 'hash'] as const) {
    if (typeof v[k] !== 'string') return `is not a card: "${k}" must be a string`;
  }
  if (!isObj(v.body)) return 'is not a card: "body" must be an object';
  if (v.deleted !== undefined && typeof v.deleted !== 'boolean') return '"deleted" must be true or false';
  // Which of the two an import, a plan and an unpack should believe is nobody's guess.
  if (contradictsFlag(v.body, v.deleted === true)) return 'its body says "deleted": true but the card is not marked deleted (its "deleted" is not true): build or export the package again';
  const { id, type, namespace, code, hash } = v as unknown as Card;
  if (!Object.hasOwn(STEP_OF, type) || !STEP_OF[type] || type === 'permission') return `has unknown type ${JSON.stringify(type)}`;
  if (UNIT_TYPES.has(type)) {
    if (!UNIT_CODE.test(code)) return `${type} code ${JSON.stringify(code)} is not a valid code (lower-case letters, digits and _, starting with a letter)`;
    // A configuration may write global objects anyway: its code is only a name.
    if (type !== 'configuration' && !isUnitCode(code)) return reservedUnit(type);
    if (namespace !== code) return `the ${type} card's namespace ${JSON.stringify(namespace)} differs from its code ${JSON.stringify(code)}`;
  } else {
    if (!NAMESPACE.test(namespace)) return `namespace ${JSON.stringify(namespace)} is not a namespace code`;
    if (!ENTITY_CODE.test(code)) return `code ${JSON.stringify(code)} is not a valid code (letters, digits and _, starting with a letter or _)`;
    if (namespace === ORG_NAMESPACE && type !== 'orgUnit') return `only org-chart units live in ${ORG_NAMESPACE}`;
    if (type === 'orgUnit' && namespace !== ORG_NAMESPACE) return `an org-chart unit belongs to ${ORG_NAMESPACE}, not ${JSON.stringify(namespace)}`;
  }
  const inBody = bodyCodeProblem(type, v.body);
  if (inBody) return inBody;
  const want = expectedCardId(type, namespace, code);
  if (id !== want) return `id ${JSON.stringify(id)} does not agree with its namespace and code (a ${type} ${JSON.stringify(code)} in ${JSON.stringify(namespace)} is ${JSON.stringify(want)})`;
  const name = cardEntryName(type, id);
  if (entry !== name) return `a ${type} card with id ${JSON.stringify(id)} must be the entry ${name}`;
  const otherName = bodyNameProblem(type, namespace, code, v.body);
  if (otherName) return otherName;
  // A hash equal to the body's is a sha256 already; only one that differs is told apart.
  if ((known.bodySha256 ?? sha256(canonicalJson(v.body))) === hash) return undefined;
  return SHA256.test(hash) ? 'its "hash" is not the sha256 of its body' : '"hash" is not a sha256';
}

/**
 * Why codes inside a card's body, which an unpack makes file names of, are not codes, or
 * undefined. A script's code names its file (`scripts/<code>.ts`) and a key of an app's or
 * workspace's `data` its records' (`data/<app>.jsonl`): a package with a script coded
 * `.github/workflows/ci` or `planted.isola` would otherwise plant a workflow or a manifest. The
 * manifest schema allows neither (MAN002), so no build makes such a card. The environment holds
 * a body changed through `PUT /v1/entities/:id` to the same rule.
 */
export function bodyCodeProblem(type: string, body: Obj): string | undefined {
  if (Array.isArray(body.scripts)) {
    for (const [i, s] of body.scripts.entries()) {
      if (!isObj(s) || s.code === undefined) continue;
      if (typeof s.code !== 'string' || !ENTITY_CODE.test(s.code)) return `script ${JSON.stringify(s.code)} (scripts[${i}]) does not have a valid code (letters, digits and _, starting with a letter or _)`;
    }
  }
  if ((type === 'app' || type === 'workspace') && isObj(body.data)) {
    for (const k of Object.keys(body.data)) if (!ENTITY_CODE.test(k)) return `"data" names app ${JSON.stringify(k)}, which is not a valid app code`;
  }
  return undefined;
}

/** The fields of a body that name its entity, and what each must be for an entity of this type, namespace and code. */
export function bodyNames(type: string, namespace: string, code: string): { key: string; want: string; of: string }[] {
  // A permissions card's body names its app; any other body its own code.
  if (type === 'permissions') return [{ key: 'app', want: `${namespace}.${code}`, of: 'app' }];
  const names = [{ key: 'code', want: code, of: 'code' }];
  // A manifest's own card (a package unit, an app manifest) says its kind, and an app manifest its namespace.
  if (UNIT_TYPES.has(type) || type === 'app') names.push({ key: 'kind', want: type, of: 'type' });
  if (type === 'app') names.push({ key: 'namespace', want: namespace, of: 'namespace' });
  return names;
}

/**
 * Why a body names another entity than its card's (its `code`, a manifest's `kind`, an app
 * manifest's `namespace`, a permissions card's `app`), or undefined. The environment writes the
 * entity under the card's id and an unpack writes the manifest from the card, so a body that says
 * otherwise would be stored as one thing and retrieved as another. A field the body leaves out
 * names nothing.
 */
export function bodyNameProblem(type: string, namespace: string, code: string, body: Obj): string | undefined {
  for (const n of bodyNames(type, namespace, code)) {
    const v = body[n.key];
    if (v !== undefined && v !== n.want) return `its body's "${n.key}" ${JSON.stringify(v)} differs from its ${n.of} ${JSON.stringify(n.want)}`;
  }
  return undefined;
}

/**
 * Why a descriptor's unit and data sets cannot be trusted, or undefined. Codes end up in ids,
 * file names and HTTP headers; a data set's app decides which namespace its records are written
 * to, so each chunk must lie in that app's folder, belong to one set only, and every data entry
 * must belong to a set.
 */
export function descriptorProblem(d: Descriptor, entryNames: Iterable<string>, known: Pick<CardFacts, 'textChecked'> = {}): string | undefined {
  if (!MANIFEST_KINDS.includes(d.kind)) return `"kind" must be one of ${MANIFEST_KINDS.join(', ')}`;
  if (typeof d.code !== 'string' || !(d.kind === 'app' ? ENTITY_CODE : UNIT_CODE).test(d.code)) {
    return `"code" ${JSON.stringify(d.code)} is not a valid ${d.kind} code`;
  }
  if (d.kind !== 'app' && d.kind !== 'configuration' && !isUnitCode(d.code)) return reservedUnit(`the ${d.kind}'s`);
  for (const k of ['title', 'comment', 'version', 'platform', 'createdAt', 'createdBy', 'source'] as const) {
    if (d[k] !== undefined && typeof d[k] !== 'string') return `"${k}" must be a string`;
  }
  if (d.languages !== undefined && (!Array.isArray(d.languages) || d.languages.some((l) => typeof l !== 'string' || !isLanguageCode(l)))) {
    return '"languages" must be a list of language codes such as "en" or "ru"';
  }
  const unstorable = known.textChecked ? undefined : unstorableText(d);
  if (unstorable) return `holds ${unstorable}, which no environment stores`;
  if (!isObj(d.tool) || typeof d.tool.name !== 'string' || typeof d.tool.version !== 'string') return '"tool" must be { name, version }';
  if (!isObj(d.options)) return '"options" must be an object';
  const o = d.options;
  if (o.design !== 'all' && o.design !== 'none') return '"options.design" must be "all" or "none"';
  if (o.data !== 'all' && o.data !== 'none' && !isStrings(o.data)) return '"options.data" must be "none", "all" or a list of apps';
  if (o.dataOrder !== undefined && !isStrings(o.dataOrder)) return '"options.dataOrder" must be a list of apps';
  if (o.dataOrderNote !== undefined && typeof o.dataOrderNote !== 'string') return '"options.dataOrderNote" must be a string';
  if (!Array.isArray(d.steps) || d.steps.some((x) => !isObj(x) || typeof x.step !== 'string' || !Number.isSafeInteger(x.cards))) return '"steps" must list { step, cards }';
  if (!isObj(d.history)) return '"history" must be an object';
  for (const [id, h] of Object.entries(d.history)) {
    if (!Array.isArray(h) || h.some((e) => !isObj(e) || typeof e.hash !== 'string' || typeof e.at !== 'string' || (e.of !== undefined && typeof e.of !== 'string'))) return `"history" of ${JSON.stringify(id)} must be a list of { hash, at } (and of, a hash, when an export set it)`;
  }
  return dataSetsProblem(d.data, entryNames);
}

function dataSetsProblem(sets: DataSet[], entryNames: Iterable<string>): string | undefined {
  const names = new Set(entryNames);
  const owner = new Map<string, string>();
  for (const s of sets) {
    if (!isObj(s)) return '"data" must list { app, records, chunks }';
    if (typeof s.app !== 'string' || !/^_?[a-z][a-z0-9_]{0,63}\.[A-Za-z_][A-Za-z0-9_]{0,255}$/.test(s.app)) return `data set ${JSON.stringify(s.app)} does not name an app as namespace.code`;
    if (!Number.isSafeInteger(s.records) || s.records < 0) return `data set ${s.app}: "records" must be a whole number`;
    if (!Array.isArray(s.chunks)) return `data set ${s.app}: "chunks" must be a list of entries`;
    for (const c of s.chunks) {
      if (typeof c !== 'string' || !c.startsWith(`data/${s.app}/`) || c.slice(s.app.length + 6).includes('/')) return `data set ${s.app}: chunk ${JSON.stringify(c)} is not in data/${s.app}/`;
      if (!names.has(c)) return `data set ${s.app}: chunk ${c} is not in the package`;
      if (owner.has(c)) return `chunk ${c} is listed twice (under ${owner.get(c)} and ${s.app})`;
      owner.set(c, s.app);
    }
  }
  if (new Set(sets.map((s) => s.app)).size !== sets.length) return 'an app has two data sets';
  for (const name of names) {
    if (name.startsWith('data/') && !name.endsWith('/') && !owner.has(name)) return `entry ${name} belongs to no data set of the descriptor`;
  }
  return undefined;
}
