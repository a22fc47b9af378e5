import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { check, only } from './helpers';

// Inputs large in one dimension, of the shapes that once took time growing with its square: the
// findings stay what a plain reading of the input says they are.

/** The 1-based line of `offset` as the repeated-name message counts it: LF only. */
function lfLine(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

describe('inputs large in one dimension', () => {
  it('a property written twice in each of 3,000 objects: every finding names the line of the one that counts', async () => {
    // Line breaks of every kind (a lone CR starts no line in this message) between and inside objects.
    const breaks = ['\n', '\r\n', '\r', ' '];
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) parts.push(`{"code":"a${i}","title":"x",${breaks[i % 4]}"title":"y"${breaks[(i >> 2) % 4]}}${breaks[(i * 7) % 4]}`);
    const text = `{"kind":"workspace","code":"ws","apps":[${parts.join(',')}]}`;
    const found = only(await check({ 'ws.isola.json': text }), 'MAN002');
    assert.equal(found.length, 3000);
    let from = 0;
    for (const d of found) {
      const first = text.indexOf('"title"', from);
      const kept = text.indexOf('"title"', first + 1);
      from = kept + 1;
      assert.equal(d.message.match(/on line (\d+)/)?.[1], String(lfLine(text, kept)), d.message);
    }
  });
});
