import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImportPlan } from '../../server/src/core/environment/types';
import type { UnpackResult } from '../../server/src/core/unpack/unpack';
import { formatPlan } from '../../server/src/cli/import';
import { unpackText } from '../../server/src/cli/unpack';
import { descriptor, indexOf, isola, soundEntries, writePackage } from './packaging/hostile';

/** Any control character a terminal acts on (C0 but the line break, DEL, C1). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const ESC = '\u001b';

/** Strings a package (or a hostile environment) chooses: a clear screen, colours, a window title, a carriage return, a line of its own. */
const TITLE = `Invoices${ESC}[2J${ESC}[31mFAKE: every checksum verified${ESC}[0m\nline2`;
const COMMENT = `c\r${ESC}]0;pwned-title\u0007`;
const CREATED_BY = `x${ESC}[1A${ESC}[Kroot`;

describe('strings from a package or an environment reach the terminal as text, one line each', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-control-'));
    const entries = soundEntries();
    await writePackage(path.join(dir, 'esc.isolapkg'), {
      entries,
      meta: descriptor(indexOf(entries), { title: TITLE, comment: COMMENT, createdBy: CREATED_BY, platform: `p\u009b2J`, version: `1.0.0${ESC}[8m` }),
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('isola inspect shows the descriptor\'s control characters escaped, each string on its own line', () => {
    const r = isola(['inspect', 'esc.isolapkg'], dir);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, CONTROL);
    const lines = r.out.split('\n');
    assert.equal(lines[0], 'workspace ws 1.0.0\\u001b[8m — Invoices\\u001b[2J\\u001b[31mFAKE: every checksum verified\\u001b[0m\\nline2');
    assert.match(lines[1], /by x\\u001b\[1A\\u001b\[Kroot with /);
    assert.ok(lines.includes('  comment: c\\r\\u001b]0;pwned-title\\u0007'), r.out);
    assert.ok(lines.some((l) => l.includes('p\\u009b2J')), r.out);
    assert.ok(!lines.some((l) => l.startsWith('line2')), 'no line of the package\'s own');
  });

  it('isola inspect --format json keeps the strings exact', () => {
    const r = isola(['inspect', 'esc.isolapkg', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.err);
    const d = JSON.parse(r.out).descriptor;
    assert.deepEqual([d.title, d.comment, d.createdBy], [TITLE, COMMENT, CREATED_BY]);
  });

  it('an import\'s plan and an unpack\'s notes show what they quote escaped, one line each', () => {
    const plan = {
      id: 'p1', package: { id: 'k1', kind: 'workspace', code: `ws${ESC}[2J`, sha256: '' }, namespaces: ['ws'],
      checks: [{ name: 'isolation', ok: false, message: `bad\n  ok   everything: fine${ESC}[0m`, details: [`d\r${ESC}]0;t\u0007`] }],
      ok: false, entities: [{ id: `ws.g${ESC}[31m`, type: 'group', action: 'conflict', reason: `changed\nFAKE` }], data: [],
      counts: { create: 0, update: 0, conflict: 1, unchanged: 0, kept: 0 }, revision: 1, createdAt: '', createdBy: '',
    } as unknown as ImportPlan;
    const text = formatPlan('local', plan);
    assert.doesNotMatch(text, CONTROL);
    assert.equal(text.split('\n').length, 6, text);
    assert.match(text, /FAIL isolation: bad\\n {2}ok {3}everything: fine\\u001b\[0m/);
    assert.match(text, /ws\.g\\u001b\[31m {2}\(changed\\nFAKE\)/);

    const r = {
      package: { kind: 'workspace', code: 'ws' }, written: true, notes: [`the package names \`${ESC}[2J\n.github\` for script x`],
      files: [{ file: `ws/scripts/a${ESC}b.ts`, status: 'created' }],
    } as unknown as UnpackResult;
    const out = unpackText(r, dir, dir);
    assert.doesNotMatch(out, CONTROL);
    assert.equal(out.split('\n').length, 5, out);
    assert.match(out, /\\u001b\[2J\\n\.github/);
  });
});
