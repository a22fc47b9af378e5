import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanRecord, wantedFields } from '../../../server/src/core/packaging/recordScan';
import { recordLineProblem, recordProblem } from '../../../server/src/core/packaging/reader';
import { EMPTY_ID, recordProblem as checkProblem, UNSAFE_ID } from '../../../server/src/core/manifest/dataScan';

const scan = (line: string | Buffer, want?: string[]) => scanRecord(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, want && wantedFields(want));

/** What the full parse makes of a line's id: the one an import takes when a scan cannot. */
function parsedId(line: string): string | undefined {
  try {
    const v = JSON.parse(line) as { id?: unknown };
    return typeof v === 'object' && v !== null && !Array.isArray(v) && (typeof v.id === 'string' || typeof v.id === 'number') ? String(v.id) : undefined;
  } catch {
    return undefined;
  }
}

describe('a record line taken as it is stored (recordScan)', () => {
  it('finds the id of a record as the full parse does, strings and numbers alike', () => {
    for (const line of [
      '{"id":"ord-1","n":1}',
      ' { "a" : [1, 2.5e3, -0.5, true, false, null, {"id":"inner"}], "id" : "x y" } ',
      '{"id":42}',
      '{"id":1.50}',
      '{"id":-1e2,"b":{}}',
      '{"id":"Счёт №1 — 日本"}',
      '{"id":"a\\"b\\\\c\\/d\\n"}',
      '{"x":{"id":"nested"},"id":"top"}',
      '{"id":"r","empty":"","arr":[],"obj":{},"deep":[[[[{"k":[]}]]]]}',
      '{"id":"r","ws":\t1}',
    ]) {
      const r = scan(line);
      assert.ok(r, line);
      assert.equal(r.id, parsedId(line), line);
    }
  });

  it('leaves to the full parse every line it cannot take as it is', () => {
    for (const [line, why] of [
      ['', 'empty'],
      ['   ', 'blank'],
      ['[{"id":"a"}]', 'not an object'],
      ['"id"', 'a string'],
      ['{"n":1}', 'no id'],
      ['{"id":"a","id":"b"}', 'the id twice'],
      ['{"id":null}', 'a null id'],
      ['{"id":{"v":1}}', 'an object as id'],
      ['{"id":"a"', 'unterminated object'],
      ['{"id":"a"}x', 'trailing text'],
      ['{"id":"a"}\u0000', 'a trailing NUL'],
      ['{"id":"a",}', 'a trailing comma'],
      ["{'id':'a'}", 'single quotes'],
      ['{"id":"a","v":01}', 'a leading zero'],
      ['{"id":"a","v":1.}', 'a bare dot'],
      ['{"id":"a","v":.5}', 'no integer part'],
      ['{"id":"a","v":+1}', 'a plus sign'],
      ['{"id":"a","v":1e}', 'an empty exponent'],
      ['{"id":"a","v":1e1000}', 'an exponent of four digits'],
      ['{"id":"a","v":NaN}', 'NaN'],
      ['{"id":"a","v":tru}', 'a cut literal'],
      ['{"id":"a","v":"tab\there"}', 'a raw tab in a string'],
      ['{"id":"a","v":"\\x"}', 'an unknown escape'],
      ['{"id":"a","v":"\\u0000"}', 'a \\u escape (NUL)'],
      ['{"id":"\\ud800"}', 'a \\u escape (surrogate)'],
      ['{"\\u0069d":"a"}', 'a key spelled with \\u'],
      ['{"id":"a" "b":1}', 'a missing comma'],
      ['{"id" "a"}', 'a missing colon'],
      [`{"id":"a","v":${'['.repeat(300)}${']'.repeat(300)}}`, 'nesting deeper than 256'],
      ['\ufeff{"id":"a"}', 'a byte order mark'],
    ] as const) {
      assert.equal(scan(line), undefined, why);
    }
    assert.equal(scanRecord(Buffer.concat([Buffer.from('{"id":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), undefined, 'bytes that are not UTF-8');
  });

  it('an empty id is no id: refused by the check, the build and the import with one reason', () => {
    // Records are read back page by page after the last id seen, from "" on: one with that id was imported and never listed or exported.
    for (const line of ['{"id":""}', '{"id":"","name":"x"}', '{ "id" : "" }']) {
      assert.equal(scan(line), undefined, line);
      assert.equal(checkProblem(line), EMPTY_ID, line);
      assert.equal(recordLineProblem(Buffer.from(line), 3), `line 3: ${EMPTY_ID}`, line);
      assert.equal(recordProblem(JSON.parse(line)), EMPTY_ID, line);
    }
    assert.equal(recordProblem({ id: ' ' }), undefined, 'a blank id is an id');
    // An id past double range reads as Infinity: two such records would become one.
    for (const line of ['{"id":1e400}', '{"id":-1e400}']) {
      assert.equal(scan(line), undefined, line);
      assert.equal(recordProblem(JSON.parse(line)), UNSAFE_ID, line);
    }
    assert.equal(recordProblem({ id: 0 }), undefined);
  });

  it('nests as deep as the limit allows, not deeper', () => {
    assert.ok(scan(`{"id":"a","v":${'['.repeat(255)}${']'.repeat(255)}}`));
    assert.equal(scan(`{"id":"a","v":${'['.repeat(256)}${']'.repeat(256)}}`), undefined);
  });

  it('hands over the raw JSON of the top-level fields asked for, the last of a repeated key', () => {
    const r = scan('{"id":"o1","customer":"c-7","lines":[{"customer":"inner"}],"other":{"a":[1,2]},"other":{"b":2}}', ['customer', 'other', 'absent']);
    assert.ok(r?.fields);
    assert.equal(r.fields.get('customer')?.toString(), '"c-7"');
    assert.equal(r.fields.get('other')?.toString(), '{"b":2}');
    assert.equal(r.fields.has('absent'), false);
    assert.equal(scan('{"id":"o1","cust\\/omer":"c"}', ['cust/omer']), undefined, 'a key with escapes may spell a field asked for');
    assert.deepEqual(scan('{"id":"o1","n\\/a":"c"}'), { id: 'o1' }, 'without fields asked for, escaped keys are fine');
  });
});
