import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

// Compiled to out/test/unit/; the schemas stay at the repository root.
const SCHEMAS_DIR = path.resolve(__dirname, '../../../schemas');
const BASE = 'https://isola.dev/schemas/';
const KINDS = ['app', 'workspace', 'module', 'solution', 'configuration'] as const;

type Json = Record<string, unknown>;

function loadSchemas(): Map<string, Json> {
  const schemas = new Map<string, Json>();
  for (const name of fs.readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json')).sort()) {
    schemas.set(name, JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, name), 'utf8')) as Json);
  }
  return schemas;
}

const schemas = loadSchemas();
const ajv = new Ajv({ allErrors: true, strict: false });
for (const schema of schemas.values()) ajv.addSchema(schema);
const validateManifest: ValidateFunction = ajv.compile({ $ref: `${BASE}manifest.schema.json` });

function errorsOf(manifest: unknown): ErrorObject[] {
  return validateManifest(manifest) ? [] : [...(validateManifest.errors ?? [])];
}

function show(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.keyword}: ${e.message}`).join('\n');
}

function assertValid(manifest: unknown): void {
  const errors = errorsOf(manifest);
  assert.deepEqual(errors, [], `expected no errors, got:\n${show(errors)}`);
}

/** The manifest fails, and one error is `keyword` at `instancePath` (and names `missing`, for `required`). */
function assertInvalid(manifest: unknown, instancePath: string, keyword: string, missing?: string): void {
  const errors = errorsOf(manifest);
  assert.ok(errors.length > 0, 'expected the manifest to fail');
  const hit = errors.find((e) =>
    e.instancePath === instancePath && e.keyword === keyword &&
    (missing === undefined || (e.params as { missingProperty?: string }).missingProperty === missing));
  assert.ok(hit, `expected "${keyword}" at "${instancePath}"${missing ? ` for ${missing}` : ''}, got:\n${show(errors)}`);
}

// ---------------------------------------------------------------- valid manifests, one per kind

const appManifest = (): Json => ({
  $schema: '../schemas/manifest.schema.json',
  kind: 'app',
  code: 'invoices',
  namespace: 'finance',
  title: 'Invoices',
  version: '1.4.0',
  platform: '2024.4',
  languages: ['en', 'ru'],
  fields: [
    { code: 'number', title: 'Number', type: 'string', required: true, counter: 'invoice_number' },
    { code: 'contractor', title: 'Contractor', type: 'app', app: '_clients._companies' },
    { code: 'kind', type: 'enum', values: ['goods', { code: 'services', title: 'Services' }], multiple: false },
  ],
  buttons: [{ code: 'approve', title: 'Send for approval', process: 'approve_invoice' }],
  statuses: [{ code: 'new', title: 'New' }, { code: 'old', title: 'Old', deleted: true }],
  forms: [{ code: 'create', fields: ['number', 'contractor'], widget: 'invoice_form' }],
  permissions: [{ group: 'accountants', access: 'update' }, { group: '_system.all_users', access: 'read' }],
  processes: [
    {
      code: 'approve_invoice',
      title: 'Invoice approval',
      app: 'invoices',
      lanes: [{ code: 'accountant', title: 'Accountant', group: 'accountants' }],
      notifications: [{ code: 'approved', group: 'accountants', template: 'invoice_pdf' }],
      context: [{ code: 'companies', type: 'app', app: '_clients._companies' }],
      scripts: [{ code: 'find_contractor', file: 'scripts/find_contractor.ts', global: false, imports: ['tax'] }],
    },
  ],
  widgets: [{ code: 'invoice_form', app: 'invoices' }],
  templates: [{ code: 'invoice_pdf', file: 'templates/invoice.docx', app: 'invoices' }],
  counters: [{ code: 'invoice_number', format: 'INV-{YYYY}-{000000}', start: 1 }],
  groups: [{ code: 'accountants', title: 'Accountants', members: ['a.petrova@example.com'] }],
  data: { invoices: 'data/invoices.jsonl' },
});

const workspaceManifest = (): Json => ({
  kind: 'workspace',
  code: 'payments',
  title: 'Payments',
  version: '2.1.0-rc.1',
  platform: '2024.4',
  languages: ['en'],
  apps: [
    {
      code: 'payment_requests',
      title: 'Payment requests',
      fields: [{ code: 'vat_rate', type: 'app', app: 'custom_objects.vat_rates' }],
      buttons: [{ code: 'submit', process: 'approve_request' }],
      statuses: [{ code: 'draft' }],
      forms: [{ code: 'view', fields: ['vat_rate'] }],
      permissions: [{ code: 'treasury', group: 'treasurers', access: 'full' }],
    },
  ],
  processes: [
    {
      code: 'approve_request',
      app: 'payment_requests',
      lanes: [{ code: 'treasurer', group: 'treasurers' }],
      scripts: [{ code: 'check', source: 'export async function run(): Promise<void> {}' }],
    },
  ],
  pages: [{ code: 'catalogs', title: 'Catalogs', pages: [{ code: 'requests', app: 'payment_requests' }] }],
  widgets: [{ code: 'summary', uses: ['chart', 'global.company_news'], context: [{ code: 'total', type: 'money' }] }],
  groups: [{ code: 'treasurers' }],
  counters: [{ code: 'request_number', start: 1 }],
  templates: [{ code: 'register', file: 'templates/register.docx' }],
  data: { payment_requests: 'data/payment_requests.jsonl' },
});

const moduleManifest = (): Json => ({
  kind: 'module',
  code: 'accounting',
  title: 'Accounting integration',
  version: '1.0.0',
  widgets: [{ code: 'sync_status', scripts: [{ code: 'load', source: 'async function onInit() {}' }] }],
  activities: [
    {
      code: 'send_register',
      context: [{ code: 'register', type: 'app', app: 'payments.payment_registers' }],
      scripts: [{ code: 'send', file: 'scripts/send.ts', imports: ['payments'] }],
    },
  ],
  apiMethods: [{ code: 'export_register', method: 'POST', path: '/registers/export', scripts: [{ code: 'run', file: 'scripts/export.ts' }] }],
  settings: [{ code: 'url', type: 'string', default: 'https://accounting.example.com' }, { code: 'timeout', type: 'number', default: 30 }],
  events: [{ code: 'on_posted', event: 'payment_posted', scripts: [{ code: 'mark_paid', file: 'scripts/mark_paid.ts' }] }],
  processes: [{ code: 'sync', lanes: [{ code: 'admins', group: '_system.administrators' }] }],
  groups: [{ code: 'integrators' }],
});

const solutionManifest = (): Json => ({
  kind: 'solution',
  code: 'payments_solution',
  title: 'Payments',
  version: '2.1.0',
  languages: ['en', 'ru'],
  includes: ['payments/payments.isola.json', 'accounting/accounting.isola.json'],
  groups: [{ code: 'finance_team', title: 'Finance team' }],
});

const configurationManifest = (): Json => ({
  kind: 'configuration',
  code: 'company',
  title: 'Northwind Trading',
  version: '1.3.0',
  platform: '2024.4',
  languages: ['en', 'ru'],
  includes: ['hr/hr.isola.json', 'payments_solution.isola.json'],
  orgChart: [
    {
      code: 'ceo',
      title: 'Chief executive officer',
      children: [{ code: 'finance', group: 'all_managers', children: [{ code: 'treasury' }] }],
    },
  ],
  globals: {
    groups: [{ code: 'all_managers', members: ['Heads of every unit'] }],
    widgets: [{ code: 'company_news', scripts: [{ code: 'load_news', file: 'scripts/news.ts', global: true }] }],
  },
});

const VALID: Record<(typeof KINDS)[number], () => Json> = {
  app: appManifest,
  workspace: workspaceManifest,
  module: moduleManifest,
  solution: solutionManifest,
  configuration: configurationManifest,
};

// ---------------------------------------------------------------- the schema files themselves

describe('schema files', () => {
  test('there is a definitions schema, one schema per kind and the manifest entry point', () => {
    assert.deepEqual(
      [...schemas.keys()],
      ['app', 'configuration', 'definitions', 'manifest', 'module', 'solution', 'workspace'].map((n) => `${n}.schema.json`),
    );
    for (const [name, schema] of schemas) {
      assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#', name);
      assert.equal(schema.$id, BASE + name, name);
    }
  });

  test('every schema compiles on its own', () => {
    for (const name of schemas.keys()) {
      assert.equal(typeof ajv.getSchema(BASE + name), 'function', name);
    }
  });

  test('no draft 2019+ keywords and no closed objects', () => {
    const banned = new Set(['unevaluatedProperties', 'unevaluatedItems', 'dependentRequired', 'dependentSchemas', '$defs', '$anchor', '$dynamicRef', '$recursiveRef', 'prefixItems']);
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${at}/${i}`)); return; }
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        assert.ok(!banned.has(key), `${at}: ${key} is not draft-07`);
        assert.ok(!(key === 'additionalProperties' && value === false), `${at}: unknown properties must stay allowed`);
        // `$ref`s leave a file only through the absolute `$id` of the definitions (or of a kind, from manifest).
        if (key === '$ref') assert.match(String(value), /^(#\/definitions\/|https:\/\/isola\.dev\/schemas\/[a-z]+\.schema\.json(#\/definitions\/\w+)?$)/, at);
        walk(value, `${at}/${key}`);
      }
    };
    for (const [name, schema] of schemas) walk(schema, name);
  });

  test('every declared property has a description for hover', () => {
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${at}/${i}`)); return; }
      if (typeof node !== 'object' || node === null) return;
      const obj = node as Json;
      if (typeof obj.properties === 'object' && obj.properties !== null) {
        for (const [prop, schema] of Object.entries(obj.properties as Record<string, Json>)) {
          // `kind` inside an `if` only dispatches.
          if (at.endsWith('/if')) continue;
          assert.equal(typeof schema.description, 'string', `${at}/properties/${prop} has no description`);
        }
      }
      for (const [key, value] of Object.entries(obj)) walk(value, `${at}/${key}`);
    };
    for (const [name, schema] of schemas) walk(schema, name);
  });

  test('each kind declares exactly the top-level properties of docs/manifest-language.md', () => {
    const common = ['$schema', 'kind', 'code', 'title', 'version', 'platform', 'languages'];
    const perKind: Record<(typeof KINDS)[number], string[]> = {
      workspace: ['apps', 'processes', 'pages', 'widgets', 'groups', 'counters', 'templates', 'data'],
      module: ['widgets', 'activities', 'apiMethods', 'settings', 'events', 'processes', 'groups'],
      app: ['namespace', 'fields', 'buttons', 'statuses', 'forms', 'permissions', 'processes', 'widgets', 'templates', 'counters', 'groups', 'data'],
      solution: ['includes', 'groups'],
      configuration: ['includes', 'orgChart', 'globals'],
    };
    for (const kind of KINDS) {
      const schema = schemas.get(`${kind}.schema.json`)!;
      assert.deepEqual(Object.keys(schema.properties as Json).sort(), [...common, ...perKind[kind]].sort(), kind);
      assert.deepEqual((schema.properties as Record<string, Json>).kind.const, kind);
    }
  });

  test('manifest.schema.json dispatches on kind with one if/then per kind', () => {
    const manifest = schemas.get('manifest.schema.json')!;
    assert.deepEqual(manifest.required, ['kind', 'code']);
    assert.deepEqual((manifest.properties as Record<string, Json>).kind.enum, [...KINDS]);
    const blocks = manifest.allOf as { if: { properties: { kind: { const: string } } }; then: { $ref: string } }[];
    assert.deepEqual(blocks.map((b) => b.if.properties.kind.const), [...KINDS]);
    assert.deepEqual(blocks.map((b) => b.then.$ref), KINDS.map((k) => `${BASE}${k}.schema.json`));
  });
});

// ---------------------------------------------------------------- validation

describe('valid manifests', () => {
  for (const kind of KINDS) {
    test(`a ${kind} manifest passes`, () => assertValid(VALID[kind]()));
  }

  test('the smallest manifest of each kind passes', () => {
    assertValid({ kind: 'app', code: 'orders', namespace: 'sales' });
    assertValid({ kind: 'workspace', code: 'sales' });
    assertValid({ kind: 'module', code: 'tax' });
    assertValid({ kind: 'solution', code: 'bundle', includes: [] });
    assertValid({ kind: 'configuration', code: 'company' });
  });

  test('unknown properties pass through, on entities and at the top level', () => {
    const m = workspaceManifest();
    m['x-owner'] = 'finance team';
    const app = (m.apps as Json[])[0];
    app.icon = 'wallet';
    (app.fields as Json[])[0].options = { precision: 2, displayCondition: { field: 'vat_rate', equals: 'zero' } };
    (app.permissions as Json[])[0].rowFilter = 'own';
    const process = (m.processes as Json[])[0];
    process.steps = [{ code: 'approve', lane: 'treasurer', activity: 'accounting.send_register' }];
    (process.lanes as Json[])[0].escalateAfter = 'P2D';
    (process.scripts as Json[])[0].timeoutMs = 5000;
    (m.pages as Json[])[0].icon = 'folder';
    assertValid(m);
  });

  test('permissions need no code; references take every documented form', () => {
    const m = appManifest();
    m.permissions = [
      { group: 'accountants', access: 'read' },
      { group: 'payments.treasurers', access: 'update' },
      { group: 'payments_solution.finance_team', access: 'create' },
      { group: 'global.all_managers', access: 'delete' },
      { orgUnit: 'treasury', access: 'full' },
    ];
    assertValid(m);
  });
});

describe('invalid manifests', () => {
  test('missing kind', () => {
    const m = workspaceManifest();
    delete m.kind;
    assertInvalid(m, '', 'required', 'kind');
  });

  test('missing code', () => {
    for (const kind of KINDS) {
      const m = VALID[kind]();
      delete m.code;
      assertInvalid(m, '', 'required', 'code');
    }
  });

  test('unknown kind', () => {
    assertInvalid({ kind: 'wrkspace', code: 'sales' }, '/kind', 'enum');
  });

  test('fields not an array', () => {
    const m = appManifest();
    m.fields = { number: { type: 'string' } };
    assertInvalid(m, '/fields', 'type');
  });

  test('a script with both file and source', () => {
    const m = appManifest();
    const scripts = (m.processes as Json[])[0].scripts as Json[];
    scripts[0].source = 'export async function run() {}';
    assertInvalid(m, '/processes/0/scripts/0', 'oneOf');
  });

  test('a script with neither file nor source', () => {
    const m = moduleManifest();
    const scripts = (m.events as Json[])[0].scripts as Json[];
    delete scripts[0].file;
    assertInvalid(m, '/events/0/scripts/0', 'oneOf');
    assertInvalid(m, '/events/0/scripts/0', 'required', 'file');
  });

  test('an app manifest without namespace', () => {
    const m = appManifest();
    delete m.namespace;
    assertInvalid(m, '', 'required', 'namespace');
  });

  test('a solution without includes', () => {
    const m = solutionManifest();
    delete m.includes;
    assertInvalid(m, '', 'required', 'includes');
  });

  test('global not boolean', () => {
    const m = appManifest();
    ((m.processes as Json[])[0].scripts as Json[])[0].global = 'yes';
    assertInvalid(m, '/processes/0/scripts/0/global', 'type');
  });

  test('languages not an array of strings', () => {
    const asString = configurationManifest();
    asString.languages = 'en,ru';
    assertInvalid(asString, '/languages', 'type');
    const withNumber = configurationManifest();
    withNumber.languages = ['en', 7];
    assertInvalid(withNumber, '/languages/1', 'type');
  });

  test('an entity without code (other than a permission)', () => {
    const m = workspaceManifest();
    delete ((m.apps as Json[])[0].fields as Json[])[0].code;
    assertInvalid(m, '/apps/0/fields/0', 'required', 'code');
  });

  test('a template without file', () => {
    const m = workspaceManifest();
    delete (m.templates as Json[])[0].file;
    assertInvalid(m, '/templates/0', 'required', 'file');
  });

  test('a malformed reference', () => {
    const m = appManifest();
    (m.fields as Json[])[1].app = '_clients._companies.extra';
    assertInvalid(m, '/fields/1/app', 'pattern');
    const n = workspaceManifest();
    (n.widgets as Json[])[0].uses = ['chart', 'not a widget'];
    assertInvalid(n, '/widgets/0/uses/1', 'pattern');
  });

  test('a workspace code that is not a namespace code', () => {
    assertInvalid({ kind: 'workspace', code: 'Sales' }, '/code', 'pattern');
  });

  test('wrong types of known entity properties', () => {
    const m = appManifest();
    (m.fields as Json[])[0].required = 'yes';
    (m.permissions as Json[])[0].access = 'write';
    (m.counters as Json[])[0].start = 'one';
    assertInvalid(m, '/fields/0/required', 'type');
    assertInvalid(m, '/permissions/0/access', 'enum');
    assertInvalid(m, '/counters/0/start', 'type');
  });

  test('a lane assigned to both a group and an org-chart unit', () => {
    const m = appManifest();
    ((m.processes as Json[])[0].lanes as Json[])[0].orgUnit = 'treasury';
    assertInvalid(m, '/processes/0/lanes/0', 'not');
  });

  test('a field of type app without its app', () => {
    const m = appManifest();
    delete (m.fields as Json[])[1].app;
    assertInvalid(m, '/fields/1', 'required', 'app');
  });

  test('`access` takes one right or a list of rights', () => {
    for (const access of ['read', ['read', 'create', 'update'], ['full']]) {
      const m = appManifest();
      (m.permissions as Json[])[0].access = access;
      assertValid(m);
    }
    for (const [access, at, keyword] of [
      [['read', 'write'], '/permissions/0/access/1', 'enum'],
      [[], '/permissions/0/access', 'minItems'],
      [['read', 'read'], '/permissions/0/access', 'uniqueItems'],
      [5, '/permissions/0/access', 'anyOf'],
    ] as const) {
      const m = appManifest();
      (m.permissions as Json[])[0].access = access;
      assertInvalid(m, at, keyword);
    }
  });

  test('`orgChart` takes one root unit or a list of root units; `children` stays a list', () => {
    const one = configurationManifest();
    one.orgChart = (one.orgChart as Json[])[0];
    assertValid(one);
    assertValid(configurationManifest());
    const bad = configurationManifest();
    bad.orgChart = 'ceo';
    assertInvalid(bad, '/orgChart', 'anyOf');
    const child = configurationManifest();
    child.orgChart = { code: 'ceo', children: { code: 'finance' } };
    assertInvalid(child, '/orgChart/children', 'type');
  });

  test('a version that is not semver', () => {
    const m = moduleManifest();
    m.version = '1.0';
    assertInvalid(m, '/version', 'pattern');
  });
});
