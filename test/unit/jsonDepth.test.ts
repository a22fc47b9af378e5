import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseJsonc, visit } from 'jsonc-parser';
import { getLanguageService, TextDocument } from 'vscode-json-languageservice';
import { locatePaths } from '../../server/src/core/json/locate';
import { pathKey } from '../../server/src/core/json/path';
import { excessNestingOffset, MAX_JSON_DEPTH, valueNestsDeeperThan } from '../../server/src/core/json/depth';
import { parseJson } from '../../server/src/core/json/parse';
import { jsoncToJson } from '../../server/src/core/json/strict';
import { decodeUtf8, invalidUtf8Offset } from '../../server/src/core/json/utf8';

const PREFIX = '{"kind":"workspace","code":"w","x":';
const nested = (n: number, open = '[', close = ']') => `${PREFIX}${open.repeat(n)}${close.repeat(n)}}`;

/** A small seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How deep jsonc-parser recurses on a text: the most containers open at once while it parses. */
function jsoncDepth(text: string): number {
  let depth = 0;
  let max = 0;
  const begin = () => void (max = Math.max(max, ++depth));
  const end = () => void depth--;
  visit(text, { onObjectBegin: begin, onObjectEnd: end, onArrayBegin: begin, onArrayEnd: end }, { allowTrailingComma: true });
  return max;
}

/** How deep vscode-json-languageservice's parser nests its tree (it recurses once per level). */
function serviceDepth(text: string): number {
  const service = getLanguageService({});
  const doc = service.parseJSONDocument(TextDocument.create('file:///x.json', 'jsonc', 1, text));
  type Node = { type: string; children?: Node[] };
  let max = 0;
  const stack: [Node, number][] = doc.root ? [[doc.root as Node, 0]] : [];
  while (stack.length) {
    const [node, d] = stack.pop()!;
    const here = node.type === 'object' || node.type === 'array' ? d + 1 : d;
    max = Math.max(max, here);
    for (const c of node.children ?? []) stack.push([c, here]);
  }
  return max;
}

/** The depth the scan measures: the smallest limit it does not report. */
function scannedDepth(text: string): number {
  let d = 0;
  while (excessNestingOffset(text, d) >= 0) d++;
  return d;
}

describe('nesting depth', () => {
  it('is measured with the top value as level 1, and reported at the bracket that crosses the limit', () => {
    assert.equal(excessNestingOffset(nested(MAX_JSON_DEPTH - 1)), -1, 'the object and 255 arrays: 256 levels');
    assert.equal(excessNestingOffset(nested(MAX_JSON_DEPTH)), PREFIX.length + MAX_JSON_DEPTH - 1);
    assert.equal(excessNestingOffset('[[[]]]', 3), -1);
    assert.equal(excessNestingOffset('[[[[]]]]', 3), 3);
    assert.equal(excessNestingOffset('[[],[],[[]]]', 3), -1, 'siblings do not add up');
  });

  it('does not count brackets in strings and comments, and ends them where jsonc-parser does', () => {
    assert.equal(excessNestingOffset('["[[[[", "\\"[[[["] // [[[[\n /* [[[[ */', 1), -1);
    // A line comment ends at a lone CR; a string at a line break: what follows is structure again.
    assert.equal(excessNestingOffset('[1 // c\r[[]]]', 2), 9);
    assert.equal(excessNestingOffset('["abc\n[[]]]', 2), 7);
    // An escaped line break does not end the string (jsonc-parser takes it as a bad escape).
    assert.equal(excessNestingOffset('["abc\\\n[[]]"]', 2), -1);
  });

  it('lets a closing bracket close only one of its own kind, as the parsers recover', () => {
    const text = '[},'.repeat(10);
    assert.equal(jsoncDepth(text), 10);
    assert.equal(serviceDepth(text), 10);
    assert.equal(excessNestingOffset(text, 9), 27);
  });

  it('never measures less than jsonc-parser or the JSON language service recurses (random texts)', () => {
    const next = random(20240601);
    const alphabet = ['{', '}', '[', ']', '"', '\\', '/', '*', '\n', '\r', ',', ':', '1', 'a', ' ', '"k":', '//', '/*', '*/'];
    for (let k = 0; k < 3000; k++) {
      const len = 1 + Math.floor(next() * 60);
      let text = '';
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const scanned = scannedDepth(text);
      assert.ok(jsoncDepth(text) <= scanned, `jsonc-parser deeper than the scan: ${JSON.stringify(text)}`);
      assert.ok(serviceDepth(text) <= scanned, `the language service deeper than the scan: ${JSON.stringify(text)}`);
    }
  });

  it('agrees with the parsed value where the text is JSONC without errors', () => {
    const next = random(7);
    for (let k = 0; k < 500; k++) {
      const value = randomValue(next, 0);
      const text = JSON.stringify(value, null, next() < 0.5 ? 2 : undefined);
      const depth = valueDepth(value);
      assert.equal(scannedDepth(text), depth, text);
      assert.equal(valueNestsDeeperThan(value, depth), false);
      assert.equal(valueNestsDeeperThan(value, depth - 1), depth > 0);
    }
  });
});

describe('parseJson on deep text', () => {
  for (const n of [10_000, 100_000]) {
    it(`gives one error naming the limit and no value for arrays ${n.toLocaleString('en')} deep`, () => {
      const r = parseJson(nested(n));
      assert.equal(r.value, undefined);
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0].message, new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`));
      assert.equal(r.errors[0].offset, PREFIX.length + MAX_JSON_DEPTH - 1);
    });
  }

  it('reports the limit the same way when the text also has syntax errors (no parser sees it)', () => {
    const text = `{"kind": "workspace" "code": "w", "x": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const r = parseJson(text);
    assert.equal(r.value, undefined);
    assert.deepEqual(r.errors.map((e) => e.offset), [text.indexOf('{"a":') + 5 * (MAX_JSON_DEPTH - 1)]);
  });

  it('still parses text exactly at the limit', () => {
    const r = parseJson(nested(MAX_JSON_DEPTH - 1));
    assert.deepEqual(r.errors, []);
    assert.ok(valueDepth(r.value) === MAX_JSON_DEPTH);
  });
});

describe('line comments end at a lone CR', () => {
  it('in the fast parse, as in jsonc-parser', () => {
    const text = '{"a": 1, // note\r"b": 2}';
    assert.deepEqual(parseJson(text).value, { a: 1, b: 2 });
    assert.deepEqual(parseJsonc(text), { a: 1, b: 2 });
    assert.equal(jsoncToJson(text), '{"a": 1, \r"b": 2}');
    const loc = locatePaths(text, [['b']]).get(pathKey(['b']))!;
    assert.equal(text.slice(loc.offset, loc.offset + loc.length), '2');
  });
});

describe('UTF-8', () => {
  it('decodes valid bytes and drops a BOM', () => {
    assert.deepEqual(decodeUtf8(Buffer.from('\ufeff{"t": "café ✓ 😀"}')), { text: '{"t": "café ✓ 😀"}' });
  });

  it('names the byte offset of the first invalid sequence and points at it in the text', () => {
    const bytes = Buffer.concat([Buffer.from('{\n  "t": "ü'), Buffer.from([0xff]), Buffer.from('"}')]);
    const { text, error } = decodeUtf8(bytes);
    assert.ok(error);
    assert.match(error.message, /byte 0xFF at byte offset 12\b/);
    assert.equal(text[error.offset], '\ufffd');
    assert.equal(text.slice(0, error.offset), '{\n  "t": "ü');
  });

  it('finds the same first error as the WHATWG decoder (overlong, surrogate, too high, cut short)', () => {
    for (const [bytes, at] of [
      [[0x41, 0xc0, 0x80], 1], [[0xe0, 0x80, 0x80], 0], [[0xed, 0xa0, 0x80], 0], [[0xf4, 0x90, 0x80, 0x80], 0],
      [[0x41, 0xe2, 0x82], 1], [[0x80], 0], [[0xf0, 0x9f, 0x98, 0x80, 0xfe], 4], [[0xe2, 0x82, 0xac], -1],
    ] as [number[], number][]) {
      assert.equal(invalidUtf8Offset(Uint8Array.from(bytes)), at, bytes.map((b) => b.toString(16)).join(' '));
    }
    const next = random(99);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (let k = 0; k < 5000; k++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(next() * 8) }, () => (next() < 0.3 ? 0x41 : 0x80 + Math.floor(next() * 0x80)));
      const at = invalidUtf8Offset(bytes);
      let valid = true;
      try {
        strict.decode(bytes);
      } catch {
        valid = false;
      }
      assert.equal(at < 0, valid, Buffer.from(bytes).toString('hex'));
      if (at >= 0) {
        // Everything before the offset decodes; the sequence at it is what the decoder refuses.
        strict.decode(bytes.subarray(0, at));
        assert.throws(() => strict.decode(bytes.subarray(0, at + 4 > bytes.length ? bytes.length : at + 4)));
      }
    }
  });
});

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 6 || r < 0.3) return r < 0.1 ? 'x[{' : r < 0.2 ? 1 : null;
  if (r < 0.65) return Array.from({ length: Math.floor(next() * 3) }, () => randomValue(next, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 3) }, (_, i) => [`k${i}`, randomValue(next, depth + 1)]));
}

function valueDepth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + Math.max(0, ...children.map(valueDepth));
}
