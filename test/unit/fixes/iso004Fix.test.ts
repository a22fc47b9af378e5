import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appManifest, appWithRef, solution, workspace } from '../rules/fixtures';
import { applyFix, fixable, titled } from './apply';

// The target app lives in an app manifest of namespace `b`; workspace `b` declares the namespace.
const B_FILES = {
  'b/b.isola.json': workspace('b'),
  'b/apps/items.isola.json': appManifest('items', 'b'),
};
const A = workspace('a', { apps: [appWithRef('deals', 'b.items')] });

describe('ISO004 quick fixes for a target declared in an app manifest', () => {
  it('"Create solution" includes the workspace that declares the namespace, not the app manifest', async () => {
    const f = await fixable({ 'a/a.isola.json': A, ...B_FILES });
    const d = f.one((x) => x.code === 'ISO004');
    const fix = titled(f.fixes(d), 'Create solution `a_solution` with workspace `a` and workspace `b`');
    const [[file, text]] = [...applyFix(f.project, fix)];
    assert.equal(file, 'a_solution.isola.json');
    assert.deepEqual(JSON.parse(text).includes, ['a/a.isola.json', 'b/b.isola.json']);
  });

  it('"Add to solution" adds the declaring workspace, and never an include the solution already has', async () => {
    // The solution already includes the app manifest, which brings namespace `b` into no scope.
    const f = await fixable({
      'a/a.isola.json': A,
      ...B_FILES,
      's.isola.json': solution('s', ['a/a.isola.json', 'b/apps/items.isola.json']),
    });
    const d = f.one((x) => x.code === 'ISO004' && x.file === 'a/a.isola.json');
    assert.ok(d.message.includes('(b/b.isola.json)'), d.message);
    const fix = titled(f.fixes(d), 'Add workspace `b` to solution `s`');
    const after = JSON.parse(applyFix(f.project, fix).get('s.isola.json')!);
    assert.deepEqual(after.includes, ['a/a.isola.json', 'b/apps/items.isola.json', 'b/b.isola.json']);
  });
});

describe('ISO004 "Create solution" never writes into an existing file', () => {
  it('picks a file name no manifest has, even when the code is free', async () => {
    // `a_solution.isola.json` exists, as a manifest of another code.
    const f = await fixable({ 'a/a.isola.json': A, ...B_FILES, 'a_solution.isola.json': workspace('other') });
    const fix = titled(f.fixes(f.one((x) => x.code === 'ISO004')), /^Create solution/);
    assert.deepEqual(fix.creates?.map((c) => c.file), ['a_solution_2.isola.json']);
    assert.equal(JSON.parse(fix.creates![0].text).code, 'a_solution_2');
    assert.equal(fix.edits.size, 0, 'no other file is edited');
  });
});

describe('ISO004 "Create solution" for a long workspace code', () => {
  const LONG = 'w'.repeat(60);
  const CODE = /^(?!global$)[a-z][a-z0-9_]{0,63}$/;

  it('shortens the code to a valid one, and keeps it apart from the codes the project has', async () => {
    const files = { 'a/a.isola.json': workspace(LONG, { apps: [appWithRef('deals', 'b.items')] }), ...B_FILES };
    const f = await fixable(files);
    const fix = titled(f.fixes(f.one((x) => x.code === 'ISO004')), /^Create solution/);
    const code = JSON.parse(fix.creates![0].text).code;
    assert.match(code, CODE);
    assert.equal(code, `${'w'.repeat(55)}_solution`);
    const again = await fixable({ ...files, [fix.creates![0].file]: fix.creates![0].text });
    assert.deepEqual(again.result.diagnostics.filter((x) => x.severity === 'error').map((x) => `${x.code} ${x.message}`), []);

    // That code taken, the next one is shortened as well.
    const taken = await fixable({ ...files, 'x/x.isola.json': workspace(code) });
    const next = JSON.parse(titled(taken.fixes(taken.one((x) => x.code === 'ISO004' && x.file === 'a/a.isola.json')), /^Create solution/).creates![0].text).code;
    assert.equal(next, `${'w'.repeat(53)}_solution_2`);
    assert.match(next, CODE);
  });
});

describe('ISO004 "Add to solution" and a comment after the last include', () => {
  it('adds the new include after the comment, which stays with its element', async () => {
    const text = [
      '{',
      '  "kind": "solution", "code": "s", "title": "S", "version": "1.0.0",',
      '  "includes": [',
      '    "a/a.isola.json", // the sales ws',
      '  ],',
      '}',
      '',
    ].join('\n');
    const f = await fixable({ 'a/a.isola.json': A, ...B_FILES, 's.isola.json': text });
    const fix = titled(f.fixes(f.one((x) => x.code === 'ISO004' && x.file === 'a/a.isola.json')), 'Add workspace `b` to solution `s`');
    const after = applyFix(f.project, fix).get('s.isola.json')!;
    assert.equal(after, text.replace('// the sales ws\n', '// the sales ws\n    "b/b.isola.json",\n'));
  });

  it('without a trailing comma, puts one after the element, before its comment', async () => {
    const text = '{\r\n  "kind": "solution", "code": "s", "title": "S", "version": "1.0.0",\r\n  "includes": [\r\n    "a/a.isola.json" /* sales */\r\n  ]\r\n}\r\n';
    const f = await fixable({ 'a/a.isola.json': A, ...B_FILES, 's.isola.json': text });
    const fix = titled(f.fixes(f.one((x) => x.code === 'ISO004' && x.file === 'a/a.isola.json')), 'Add workspace `b` to solution `s`');
    const after = applyFix(f.project, fix).get('s.isola.json')!;
    assert.equal(after, text.replace('"a/a.isola.json" /* sales */\r\n', '"a/a.isola.json", /* sales */\r\n    "b/b.isola.json"\r\n'));
  });
});

describe('ISO004 for a namespace that only app manifests name', () => {
  // No workspace or module manifest declares `b`: only a manifest of `b` could bring it into a solution.
  const ONLY_APP = { 'b/apps/items.isola.json': appManifest('items', 'b') };

  it('in a solution, says to add the manifest of the namespace, and offers no fix that includes the app manifest', async () => {
    const f = await fixable({ 'a/a.isola.json': A, ...ONLY_APP, 's.isola.json': solution('s', ['a/a.isola.json']) });
    const d = f.one((x) => x.code === 'ISO004');
    assert.match(d.message, /no workspace or module manifest of the project declares namespace `b`.*include it in solution `s`/);
    assert.deepEqual(f.fixes(d).filter((x) => /solution/i.test(x.title)).map((x) => x.title), []);
  });

  it('in a workspace built alone, offers no solution of the workspace and the app manifest', async () => {
    const f = await fixable({ 'a/a.isola.json': A, ...ONLY_APP });
    const d = f.one((x) => x.code === 'ISO004');
    assert.match(d.message, /add the manifest of `b` to the project/);
    assert.deepEqual(f.fixes(d).filter((x) => /^Create solution/.test(x.title)).map((x) => x.title), []);
  });
});
