import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';

// Compiled to out/test/unit/; the grammar, its configuration and the examples stay at the repository root.
const ROOT = path.resolve(__dirname, '../../..');
const GRAMMAR = path.join(ROOT, 'syntaxes/isola-manifest.tmLanguage.json');
const LANGUAGE_CONFIGURATION = path.join(ROOT, 'syntaxes/language-configuration.json');
const ONIG_WASM = path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm');
const SCOPE = 'source.isola-manifest';

/** One token of one line: its text and its scopes (outermost first, without the grammar's own scope). */
interface Token {
  text: string;
  scopes: string[];
}

/** Every scope name a token carries, with space-separated names split apart. */
function scopeSet(token: Token): Set<string> {
  return new Set(token.scopes.flatMap((s) => s.split(' ')));
}

let grammar: IGrammar;

before(async () => {
  const wasm = fs.readFileSync(ONIG_WASM);
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === SCOPE ? parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  const loaded = await registry.loadGrammar(SCOPE);
  assert.ok(loaded, 'the grammar loads');
  grammar = loaded;
});

/** Tokenizes a text line by line, carrying the rule stack across lines as the editor does. */
function tokenize(text: string): { lines: Token[][]; stack: StateStack } {
  let stack = INITIAL;
  const lines: Token[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const result = grammar.tokenizeLine(line, stack);
    lines.push(result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) })));
    stack = result.ruleStack;
  }
  return { lines, stack };
}

/** The tokens of a one-line text. */
function line(text: string): Token[] {
  return tokenize(text).lines[0];
}

/** The `nth` token whose text is exactly `text`. */
function token(tokens: Token[], text: string, nth = 0): Token {
  const found = tokens.filter((t) => t.text === text);
  assert.ok(found.length > nth, `no token ${JSON.stringify(text)} (#${nth}) in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return found[nth];
}

function assertScope(t: Token, scope: string): void {
  assert.ok(scopeSet(t).has(scope), `${JSON.stringify(t.text)} should have ${scope}; has ${t.scopes.join(' | ')}`);
}

function assertNoScope(t: Token, scope: string): void {
  assert.ok(!scopeSet(t).has(scope), `${JSON.stringify(t.text)} should not have ${scope}; has ${t.scopes.join(' | ')}`);
}

const REFERENCE_SCOPES = [
  'meta.reference.isola',
  'entity.name.namespace.isola',
  'punctuation.accessor.isola',
  'variable.other.constant.isola',
  'keyword.other.global.isola',
  'support.constant.builtin.isola',
];

describe('grammar: JSONC', () => {
  test('a property key gets the JSON property-name scope', () => {
    const tokens = line('{ "title": "Orders", "required": true, "start": -1.5e3, "x": null }');
    assertScope(token(tokens, 'title'), 'support.type.property-name.json');
    assertScope(token(tokens, 'required'), 'support.type.property-name.json');
    assertScope(token(tokens, ':'), 'punctuation.separator.dictionary.key-value.json');
    assertScope(token(tokens, 'Orders'), 'string.quoted.double.json');
    assertScope(token(tokens, 'true'), 'constant.language.json');
    assertScope(token(tokens, '-1.5e3'), 'constant.numeric.json');
    assertScope(token(tokens, 'null'), 'constant.language.json');
    assertScope(token(tokens, '{'), 'punctuation.definition.dictionary.begin.json');
  });

  test('reference keys are property names too', () => {
    const tokens = line('{ "app": "orders", "uses": ["w"], "global": false }');
    for (const key of ['app', 'uses', 'global']) assertScope(token(tokens, key), 'support.type.property-name.json');
  });

  test('strings keep their escapes', () => {
    const tokens = line('{ "file": "a\\"b\\u00e9", "app": "x\\n" }');
    assertScope(token(tokens, '\\"'), 'constant.character.escape.json');
    assertScope(token(tokens, '\\u00e9'), 'constant.character.escape.json');
    assertScope(token(tokens, '\\n'), 'constant.character.escape.json');
  });

  test('line and block comments', () => {
    const { lines } = tokenize('// top\n{ /* a\n still */ "a": 1 // tail\n}');
    assertScope(token(lines[0], ' top'), 'comment.line.double-slash.js');
    assertScope(token(lines[1], ' a'), 'comment.block.json');
    assertScope(token(lines[2], ' still '), 'comment.block.json');
    assertScope(token(lines[2], 'a'), 'support.type.property-name.json');
    assertScope(token(lines[2], ' tail'), 'comment.line.double-slash.js');
  });

  test('comments and trailing commas do not break the following lines (the rule stack recovers)', () => {
    const { lines, stack } = tokenize(
      [
        '{',
        '  "permissions": [',
        '    { "group": "sales_managers", "access": "full", }, // trailing comma in an object',
        '    /* a block comment',
        '       over two lines */',
        '    { "group": "_system.all_users", }, ',
        '  ],',
        '  "app": /* between */ "crm.leads", // after a reference',
        '  "title": "Still JSON",',
        '}',
      ].join('\n'),
    );
    assertScope(token(lines[5], 'group'), 'support.type.property-name.json');
    assertScope(token(lines[5], '_system'), 'entity.name.namespace.isola');
    assertScope(token(lines[7], 'app'), 'support.type.property-name.json');
    assertScope(token(lines[7], 'crm'), 'entity.name.namespace.isola');
    assertScope(token(lines[7], 'leads'), 'variable.other.constant.isola');
    assertScope(token(lines[7], ' after a reference'), 'comment.line.double-slash.js');
    assertScope(token(lines[8], 'title'), 'support.type.property-name.json');
    assertNoScope(token(lines[8], 'title'), 'meta.member.reference.isola');
    assertNoScope(token(lines[8], 'Still JSON'), 'meta.reference.isola');
    for (const t of lines.flat()) assert.ok(!t.scopes.some((s) => s.startsWith('invalid')), `no invalid token, got ${JSON.stringify(t)}`);
    assert.equal(stack.depth, 1, 'back at the top level after the closing brace');
  });

  test('a missing comma is flagged and the next object still tokenizes', () => {
    const { lines } = tokenize('{\n  "title": "Warehouse"\n  "version": "0.1.0",\n  "apps": [{ "app": "a.b" }]\n}');
    assert.ok(lines[2].some((t) => t.scopes.some((s) => s.startsWith('invalid.illegal'))), 'the stray member is invalid');
    assertScope(token(lines[3], 'a'), 'entity.name.namespace.isola');
  });
});

describe('grammar: references', () => {
  test('"app": "_clients._companies" splits into a built-in namespace, an accessor and a code', () => {
    const tokens = line('{ "code": "customer", "type": "app", "app": "_clients._companies" }');
    const ns = token(tokens, '_clients');
    assertScope(ns, 'entity.name.namespace.isola');
    assertScope(ns, 'support.constant.builtin.isola');
    assertScope(ns, 'meta.reference.isola');
    assertScope(ns, 'string.quoted.double.json');
    assertScope(token(tokens, '.'), 'punctuation.accessor.isola');
    const code = token(tokens, '_companies');
    assertScope(code, 'variable.other.constant.isola');
    assertNoScope(code, 'entity.name.namespace.isola');
    assertNoScope(ns, 'variable.other.constant.isola');
    // `"type": "app"` is a value, not a reference key.
    assertNoScope(token(tokens, 'app', 0), 'meta.reference.isola');
  });

  test('"group": "global.all_staff" marks `global`', () => {
    const tokens = line('{ "group": "global.all_staff", "access": "read" }');
    const global = token(tokens, 'global');
    assertScope(global, 'keyword.other.global.isola');
    assertNoScope(global, 'entity.name.namespace.isola');
    assertScope(token(tokens, '.'), 'punctuation.accessor.isola');
    assertScope(token(tokens, 'all_staff'), 'variable.other.constant.isola');
  });

  test('namespace.code, solution.code and a bare code', () => {
    const tokens = line('{ "process": "approve_order", "widget": "crm_ext.lead_card", "group": "payments_solution.accountants" }');
    assertScope(token(tokens, 'approve_order'), 'variable.other.constant.isola');
    assertScope(token(tokens, 'crm_ext'), 'entity.name.namespace.isola');
    assertNoScope(token(tokens, 'crm_ext'), 'support.constant.builtin.isola');
    assertScope(token(tokens, 'lead_card'), 'variable.other.constant.isola');
    assertScope(token(tokens, 'payments_solution'), 'entity.name.namespace.isola');
    assertScope(token(tokens, 'accountants'), 'variable.other.constant.isola');
  });

  test('every reference property is recognised, and only those', () => {
    for (const key of ['app', 'process', 'group', 'page', 'widget', 'template', 'counter', 'activity', 'apiMethod', 'orgUnit']) {
      assertScope(token(line(`{ "${key}": "ns.thing" }`), 'ns'), 'entity.name.namespace.isola');
    }
    for (const key of ['apps', 'title', 'code', 'namespace', 'groups', 'Application', 'imports']) {
      const tokens = line(`{ "${key}": "ns.thing" }`);
      for (const scope of REFERENCE_SCOPES) assertNoScope(token(tokens, 'ns.thing'), scope);
    }
  });

  test('a plain string under "title" is not a reference', () => {
    const tokens = line('{ "title": "_clients._companies", "description": "global.all_staff" }');
    for (const text of ['_clients._companies', 'global.all_staff']) {
      const t = token(tokens, text);
      assertScope(t, 'string.quoted.double.json');
      for (const scope of REFERENCE_SCOPES) assertNoScope(t, scope);
    }
  });

  test('items of `uses` are references; other arrays are not', () => {
    const tokens = line('{ "uses": ["global.banner", /* c */ "_system._header", "local_w"], "languages": ["en.x"] }');
    assertScope(token(tokens, 'global'), 'keyword.other.global.isola');
    assertScope(token(tokens, 'banner'), 'variable.other.constant.isola');
    assertScope(token(tokens, '_system'), 'support.constant.builtin.isola');
    assertScope(token(tokens, '_header'), 'variable.other.constant.isola');
    assertScope(token(tokens, 'local_w'), 'variable.other.constant.isola');
    assertScope(token(tokens, ' c '), 'comment.block.json');
    for (const scope of REFERENCE_SCOPES) assertNoScope(token(tokens, 'en.x'), scope);
  });

  test('`access` rights are marked, one right or a set; an unknown right and other strings are not', () => {
    const tokens = line('{ "group": "g", "access": ["read", /* c */ "create", "reed"], "title": "read" }');
    assertScope(token(tokens, 'read'), 'support.constant.right.isola');
    assertScope(token(tokens, 'read'), 'string.quoted.double.json');
    assertScope(token(tokens, 'create'), 'support.constant.right.isola');
    assertScope(token(tokens, ' c '), 'comment.block.json');
    assertNoScope(token(tokens, 'reed'), 'support.constant.right.isola');
    assertNoScope(token(tokens, 'read', 1), 'support.constant.right.isola');
    const one = line('{ "access": "full", "code": "x" }');
    assertScope(token(one, 'full'), 'support.constant.right.isola');
    assertScope(token(one, 'x'), 'string.quoted.double.json');
    assert.ok(!one.some((t) => t.scopes.some((sc) => sc.startsWith('invalid.illegal'))), 'no invalid tokens');
  });

  test('a reference value on the line after its key, and a value that is not a string', () => {
    const { lines } = tokenize('{ "app":\n    "_projects._tasks", "counter": 5, "widget": { "app": "x" } }');
    assertScope(token(lines[1], '_projects'), 'support.constant.builtin.isola');
    assertScope(token(lines[1], '5'), 'constant.numeric.json');
    assertScope(token(lines[1], 'x'), 'variable.other.constant.isola');
  });

  test('a malformed reference stays a plain string', () => {
    const tokens = line('{ "app": "a.b.c", "group": "has space" }');
    for (const text of ['a.b.c', 'has space']) {
      assertScope(token(tokens, text), 'string.quoted.double.json');
      for (const scope of REFERENCE_SCOPES.filter((s) => s !== 'meta.reference.isola')) assertNoScope(token(tokens, text), scope);
    }
  });
});

describe('grammar: Global flag and suppression directives', () => {
  test('"global": true in a script is marked; false is not', () => {
    const tokens = line('"scripts": [{ "code": "a", "global": true }, { "code": "b", "global": false }]');
    const on = token(tokens, 'true');
    assertScope(on, 'keyword.control.global-flag.isola');
    assertScope(on, 'constant.language.json');
    const off = token(tokens, 'false');
    assertScope(off, 'constant.language.json');
    assertNoScope(off, 'keyword.control.global-flag.isola');
    // Other booleans are ordinary constants.
    assertNoScope(token(line('{ "required": true }'), 'true'), 'keyword.control.global-flag.isola');
  });

  test('// isola-disable-next-line ISO005 -- reason marks the directive and the code', () => {
    const { lines } = tokenize('{\n  // isola-disable-next-line ISO005 -- the import is reviewed, not ISO004\n  "a": 1\n}');
    const tokens = lines[1];
    const directive = token(tokens, 'isola-disable-next-line');
    assertScope(directive, 'keyword.other.directive.isola');
    assertScope(directive, 'comment.line.double-slash.js');
    const code = token(tokens, 'ISO005');
    assertScope(code, 'constant.other.rule-code.isola');
    assertScope(code, 'comment.line.double-slash.js');
    assertScope(token(tokens, '--'), 'punctuation.separator.reason.isola');
    // Codes named in the reason are only words of the comment.
    assert.ok(!tokens.some((t) => t.text === 'ISO004'), 'ISO004 in the reason is not a separate token');
    assertScope(token(tokens, ' the import is reviewed, not ISO004'), 'comment.line.double-slash.js');
    assertScope(token(lines[2], 'a'), 'support.type.property-name.json');
  });

  test('several codes, and a directive that is not alone on its line is a plain comment', () => {
    const tokens = line('// isola-disable-next-line ISO004, MAN002');
    assertScope(token(tokens, 'ISO004'), 'constant.other.rule-code.isola');
    assertScope(token(tokens, 'MAN002'), 'constant.other.rule-code.isola');
    const trailing = line('{ "a": 1 } // isola-disable-next-line ISO004');
    assert.ok(!trailing.some((t) => scopeSet(t).has('keyword.other.directive.isola')), 'no directive after code');
  });
});

describe('grammar: the examples', () => {
  const manifests: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.isola.json')) manifests.push(p);
    }
  };
  walk(path.join(ROOT, 'examples'));

  test('there are examples to read', () => {
    assert.ok(manifests.length > 0);
  });

  for (const file of manifests) {
    test(`${path.relative(ROOT, file)}: valid JSONC gives no invalid tokens and ends at the top level`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const errors: ParseError[] = [];
      parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
      const { lines, stack } = tokenize(text);
      if (errors.length > 0) return; // deliberately broken JSON: nothing to promise
      const invalid = lines.flatMap((l, i) => l.filter((t) => t.scopes.some((s) => s.startsWith('invalid'))).map((t) => `${i + 1}: ${t.text}`));
      assert.deepEqual(invalid, []);
      assert.equal(stack.depth, 1);
      if (/"(?:app|group|widget|process)"\s*:\s*"/.test(text)) {
        assert.ok(lines.flat().some((t) => scopeSet(t).has('variable.other.constant.isola')), 'references are highlighted');
      }
    });
  }
});

describe('language configuration', () => {
  const config = JSON.parse(fs.readFileSync(LANGUAGE_CONFIGURATION, 'utf8')) as {
    comments: { lineComment: string; blockComment: [string, string] };
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };

  test('comments are JSONC comments', () => {
    assert.equal(config.comments.lineComment, '//');
    assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  });

  test('the word pattern takes a whole reference as one word', () => {
    const words = (s: string) => s.match(new RegExp(config.wordPattern, 'g'));
    assert.deepEqual(words('"app": "_clients._companies",'), ['app', '_clients._companies']);
    assert.deepEqual(words('"group": "global.all_staff"'), ['group', 'global.all_staff']);
    assert.deepEqual(words('"widget": "crm_ext.lead_card" // ok.'), ['widget', 'crm_ext.lead_card', 'ok']);
    assert.deepEqual(words('"version": "1.4.0", "start": -12'), ['version', '1.4.0', 'start', '-12']);
    assert.deepEqual(words('"title": "Заказы"'), ['title', 'Заказы']);
  });

  test('indentation follows brackets outside strings and comments', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    assert.ok(increase.test('  "apps": ['));
    assert.ok(increase.test('  "app": { // comment'));
    assert.ok(!increase.test('  "title": "{"'));
    assert.ok(!increase.test('  // note {'));
    assert.ok(!increase.test('  "a": {}'));
    assert.ok(decrease.test('  ],'));
    assert.ok(decrease.test('}'));
    assert.ok(!decrease.test('  "a": 1 }'));
  });
});
