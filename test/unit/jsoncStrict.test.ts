/**
 * The parser's guesses at strict JSON (`quickStrict`, then `jsoncToJson`) against jsonc-parser, on
 * texts no one wrote by hand: JSON values printed with comments, trailing commas and line breaks
 * in every place JSONC allows them, and soups of the tokens that fool a scanner that does not read
 * strings (`//` and `,]` inside strings, raw line breaks in strings, comments in comments).
 * Whenever jsonc-parser finds no error, the value must be its value and no error reported; when it
 * finds one, an error must be reported.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as parseJsonc, ParseError } from 'jsonc-parser';
import { parseJson } from '../../server/src/core/json/parse';
import { quickStrict } from '../../server/src/core/json/strict';

function agrees(text: string): void {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true });
  const ours = parseJson(text);
  if (errors.length === 0) assert.deepEqual(ours, { value, errors: [] }, JSON.stringify(text));
  else assert.ok(ours.errors.length > 0, `no error for ${JSON.stringify(text)}`);
}

// What may stand between two tokens of a JSONC text.
const GAPS = ['', ' ', '\n', '\r\n', '\r', '\t', '// c\n', '  // c, ]\n', '/* c */', '\n/* a\n, ] */\n', '// "\n', '/* // */', '\n// x /* y\n'];

/** A value printed as JSONC, each gap drawn from GAPS, each container's last item perhaps followed by a comma. */
const arbPrinted = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.nat(GAPS.length * 3), { minLength: 1, maxLength: 60 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }))
  .map(([value, gapPicks, commaPicks]) => {
    let g = 0;
    let c = 0;
    // Most gaps empty or a space, so comments stand in every kind of place without crowding it.
    const gap = () => {
      const k = gapPicks[g++ % gapPicks.length];
      return k < GAPS.length ? GAPS[k] : k < 2 * GAPS.length ? ' ' : '';
    };
    const trailing = () => (commaPicks[c++ % commaPicks.length] ? ',' : '');
    const print = (v: unknown): string => {
      if (Array.isArray(v)) return v.length === 0 ? `[${gap()}]` : `[${v.map((x) => gap() + print(x) + gap()).join(',')}${trailing()}${gap()}]`;
      if (v && typeof v === 'object') {
        const entries = Object.entries(v);
        if (entries.length === 0) return `{${gap()}}`;
        return `{${entries.map(([k, x]) => `${gap()}${JSON.stringify(k)}${gap()}:${gap()}${print(x)}${gap()}`).join(',')}${trailing()}${gap()}}`;
      }
      return JSON.stringify(v);
    };
    return gap() + print(value) + gap();
  });

const TOKENS = ['{', '}', '[', ']', ',', ':', '"a"', '1', 'true', '"//x"', '"a, ]"', '"a,\n]"', '"\n// x"', '"/*"', '"*/"', '"\\""', '"\\\\"',
  '//', '/*', '*/', '\n', '\r', ' ', '"https://e.x/y"', '"k": ', '/'];
const arbSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 24 }).map((t) => t.join(''));

describe('parseJson agrees with jsonc-parser on generated JSONC', () => {
  it('on JSON values printed with comments, trailing commas and line breaks anywhere', () => {
    fc.assert(fc.property(arbPrinted, (text) => agrees(text)), { numRuns: 3000, seed: 20261207 });
  });
  it('on soups of tokens that fool a scanner that does not read strings', () => {
    fc.assert(fc.property(arbSoup, (text) => agrees(text)), { numRuns: 20000, seed: 20261207 });
  });
  it('reports a comma that follows no value, as jsonc-parser does', () => {
    for (const text of ['[,]', '{,}', '[\n,\n]', '{ "a": [\n  // none yet\n  ,\n] }', '{ "a": 1,, }']) agrees(text);
  });
  it('makes strict JSON without the full pass when comments open lines and trailing commas end them', () => {
    const text = '// header\n{\n  "a": "https://x/y", // after a value\n  "b": [1,\n  ],\n}\n';
    assert.equal(quickStrict(text), undefined, 'a comment after a value is left to the full pass');
    const lines = '// header\n{\n  // the list\n  "b": [1,\n  ],\n  /* more */ "c": "a // b",\n}\n';
    assert.equal(quickStrict(lines), '\n{\n  \n  "b": [1\n  ],\n   "c": "a // b"\n}\n');
    agrees(lines);
  });
});
