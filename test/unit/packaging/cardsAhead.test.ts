/**
 * A package of thousands of cards: they inflate in a worker from the moment the package is opened,
 * and the worker hashes card bodies from the last card backwards while the reader checks from the
 * first (inflateWorker.ts). Whoever hashes a body, a forged hash is refused with the same message,
 * and a package refused while its cards inflate, or closed before they are read, leaves no work
 * behind.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as yauzl from 'yauzl';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { centralDirectory } from '../../../server/src/core/packaging/centralDirectory';
import { inflateAhead } from '../../../server/src/core/packaging/inflateAhead';
import { PackageError, PackageReader } from '../../../server/src/core/packaging/reader';
import { descriptor, entriesAhead, indexOf, writePackage, type ZipEntry } from './hostile';

/** More cards than the reader inflates on its own thread (inflateAhead.ts: 2,000). */
const CARDS = 2400;

/** A group card of `ws` whose body has keys out of order, nested lists and text needing escapes. */
function card(i: number, hash?: string): string {
  const code = `g${String(i).padStart(4, '0')}`;
  const body = { title: `Group "${code}" — ${'é'.repeat(i % 7)}`, code, members: [{ z: i, a: [i, { y: null, b: true }] }], '10': 'ten', '9': 'nine' };
  return JSON.stringify({ id: `ws.${code}`, type: 'group', namespace: 'ws', code, deleted: false, hash: hash ?? sha256(canonicalJson(body)), body }, null, 2);
}

function cardEntries(forged: number[] = []): ZipEntry[] {
  return Array.from({ length: CARDS }, (_, i) => ({ name: `groups/ws.g${String(i).padStart(4, '0')}.card.json`, data: card(i, forged.includes(i) ? sha256(`forged ${i}`) : undefined) }));
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PackageError, String(e));
    return e.message;
  }
  assert.fail('the package was accepted');
}

describe('cards inflating and hashing ahead of the reader', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'isola-cards-ahead-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const write = async (name: string, entries: ZipEntry[], over: Record<string, unknown> = {}): Promise<string> => {
    const file = path.join(dir, name);
    await writePackage(file, { entries, meta: descriptor(indexOf(entries), { steps: [{ step: 'groups', cards: entries.length }], ...over }) });
    return file;
  };

  it('reads every card of a sound package, the same as one by one', async () => {
    const file = await write('sound.isolapkg', cardEntries());
    const r = await PackageReader.open(file, undefined, { cardsAhead: true });
    try {
      // Give the worker time to hash bodies from the end, so that both threads' hashes are used.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cards = await r.cards();
      assert.equal(cards.length, CARDS);
      for (const [i, c] of cards.entries()) assert.deepEqual(c.card, JSON.parse(card(i)));
    } finally {
      r.close();
    }
  });

  for (const [where, i] of [['first', 0], ['middle', CARDS / 2], ['last', CARDS - 1]] as const) {
    it(`refuses a forged hash on the ${where} card, naming it`, async () => {
      const file = await write(`forged-${where}.isolapkg`, cardEntries([i]));
      const r = await PackageReader.open(file, undefined, { cardsAhead: true });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const name = `groups/ws.g${String(i).padStart(4, '0')}.card.json`;
        assert.equal(await refusal(r.cards()), `${name}: its "hash" is not the sha256 of its body`);
      } finally {
        r.close();
      }
    });
  }

  // A card the worker scans: what it finds in the bytes decides which checks the reader runs.
  const lastName = `groups/ws.g${String(CARDS - 1).padStart(4, '0')}.card.json`;
  const withLast = (body: Record<string, unknown>, raw: (text: string) => string = (t) => t): ZipEntry[] => {
    const entries = cardEntries();
    const code = `g${String(CARDS - 1).padStart(4, '0')}`;
    const text = JSON.stringify({ id: `ws.${code}`, type: 'group', namespace: 'ws', code, deleted: false, hash: sha256(canonicalJson(body)), body }, null, 2);
    entries[CARDS - 1] = { name: lastName, data: raw(text) };
    return entries;
  };
  const cases: [string, ZipEntry[], string][] = [
    ['nests deeper than the limit', withLast({ code: 'x' }, (t) => t.replace('"body": {', `"body": { "layout": ${'['.repeat(300)}${']'.repeat(300)},`)), 'nests objects or lists deeper than 256 levels'],
    ['holds a NUL character', withLast({ code: 'x', title: 'a\u0000b' }), 'holds a NUL character (\\u0000), which no environment stores'],
    ['holds an unpaired surrogate', withLast({ code: 'x', title: 'a\ud800b' }), 'holds an unpaired surrogate (not Unicode), which no environment stores'],
  ];
  for (const [what, entries, message] of cases) {
    it(`refuses the last card when it ${what}`, async () => {
      const file = await write(`last-${what.replace(/ /g, '-')}.isolapkg`, entries);
      const r = await PackageReader.open(file, undefined, { cardsAhead: true });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(await refusal(r.cards()), `${lastName}: ${message}`);
      } finally {
        r.close();
      }
    });
  }

  it('refuses a package whose index disagrees while its cards inflate, and stops the work', async () => {
    const entries = cardEntries();
    const index = indexOf(entries);
    index[7] = { ...index[7], size: index[7].size + 1 };
    const file = path.join(dir, 'bad-index.isolapkg');
    await writePackage(file, { entries, meta: descriptor(index, { steps: [{ step: 'groups', cards: CARDS }] }) });
    assert.match(await refusal(PackageReader.open(file, undefined, { cardsAhead: true })), /^groups\/ws\.g0007\.card\.json: is \d+ bytes, the index says \d+$/);
  });

  it('gives the worker\'s body hashes only where they are the canonical JSON\'s', async () => {
    const file = await write('hashes.isolapkg', cardEntries());
    const buf = await fs.readFile(file);
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(buf, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))));
    const list: { name: string; entry: yauzl.Entry }[] = [];
    centralDirectory(buf, zip, (entry) => list.push({ name: (entry.fileName as unknown as Buffer).toString('utf8'), entry }));
    const cards = list.filter((e) => e.name.endsWith('.card.json'));
    const ahead = inflateAhead(buf, cards, 1 << 20, { bodyHashes: true, workerMin: 1 });
    let hashed = 0;
    let n = 0;
    for await (const e of entriesAhead(ahead)) {
      // Time for the worker to inflate the rest and hash bodies from the end, even on a busy machine.
      if (n === 0) await new Promise((resolve) => setTimeout(resolve, 2000));
      n++;
      // Entries inflated on this thread while the worker starts come without hashes.
      if (e.sha256 !== undefined) assert.equal(e.sha256, sha256(e.data));
      if (e.bodySha256 === undefined) continue;
      hashed++;
      assert.equal(e.bodySha256, sha256(canonicalJson(JSON.parse(e.data.toString('utf8')).body)));
    }
    assert.equal(n, CARDS);
    assert.ok(hashed > 0, 'the worker hashed no body while the reader waited');
  });

  it('lets a package opened with cards ahead be closed without reading them', async () => {
    const file = await write('closed.isolapkg', cardEntries());
    const r = await PackageReader.open(file, undefined, { cardsAhead: true });
    r.close();
    // A worker left running would keep this test's process alive: node --test reports that as a failure.
  });
});
