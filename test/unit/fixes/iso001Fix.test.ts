import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, ParseError } from 'jsonc-parser';
import { checkProject } from '../../../server/src/core/check';
import { project } from '../helpers';
import { applyFix, fixable, titled } from './apply';

const TITLE = 'Turn off Global and use an App-type context variable `orders` (sales.orders)';

/** Applies the ISO001 fix (its edits must not overlap), and checks the file it leaves. */
async function fixAndCheck(text: string): Promise<string> {
  const f = await fixable({ 'ws.isola.json': text });
  const before = f.result.diagnostics.filter((d) => d.code !== 'ISO001').map((d) => `${d.code} ${d.message}`);
  const d = f.result.diagnostics.find((x) => x.code === 'ISO001');
  assert.ok(d, 'the script has an ISO001');
  const changed = applyFix(f.project, titled(f.fixes(d), TITLE));
  assert.deepEqual([...changed.keys()], ['ws.isola.json']);
  const after = changed.get('ws.isola.json')!;
  const errors: ParseError[] = [];
  const value = parse(after, errors, { allowTrailingComma: true });
  assert.deepEqual(errors, [], after);
  const script = value.processes[0].scripts[0];
  assert.equal(script.global, false);
  assert.equal(script.source, 'return Context.fields.orders.app;');
  assert.deepEqual(value.processes[0].context, [{ code: 'orders', type: 'app', app: 'sales.orders' }]);
  const again = checkProject(await project({ 'ws.isola.json': after }));
  assert.deepEqual(again.diagnostics.map((x) => `${x.code} ${x.message}`), before, 'no ISO001 left, and nothing new');
  return after;
}

describe('ISO001 quick fix', () => {
  it('on a script object written on one line, sends edits that do not overlap and leave valid JSON', async () => {
    await fixAndCheck([
      '{',
      '  "kind": "workspace",',
      '  "code": "sales",',
      '  "version": "1.0.0",',
      '  "apps": [{ "code": "orders" }],',
      '  "processes": [',
      '    {',
      '      "code": "p",',
      '      "scripts": [{ "code": "s", "source": "return Global.ns.sales.app.orders;", "global": true }]',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n'));
  });

  it('on a compact CRLF manifest with trailing commas, keeps the brackets and the line ends', async () => {
    const after = await fixAndCheck([
      '{',
      '  "kind": "workspace", "code": "sales", "version": "1.0.0",',
      '  "apps": [ { "code": "orders" } ],',
      '  "processes": [ { "code": "p", "scripts": [ { "code": "s", "source": "return Global.ns.sales.app.orders;", "global": true } ] } ],',
      '}',
      '',
    ].join('\r\n'));
    assert.ok(!/\],\s*\],/.test(after), after);
    assert.ok(!/[^\r]\n/.test(after), 'every line ends in CRLF');
  });

  it('rewrites `Global` read from the global object whole, leaving no `globalThis.` before the variable', async () => {
    for (const access of ['globalThis.Global', 'window?.Global', 'self . Global']) {
      await fixAndCheck([
        '{ "kind": "workspace", "code": "sales", "version": "1.0.0", "apps": [{ "code": "orders" }],',
        `  "processes": [{ "code": "p", "scripts": [{ "code": "s", "source": "return ${access}.ns.sales.app.orders;", "global": true }] }] }`,
        '',
      ].join('\n'));
    }
  });
});
