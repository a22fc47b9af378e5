import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { diagnoseManifest } from '../../server/src/core/check';
import { locatePaths } from '../../server/src/core/json/locate';
import { changedRange, tokenAround } from '../../server/src/core/json/textEdit';
import { buildManifest } from '../../server/src/core/manifest/build';
import { modelOrigin, referenceEditOf } from '../../server/src/core/manifest/carryModel';
import { rebuildAfterEdit } from '../../server/src/core/manifest/edit';
import { nodeFileHost } from '../../server/src/core/manifest/host';
import { locateInManifest } from '../../server/src/core/manifest/locationMemo';
import { loadProject, Project, resolveLinks } from '../../server/src/core/manifest/project';
import type { Manifest } from '../../server/src/core/manifest/types';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

/** What a user can tell two versions of a manifest apart by: value and model. */
function model(m: Manifest): unknown {
  return {
    value: m.value, kind: m.kind, code: m.code, namespace: m.namespace, title: m.title, errors: m.syntaxErrors,
    entities: m.entities.map((e) => [e.id, e.kind, e.title, e.deleted, e.path, e.parent?.id]),
    references: m.references.map((r) => [r.kind, r.text, r.path, r.owner?.id]),
    scripts: m.scripts.map((s) => [s.entity.id, s.global, s.source, s.file?.absPath, s.imports]),
    links: m.links.map((l) => [l.role, l.absPath, l.path, l.exists]),
    // Every part of the model belongs to this version: it points at this manifest, at entities and
    // links of this version, and at the objects of this version's value.
    own: [
      ...m.entities.map((e) => e.manifest === m && e.body === valueAt(m.value, e.path) && (!e.parent || m.entities.includes(e.parent))),
      ...m.references.map((r) => r.manifest === m && (!r.owner || m.entities.includes(r.owner))),
      ...m.scripts.map((s) => m.entities.includes(s.entity) && (!s.file || m.links.includes(s.file))),
    ],
  };
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('changedRange', () => {
  it('finds the one span two texts differ in, also across blocks of a long text', () => {
    const a = 'x'.repeat(5000) + 'abc' + 'y'.repeat(3000);
    assert.deepEqual(changedRange(a, a.replace('abc', 'aXXc')), { start: 5001, oldEnd: 5002, newEnd: 5003 });
    assert.deepEqual(changedRange('aaaa', 'aaa'), { start: 3, oldEnd: 4, newEnd: 3 });
    assert.deepEqual(changedRange('', 'ab'), { start: 0, oldEnd: 0, newEnd: 2 });
    assert.equal(changedRange('same', 'same'), undefined);
  });
});

describe('tokenAround', () => {
  const text = '{\n  // note\n  "a": { "title": "Deals", "n": 1 },\n  "b": ["x", "y\\"z"] /* end */\n}';
  const at = (s: string, k = 1) => text.indexOf(s) + k;

  it('names the string value an edit falls inside, with its path', () => {
    const t = tokenAround(text, at('Deals', 2), at('Deals', 3));
    assert.deepEqual(t, { kind: 'string', path: ['a', 'title'], start: text.indexOf('"Deals"'), end: text.indexOf('"Deals"') + 7 });
    assert.deepEqual(tokenAround(text, at('y\\'), at('y\\'))?.kind, 'string');
  });

  it('names a comment, and nothing for keys, numbers and punctuation', () => {
    assert.deepEqual(tokenAround(text, at('note'), at('note') + 2), { kind: 'comment', start: text.indexOf('// note'), end: text.indexOf('\n', text.indexOf('// note')) });
    assert.deepEqual(tokenAround(text, at('end'), at('end'))?.kind, 'comment');
    assert.equal(tokenAround(text, at('title'), at('title')), undefined);
    assert.equal(tokenAround(text, at('1', 0), at('1', 1)), undefined);
    assert.equal(tokenAround(text, text.indexOf(','), text.indexOf(',') + 1), undefined);
  });

  it('refuses a value whose key repeats later in its object (JSON.parse keeps the last)', () => {
    const dup = '{ "apps": [{ "title": "A" }], "apps": [{ "title": "A" }] }';
    assert.equal(tokenAround(dup, dup.indexOf('A') + 1, dup.indexOf('A') + 1), undefined);
    // The last occurrence is the one the value holds.
    assert.equal(tokenAround(dup, dup.lastIndexOf('A') + 1, dup.lastIndexOf('A') + 1)?.kind, 'string');
  });
});

describe('rebuildAfterEdit', () => {
  const text = '{\n  "kind": "workspace",\n  "code": "crm",\n  // keep\n  "processes": [{ "code": "approve", "title": "Approve" }],\n}\n';
  const old = buildManifest('/p', '/p/crm.isola.json', text);

  it('rebuilds after typing into a title or a comment, and equals a fresh build', () => {
    for (const next of [text.replace('"Approve"', '"Approve it"'), text.replace('// keep', '// keep this')]) {
      const fast = rebuildAfterEdit('/p', old, next);
      assert.ok(fast, next);
      assert.deepEqual(model(fast), model(buildManifest('/p', '/p/crm.isola.json', next)));
    }
  });

  it('carries the model over an edit of a title, a description or a comment, and rebuilds it for any other string', () => {
    const app = '{\n  "kind": "app", "namespace": "crm", "code": "deals", "title": "Deals", "description": "All deals",\n' +
      '  // fields\n  "fields": [{ "code": "client", "title": "Client", "type": "app", "app": "_clients._companies" }],\n' +
      '  "processes": [{ "code": "p", "title": "P", "scripts": [{ "code": "s", "title": "S", "file": "s.ts", "imports": ["crm"] }] }],\n' +
      '  "data": { "title": "deals.csv" }\n}\n';
    const before = buildManifest('/p', '/p/deals.isola.json', app);
    for (const [find, replace] of [
      ['"Deals"', '"Dealz"'], ['"Client"', '"Clients"'], ['"S"', '"Script"'], ['All deals', 'All the deals'], ['// fields', '// the fields'],
      ['_companies', '_companie'], ['"s.ts"', '"t.ts"'], ['"deals.csv"', '"deal.csv"'], ['"crm"]', '"crmx"]'],
    ]) {
      const next = app.replace(find, replace);
      const fast = rebuildAfterEdit('/p', before, next);
      assert.ok(fast, `${find} -> ${replace}`);
      assert.deepEqual(model(fast), model(buildManifest('/p', '/p/deals.isola.json', next)), `${find} -> ${replace}`);
    }
  });

  it('keeps taking the fast path for edits in one element after another, each version built on the last', () => {
    const list = '{ "kind": "workspace", "code": "crm", "processes": [\n' +
      ['one', 'two', 'three'].map((c) => `  { "code": "${c}", "title": "Process ${c}" }`).join(',\n') + '\n] }';
    let m = buildManifest('/p', '/p/crm.isola.json', list);
    for (const [find, replace] of [['Process two', 'Process twoo'], ['Process one', 'Process 1'], ['Process three', 'Process 3'], ['Process twoo', 'Process 2']]) {
      const next = m.text.replace(find, replace);
      const fast = rebuildAfterEdit('/p', m, next);
      assert.ok(fast, `${find} -> ${replace}`);
      assert.deepEqual(model(fast), model(buildManifest('/p', '/p/crm.isola.json', next)));
      m = fast;
    }
    assert.deepEqual(m.entities.map((e) => e.title), ['Process 1', 'Process 2', 'Process 3']);
  });

  it('declines edits that can change the structure', () => {
    for (const next of [
      text.replace('"Approve"', '"Appr"ove"'), // a quote ends the string
      text.replace('"Approve"', '"Approve\\"'), // a backslash escapes the closing quote
      text.replace('"title"', '"titles"'), // a key
      text.replace('"crm",', '"crm"'), // punctuation
      text.replace('// keep', '// keep\n'), // a new line ends the comment
    ]) {
      assert.equal(rebuildAfterEdit('/p', old, next), undefined, next);
    }
  });

  it('equals a fresh build, and finds the same ranges, after 600 random edits of the examples', async () => {
    const rand = random(20261121);
    const alphabet = ['a', 'Z', '_', '.', ' ', '"', '\\', '/', '*', '\n', '{', ',', 'é'];
    let fastPaths = 0;
    let fallbacks = 0;
    let referenceEdits = 0;
    for (const example of ['invoices', 'payments', 'company']) {
      const project = await loadProject(path.join(EXAMPLES, example), nodeFileHost);
      for (const m of project.manifests) {
        if (m.syntaxErrors.length > 0) continue;
        // Remember ranges of the current findings, as the server does after a check.
        diagnoseManifest(project, m);
        for (let k = 0; k < 200 / project.manifests.length; k++) {
          const at = Math.floor(rand() * m.text.length);
          const next = rand() < 0.6
            ? m.text.slice(0, at) + alphabet[Math.floor(rand() * alphabet.length)] + m.text.slice(at)
            : m.text.slice(0, at) + m.text.slice(at + 1 + Math.floor(rand() * 3));
          const fast = rebuildAfterEdit(project.root, m, next);
          if (!fast) {
            fallbacks++;
            continue;
          }
          fastPaths++;
          if (referenceEditOf(modelOrigin(fast))) referenceEdits++;
          const fresh = buildManifest(project.root, m.absPath, next);
          assert.deepEqual(model(fast), model(fresh), `edit at ${at} of ${m.file}`);
          const paths = [...fast.entities.map((e) => e.path), ...fast.references.map((r) => r.path)];
          const carried = locateInManifest(fast, paths);
          assert.deepEqual(carried, locatePaths(next, paths), `ranges after an edit at ${at} of ${m.file}`);
          // And the findings, placed through the carried ranges, equal those of a fresh build.
          const isLoaded = (abs: string) => project.manifests.some((x) => x.absPath === abs);
          await resolveLinks(fast, nodeFileHost, isLoaded);
          await resolveLinks(fresh, nodeFileHost, isLoaded);
          const withVersion = (v: Manifest) => new Project(project.root, project.manifests.map((x) => (x === m ? v : x)), project.catalog);
          assert.deepEqual(diagnoseManifest(withVersion(fast), fast), diagnoseManifest(withVersion(fresh), fresh), `findings after an edit at ${at} of ${m.file}`);
        }
      }
    }
    // Random single edits land inside strings and elsewhere; both paths must have been exercised.
    assert.ok(fastPaths > 100, `fast path taken ${fastPaths} times`);
    assert.ok(fallbacks > 50, `fallback taken ${fallbacks} times`);
    // Edits of references, whose findings are recomputed from the last ones, were among them.
    assert.ok(referenceEdits > 10, `reference edits ${referenceEdits}`);
  });

  it('finds a suppression comment typed into a comment, and keeps it through edits of strings', () => {
    const text = '{\n  "kind": "workspace", "code": "crm", "title": "CRM",\n  // note\n  "pages": [{ "code": "p", "title": "P", "app": "deals" }]\n}\n';
    const diagnose = (m: Manifest) => diagnoseManifest(new Project('/p', [m]), m);
    const unused = (ds: ReturnType<typeof diagnose>) => ds.filter((d) => d.code === 'MAN004').length;
    let m = buildManifest('/p', '/p/crm.isola.json', text);
    assert.equal(unused(diagnose(m)), 0);
    // A title edit first: the version learns there is no directive without scanning again.
    for (const next of [text.replace('"CRM"', '"CRMs"'), text.replace('"CRM"', '"CRMs"').replace('// note', '// isola-disable-next-line ISO005'),
      text.replace('"CRM"', '"CRMs"').replace('// note', '// isola-disable-next-line ISO005').replace('"P"', '"Pages"')]) {
      const fast = rebuildAfterEdit('/p', m, next);
      assert.ok(fast, next);
      assert.deepEqual(diagnose(fast), diagnose(buildManifest('/p', '/p/crm.isola.json', next)), next);
      m = fast;
    }
    assert.equal(unused(diagnose(m)), 1, 'the unused directive is reported after the title edit that followed it');
  });

  it('stays equal to a fresh build through runs of typing and deleting, each version built on the last', async () => {
    const rand = random(7);
    const project = await loadProject(path.join(EXAMPLES, 'payments'), nodeFileHost);
    const isLoaded = (abs: string) => project.manifests.some((x) => x.absPath === abs);
    let fastPaths = 0;
    let referenceEdits = 0;
    for (const first of project.manifests) {
      let m = first;
      const withVersion = (v: Manifest) => new Project(project.root, project.manifests.map((x) => (x === first ? v : x)), project.catalog);
      diagnoseManifest(project, m);
      for (let run = 0; run < 12; run++) {
        // A run of keystrokes at one caret: type a few characters, delete some, sometimes a quote.
        if (m.syntaxErrors.length > 0) m = first; // a typed quote broke the file: start again
        // A caret inside a string value, as when the user retypes a title or a reference.
        const value = m.text.indexOf('": "', Math.floor(rand() * m.text.length));
        if (value < 0) continue;
        let caret = value + 4 + Math.floor(rand() * 2);
        for (let key = 0; key < 8; key++) {
          const typing = rand() < 0.65;
          const ch = rand() < 0.05 ? '"' : 'abcxyz ._'[Math.floor(rand() * 9)];
          const next = typing ? m.text.slice(0, caret) + ch + m.text.slice(caret) : m.text.slice(0, caret - 1) + m.text.slice(caret);
          caret = typing ? caret + 1 : Math.max(caret - 1, 0);
          const fresh = buildManifest(project.root, m.absPath, next);
          const fast = rebuildAfterEdit(project.root, m, next);
          if (fast) {
            fastPaths++;
            if (referenceEditOf(modelOrigin(fast))) referenceEdits++;
            assert.deepEqual(model(fast), model(fresh), `keystroke ${key} of run ${run} in ${m.file}`);
            const paths = fast.references.map((r) => r.path);
            assert.deepEqual(locateInManifest(fast, paths), locatePaths(next, paths));
            // Findings follow each version from the last one's (reused or recomputed in part), as a fresh check finds them.
            await resolveLinks(fast, nodeFileHost, isLoaded);
            await resolveLinks(fresh, nodeFileHost, isLoaded);
            assert.deepEqual(diagnoseManifest(withVersion(fast), fast), diagnoseManifest(withVersion(fresh), fresh), `findings after keystroke ${key} of run ${run} in ${m.file}`);
          }
          m = fast ?? fresh;
        }
      }
    }
    assert.ok(fastPaths > 50, `fast path taken ${fastPaths} times`);
    assert.ok(referenceEdits > 10, `reference edits ${referenceEdits}`);
  });
});
