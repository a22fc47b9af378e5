import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { findings, roundTrip } from './roundTrip';

const REPO = path.resolve(__dirname, '../../../..');

const EXAMPLES = [
  { dir: 'examples/invoices', kind: 'workspace', code: 'invoices' },
  { dir: 'examples/payments', kind: 'solution', code: 'payments_solution' },
  { dir: 'examples/company', kind: 'configuration', code: 'company' },
];

describe('unpack is lossless over the examples: build(unpack(build(M))) = build(M)', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.dir}`, async () => {
      const { before, after, unpacked } = await roundTrip(path.join(REPO, ex.dir), ex.kind, ex.code);
      assert.deepEqual(after.cards, before.cards);
      assert.deepEqual(after.deleted, before.deleted);
      assert.deepEqual(after.data, before.data);
      const had = new Set(await findings(path.join(REPO, ex.dir)));
      assert.deepEqual((await findings(unpacked)).filter((f) => !had.has(f)), []);
    });
  }
});
