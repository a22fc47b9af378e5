import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson } from '../../../server/src/core/packaging/canonical';
import { DEFAULT_LIMITS, ReadLimits } from '../../../server/src/core/packaging/format';
import { PackageError, PackageReader } from '../../../server/src/core/packaging/reader';
import {
  CLI, cardJson, dataOffset, descriptor, indexOf, isola, patchFile, rename, setFlags, setMethod, setUncompressedSize, sha256, snapshot,
  soundEntries, writePackage, writeZip, zeros, ZipEntry,
} from './hostile';

interface Case {
  title: string;
  make(file: string): Promise<void>;
  /** What the reader must say (the whole message, entry prefix included). */
  message: RegExp;
  /** The entry the PackageError names (`entry`), as the reader shows it; undefined for whole-file problems. */
  entry?: string;
  /** Limits passed to the reader; the CLI (default limits) is not run on these. */
  limits?: Partial<ReadLimits>;
  /** Cases of one kind of problem share a message (default: every case is its own kind). */
  kind?: string;
}

const sound = soundEntries();
const CARD = 'groups/ws.g.card.json';
const SCRIPT = 'scripts/ws.p.s.ts';
const withExtra = (name: string, data = 'pwned\n'): ZipEntry[] => [...sound, { name, data }];
/** A package whose entry `placeholder` is renamed, in its headers, to `name` (yazl refuses to write such names). */
const badName = (placeholder: string, name: string) => async (file: string) => {
  await writePackage(file, { entries: withExtra(placeholder) });
  await patchFile(file, (b) => rename(b, placeholder, name));
};
const meta = (over: Record<string, unknown>) => (file: string) => writePackage(file, { meta: descriptor(indexOf(sound), over) });
const BOMB_BYTES = 300 * 1024 * 1024;
/** A sound package plus one card entry `name`: a well-formed card of `ws.g` with `over` applied (its hash follows the body unless `over` sets one). */
const withCard = (name: string, over: Record<string, unknown>) => (file: string) => {
  const card = { ...JSON.parse(cardJson('ws.g')), ...over };
  const entries = [...sound.filter((e) => e.name !== CARD), { name, data: JSON.stringify(card) }];
  return writePackage(file, { entries });
};
/** A card of `type` and `id` with this body and its hash. */
const cardWith = (type: string, id: string, body: Record<string, unknown>) => ({ id, type, namespace: id.split('.')[0], code: id.split('.')[1], body, hash: sha256(canonicalJson(body)) });
/** A sound package whose card `ws.g` has this body (and its hash). */
const withBody = (name: string, body: Record<string, unknown>) => withCard(name, cardWith('group', 'ws.g', body));
/** A sound package plus one data entry, listed by `set` in the descriptor when given; the data is read by `records()` too. */
const withData = (name: string, set?: Record<string, unknown>, data = '{"id":"r1"}\n') => (file: string) => {
  const entries = [...sound, { name, data }];
  return writePackage(file, { entries, meta: descriptor(indexOf(entries), set ? { data: [set] } : {}) });
};

const CASES: Case[] = [
  { title: 'zip slip (../evil.txt)', kind: 'slip', make: badName('XX/evil.txt', '../evil.txt'), entry: '"../evil.txt"', message: /^"\.\.\/evil\.txt": escapes the package root with `\.\.`$/ },
  { title: 'zip slip inside a folder (apps/../../evil.txt)', kind: 'slip', make: badName('apps/XX/XX/evil.txt', 'apps/../../evil.txt'), entry: '"apps/../../evil.txt"', message: /^"apps\/\.\.\/\.\.\/evil\.txt": escapes the package root/ },
  { title: 'absolute path (/etc/passwd)', kind: 'absolute', make: badName('_etc/passwd', '/etc/passwd'), entry: '"/etc/passwd"', message: /^"\/etc\/passwd": has an absolute path$/ },
  { title: 'drive-letter path (C:/evil.txt)', kind: 'absolute', make: badName('C_/evil.txt', 'C:/evil.txt'), entry: '"C:/evil.txt"', message: /^"C:\/evil\.txt": has an absolute path$/ },
  { title: 'backslash path (..\\evil.txt)', make: badName('XX_evil.txt', '..\\evil.txt'), entry: '"..\\\\evil.txt"', message: /^"\.\.\\\\evil\.txt": uses backslashes/ },
  { title: 'control character in a name', make: badName('groups/aX.card.json', 'groups/a\n.card.json'), entry: '"groups/a\\n.card.json"', message: /^"groups\/a\\n\.card\.json": has control characters in its name$/ },
  {
    title: 'duplicate entry names',
    make: (f) => writePackage(f, { entries: [...sound, { name: CARD, data: cardJson('ws.g') }], index: indexOf(sound) }),
    entry: CARD, message: /^groups\/ws\.g\.card\.json: appears twice in the package$/,
  },
  {
    title: 'names differing only in letter case',
    make: (f) => writePackage(f, { entries: [...sound, { name: 'GROUPS/WS.G.card.json', data: cardJson('ws.g') }] }),
    entry: 'GROUPS/WS.G.card.json', message: /^GROUPS\/WS\.G\.card\.json: differs from groups\/ws\.g\.card\.json only in letter case$/,
  },
  {
    title: 'zip bomb (300 MB of zeros, deflated)',
    make: (f) => writePackage(f, { entries: [...sound, { name: 'data/ws.app/00000.jsonl', data: zeros(BOMB_BYTES) }], index: [...indexOf(sound), { path: 'data/ws.app/00000.jsonl', sha256: '0', size: BOMB_BYTES }] }),
    entry: 'data/ws.app/00000.jsonl', message: /^data\/ws\.app\/00000\.jsonl: expands \d{3,}x \(from \d+ to 314572800 bytes\), over the 200x limit: a zip bomb\?$/,
  },
  {
    title: 'zip bomb whose headers lie about its size (64 MB declared as 1,000 bytes)',
    make: async (f) => {
      const index = [...indexOf(sound), { path: 'data/ws.app/00000.jsonl', sha256: '0', size: 1000 }];
      await writePackage(f, { entries: [...sound, { name: 'data/ws.app/00000.jsonl', data: zeros(64 << 20) }], meta: descriptor(index, { data: [{ app: 'ws.app', records: 1, chunks: ['data/ws.app/00000.jsonl'] }] }) });
      await patchFile(f, (b) => setUncompressedSize(b, 'data/ws.app/00000.jsonl', 1000));
    },
    entry: 'data/ws.app/00000.jsonl', message: /^data\/ws\.app\/00000\.jsonl: damaged entry \(.*too many bytes/,
  },
  {
    title: 'an entry over the size limit (custom limit)',
    make: (f) => writePackage(f, { entries: withExtra('scripts/ws.big.ts', Array.from({ length: 500 }, (_, i) => `// line ${i}`).join('\n')) }),
    limits: { maxEntryBytes: 1000 }, entry: 'scripts/ws.big.ts', message: /^scripts\/ws\.big\.ts: is \d{4} bytes uncompressed; the limit is 1000$/,
  },
  {
    title: 'an entry whose header claims 2 GiB (default limit)',
    make: async (f) => {
      await writePackage(f);
      await patchFile(f, (b) => setUncompressedSize(b, SCRIPT, 0x80000000));
    },
    entry: SCRIPT, message: /^scripts\/ws\.p\.s\.ts: is 2147483648 bytes uncompressed; the limit is 1073741824$/,
  },
  { title: 'entries over the total size limit (custom limit)', make: (f) => writePackage(f), limits: { maxTotalBytes: 700 }, message: /^the entries add up to more than 700 bytes uncompressed$/ },
  { title: 'too many entries (custom limit)', make: (f) => writePackage(f), limits: { maxEntries: 3 }, message: /^has 4 entries; the limit is 3$/ },
  {
    title: 'malformed JSON in a card',
    make: (f) => writePackage(f, { entries: [...sound.filter((e) => e.name !== CARD), { name: CARD, data: '{ "id": "ws.g", ' }] }),
    entry: CARD, message: /^groups\/ws\.g\.card\.json: malformed JSON \(/,
  },
  {
    title: 'a card that is JSON but not a card',
    make: (f) => writePackage(f, { entries: [...sound.filter((e) => e.name !== CARD), { name: CARD, data: '[1, 2, 3]' }] }),
    entry: CARD, message: /^groups\/ws\.g\.card\.json: is not a card \(a JSON object with id, type, namespace, code, hash and body\)$/,
  },
  { title: 'malformed meta_data.json', make: (f) => writePackage(f, { meta: '{ "format": "isola-package", ' }), entry: 'meta_data.json', message: /^meta_data\.json: malformed JSON \(/ },
  { title: 'missing meta_data.json', make: (f) => writePackage(f, { meta: null }), message: /^no meta_data\.json: not an Isola package$/ },
  { title: '"format" is not isola-package', kind: 'format', make: meta({ format: 'elma365-package' }), entry: 'meta_data.json', message: /^meta_data\.json: "format" is not "isola-package": not an Isola package$/ },
  { title: 'meta_data.json is not an object', kind: 'format', make: (f) => writePackage(f, { meta: '"isola-package"' }), entry: 'meta_data.json', message: /^meta_data\.json: "format" is not "isola-package": not an Isola package$/ },
  { title: 'a future formatVersion', make: meta({ formatVersion: 2 }), entry: 'meta_data.json', message: /^meta_data\.json: format version 2 is newer than this Isola reads \(up to 1\); update Isola to open it$/ },
  { title: 'a formatVersion that is no whole number', make: meta({ formatVersion: '1' }), entry: 'meta_data.json', message: /^meta_data\.json: "formatVersion" must be a positive whole number$/ },
  { title: 'an index that is not a list', make: meta({ entries: {} }), entry: 'meta_data.json', message: /^meta_data\.json: "entries" must list \{ path, sha256, size \} for every entry$/ },
  {
    title: 'a checksum mismatch (the index names other content of the same size)', kind: 'checksum',
    make: (f) => writePackage(f, { index: indexOf(sound).map((e) => (e.path === SCRIPT ? { ...e, sha256: sha256('x'.repeat(e.size)) } : e)) }),
    entry: SCRIPT, message: /^scripts\/ws\.p\.s\.ts: checksum mismatch: the index says sha256 [0-9a-f]{12}…, the content is [0-9a-f]{12}…$/,
  },
  {
    title: 'content changed after the build (a stored entry patched in place)', kind: 'checksum',
    make: async (f) => {
      await writePackage(f, { entries: sound.map((e) => ({ ...e, compress: e.name !== SCRIPT })) });
      await patchFile(f, (b) => {
        b[dataOffset(b, SCRIPT)] ^= 0x20; // "export" -> "Export"
      });
    },
    entry: SCRIPT, message: /^scripts\/ws\.p\.s\.ts: checksum mismatch/,
  },
  {
    title: 'a size that disagrees with the index',
    make: (f) => writePackage(f, { index: indexOf(sound).map((e) => (e.path === SCRIPT ? { ...e, size: e.size + 1 } : e)) }),
    entry: SCRIPT, message: /^scripts\/ws\.p\.s\.ts: is \d+ bytes, the index says \d+$/,
  },
  {
    title: 'an entry missing from the index',
    make: (f) => writePackage(f, { entries: withExtra('groups/ws.extra.card.json', cardJson('ws.extra')), index: indexOf(sound) }),
    entry: 'groups/ws.extra.card.json', message: /^groups\/ws\.extra\.card\.json: is not in the descriptor's index/,
  },
  {
    title: 'an index entry missing from the zip',
    make: (f) => writePackage(f, { index: [...indexOf(sound), { path: 'groups/ws.gone.card.json', sha256: sha256('x'), size: 1 }] }),
    entry: 'groups/ws.gone.card.json', message: /^groups\/ws\.gone\.card\.json: is listed in the index but missing from the package$/,
  },
  {
    title: 'an encrypted entry (general purpose bit 0)',
    make: async (f) => {
      await writePackage(f);
      await patchFile(f, (b) => setFlags(b, CARD, 0x1));
    },
    entry: CARD, message: /^groups\/ws\.g\.card\.json: is encrypted$/,
  },
  {
    title: 'an entry compressed with a method other than deflate (bzip2)',
    make: async (f) => {
      await writePackage(f);
      await patchFile(f, (b) => setMethod(b, CARD, 12));
    },
    entry: CARD, message: /^groups\/ws\.g\.card\.json: uses compression method 12; only stored and deflated entries are read$/,
  },
  {
    title: 'a truncated file', kind: 'zip',
    make: async (f) => {
      await writePackage(f);
      const b = await fs.readFile(f);
      await fs.writeFile(f, b.subarray(0, Math.floor(b.length * 0.6)));
    },
    message: /^not a readable zip file \(.+\)$/,
  },
  // Forged cards: rights are decided on a card's namespace and the entity is written under its id,
  // so every part of a card must agree with every other and with the entry it is in.
  {
    title: 'a card whose id lies in another namespace than its "namespace" (forged ownership)', kind: 'forged-id',
    make: withCard('groups/invoices.invoice_number.card.json', { id: 'invoices.invoice_number', namespace: 'ws', code: 'invoice_number' }),
    entry: 'groups/invoices.invoice_number.card.json', message: /: id "invoices\.invoice_number" does not agree with its namespace and code \(a group "invoice_number" in "ws" is "ws\.invoice_number"\)$/,
  },
  {
    title: 'a card whose code is another entity\'s', kind: 'forged-id',
    make: withCard(CARD, { code: 'other' }), entry: CARD, message: /: id "ws\.g" does not agree with its namespace and code/,
  },
  {
    title: 'a card of global objects in a workspace\'s name (global.admins)', kind: 'forged-id',
    make: withCard('groups/global.admins.card.json', { id: 'global.admins', namespace: 'ws', code: 'admins' }),
    entry: 'groups/global.admins.card.json', message: /: id "global\.admins" does not agree with its namespace and code/,
  },
  {
    title: 'a card in another import step\'s folder',
    make: withCard('apps/ws.g.card.json', {}), entry: 'apps/ws.g.card.json', message: /: a group card with id "ws\.g" must be the entry groups\/ws\.g\.card\.json$/,
  },
  {
    title: 'a card without "namespace"',
    make: withCard(CARD, { namespace: undefined }), entry: CARD, message: /: is not a card: "namespace" must be a string$/,
  },
  {
    title: 'a card whose namespace is no namespace code',
    make: withCard('groups/Ws X.g.card.json', { id: 'Ws X.g', namespace: 'Ws X' }), entry: 'groups/Ws X.g.card.json', message: /: namespace "Ws X" is not a namespace code$/,
  },
  {
    title: 'two cards of different types with one id (an import would write one entity twice)', kind: 'forged-id',
    make: (f) => writePackage(f, { entries: [...sound, { name: 'counters/ws.g.card.json', data: cardJson('ws.g', 'counter') }] }),
    entry: 'counters/ws.g.card.json', message: /: has the id "ws\.g" of groups\/ws\.g\.card\.json too: an import would write one over the other$/,
  },
  {
    title: 'a card of an unknown type (__proto__)',
    make: withCard(CARD, { type: '__proto__' }), entry: CARD, message: /: has unknown type "__proto__"$/,
  },
  // A script's code and an app's data key become file names on unpack (`scripts/<code>.ts`).
  {
    title: 'a card whose script is coded as a CI workflow\'s path (.github/workflows/ci)', kind: 'script-code',
    make: withBody(CARD, { code: 'g', scripts: [{ code: '.github/workflows/ci', source: 'x' }], title: 'Card g' }),
    entry: CARD, message: /: script "\.github\/workflows\/ci" \(scripts\[0\]\) does not have a valid code \(letters, digits and _, starting with a letter or _\)$/,
  },
  {
    title: 'a card whose script is coded as a manifest\'s name (planted.isola)', kind: 'script-code',
    make: withBody(CARD, { code: 'g', scripts: [{ code: 'main' }, { code: 'planted.isola', source: 'x' }], title: 'Card g' }),
    entry: CARD, message: /: script "planted\.isola" \(scripts\[1\]\) does not have a valid code/,
  },
  {
    title: 'an app card whose data names an app that is no code (.hidden)',
    make: withCard('apps/ws.a.card.json', cardWith('app', 'ws.a', { code: 'a', data: { '.hidden': 'data/a.jsonl' } })),
    entry: 'apps/ws.a.card.json', message: /: "data" names app "\.hidden", which is not a valid app code$/,
  },
  // A body that names another entity than its card: stored as one, retrieved as the other.
  {
    title: 'a card whose body gives another code', kind: 'body-name',
    make: withBody(CARD, { code: 'other', title: 'Card g' }), entry: CARD, message: /: its body's "code" "other" differs from its code "g"$/,
  },
  {
    title: 'a workspace card whose body says it is a module', kind: 'body-name',
    make: withCard('menu/ws.card.json', { ...cardWith('workspace', 'ws', { kind: 'module', code: 'ws' }), code: 'ws' }),
    entry: 'menu/ws.card.json', message: /: its body's "kind" "module" differs from its type "workspace"$/,
  },
  {
    title: 'an app manifest\'s card whose body names another namespace', kind: 'body-name',
    make: withCard('apps/ws.a.card.json', cardWith('app', 'ws.a', { kind: 'app', code: 'a', namespace: 'other' })),
    entry: 'apps/ws.a.card.json', message: /: its body's "namespace" "other" differs from its namespace "ws"$/,
  },
  {
    title: 'a permissions card whose body names another app', kind: 'body-name',
    make: withCard('permissions/ws.a.permissions.card.json', { ...cardWith('permissions', 'ws.a', { app: 'ws.b', permissions: [] }), id: 'ws.a.permissions' }),
    entry: 'permissions/ws.a.permissions.card.json', message: /: its body's "app" "ws\.b" differs from its app "ws\.a"$/,
  },
  {
    title: 'a card whose hash is not its body\'s',
    make: withCard(CARD, { hash: sha256('another body') }), entry: CARD, message: /: its "hash" is not the sha256 of its body$/,
  },
  {
    title: 'a card whose hash is no sha256',
    make: withCard(CARD, { hash: 'ABC' }), entry: CARD, message: /: "hash" is not a sha256$/,
  },
  {
    title: 'a card nested 10,000 deep',
    // Written as text: JSON.stringify itself cannot go 10,000 deep.
    make: (f) => writePackage(f, { entries: [...sound.filter((e) => e.name !== CARD), { name: CARD, data: cardJson('ws.g').replace('"body": {', `"body": { "layout": ${'['.repeat(10_000)}${']'.repeat(10_000)},`) }] }), entry: CARD, message: /: nests objects or lists deeper than 256 levels$/,
  },
  {
    title: 'a data chunk outside its app\'s folder',
    make: withData('data/victim.app/00000.jsonl', { app: 'ws.app', records: 1, chunks: ['data/victim.app/00000.jsonl'] }),
    entry: 'meta_data.json', message: /: data set ws\.app: chunk "data\/victim\.app\/00000\.jsonl" is not in data\/ws\.app\/$/,
  },
  {
    title: 'a data entry that no data set lists',
    make: withData('data/victim.app/00000.jsonl'), entry: 'meta_data.json', message: /: entry data\/victim\.app\/00000\.jsonl belongs to no data set of the descriptor$/,
  },
  {
    title: 'a data set that names no app',
    make: withData('data/victim/00000.jsonl', { app: 'victim', records: 1, chunks: ['data/victim/00000.jsonl'] }),
    entry: 'meta_data.json', message: /: data set "victim" does not name an app as namespace\.code$/,
  },
  {
    title: 'a data record nested 10,000 deep',
    make: withData('data/ws.app/00000.jsonl', { app: 'ws.app', records: 1, chunks: ['data/ws.app/00000.jsonl'] }, `{"id":"r1","v":${'['.repeat(10_000)}${']'.repeat(10_000)}}\n`),
    entry: 'data/ws.app/00000.jsonl', message: /^data\/ws\.app\/00000\.jsonl: line 1 nests objects or lists deeper than 256 levels$/,
  },
  {
    title: 'a data record holding a NUL character (no environment stores one)', kind: 'unstorable',
    make: withData('data/ws.app/00000.jsonl', { app: 'ws.app', records: 1, chunks: ['data/ws.app/00000.jsonl'] }, '{"id":"r1","v":"a\\u0000b"}\n'),
    entry: 'data/ws.app/00000.jsonl', message: /^data\/ws\.app\/00000\.jsonl: line 1 holds a NUL character \(\\u0000\), which no environment stores$/,
  },
  {
    title: 'a data record holding an unpaired surrogate', kind: 'unstorable',
    make: withData('data/ws.app/00000.jsonl', { app: 'ws.app', records: 1, chunks: ['data/ws.app/00000.jsonl'] }, '{"id":"r1","v":"\\ud800"}\n'),
    entry: 'data/ws.app/00000.jsonl', message: /^data\/ws\.app\/00000\.jsonl: line 1 holds an unpaired surrogate \(not Unicode\), which no environment stores$/,
  },
  {
    title: 'a data line ending in a raw NUL byte (the parse error quotes it)',
    make: withData('data/ws.app/00000.jsonl', { app: 'ws.app', records: 1, chunks: ['data/ws.app/00000.jsonl'] }, '{"id":"r1"}\u0000\n'),
    entry: 'data/ws.app/00000.jsonl', message: /^data\/ws\.app\/00000\.jsonl: line 1 is malformed JSON \([^\u0000\n]*\)$/,
  },
  {
    title: 'a card holding a NUL character', kind: 'unstorable',
    make: withCard(CARD, { body: { code: 'g', title: 'a\u0000b' }, hash: sha256('{"code":"g","title":"a\\u0000b"}') }), entry: CARD, message: /: holds a NUL character \(\\u0000\), which no environment stores$/,
  },
  {
    title: 'a card that breaks at its first byte (the parse error quotes lines of it)',
    make: (f) => writePackage(f, { entries: [...sound.filter((e) => e.name !== CARD), { name: CARD, data: 'z' + cardJson('ws.g').slice(1) }] }),
    entry: CARD, message: /^groups\/ws\.g\.card\.json: malformed JSON \([^\n]*\)$/, kind: 'malformed JSON in a card',
  },
  {
    // 12 MB of `{},` inflate into millions of objects before any right is checked.
    title: 'a descriptor of more than 8,000,000 values (memory spent before any check)',
    // Random text keeps the entry under the zip-bomb ratio, as an attacker would.
    make: (f) => writePackage(f, { meta: `{"noise":"${randomBytes(200_000).toString('base64')}","pad":[${'{},'.repeat(4_100_000)}{}],${JSON.stringify(descriptor(indexOf(sound))).slice(1)}` }),
    entry: 'meta_data.json', message: /^meta_data\.json: holds more than 8000000 values; no package's index and history need that many$/,
  },
  { title: 'a descriptor without "tool"', make: meta({ tool: undefined }), entry: 'meta_data.json', message: /^meta_data\.json: "tool" must be \{ name, version \}$/ },
  {
    title: 'a history entry whose "of" is not a hash (it would name the version an environment holds)',
    make: meta({ history: { 'ws.g': [{ hash: 'a', at: 't', of: 7 }] } }), entry: 'meta_data.json', message: /^meta_data\.json: "history" of "ws\.g" must be a list of \{ hash, at \} \(and of, a hash, when an export set it\)$/,
  },
  { title: 'a descriptor whose data order is no list', make: meta({ options: { design: 'all', data: 'none', dataOrder: 'x' } }), entry: 'meta_data.json', message: /^meta_data\.json: "options\.dataOrder" must be a list of apps$/ },
  {
    title: 'a package code with a line break (it ends up in file names and headers)',
    make: meta({ code: 'ws\r\nX-Evil: 1' }), entry: 'meta_data.json', message: /^meta_data\.json: "code" "ws\\r\\nX-Evil: 1" is not a valid workspace code$/,
  },
  { title: 'a package of an unknown kind', make: meta({ kind: 'tenant' }), entry: 'meta_data.json', message: /^meta_data\.json: "kind" must be one of app, workspace, module, solution, configuration$/ },
  { title: 'a file that is not a zip at all', kind: 'zip', make: (f) => fs.writeFile(f, '{"format": "isola-package"}\n'), message: /^not a readable zip file \(.+\)$/ },
  { title: 'an empty file', kind: 'zip', make: (f) => fs.writeFile(f, ''), message: /^not a readable zip file \(.+\)$/ },
];

/** Opens, verifies and reads the cards the way `inspect` does; returns what was thrown. */
async function refusal(file: string, limits?: Partial<ReadLimits>): Promise<unknown> {
  let reader: PackageReader | undefined;
  try {
    reader = await PackageReader.open(file, { ...DEFAULT_LIMITS, ...limits });
    await reader.verify();
    await reader.cards();
    for (const d of reader.descriptor.data) for await (const _ of reader.records(d.app)) void _;
  } catch (e) {
    return e;
  } finally {
    reader?.close();
  }
  return undefined;
}

const fileName = (i: number) => `hostile-${String(i).padStart(2, '0')}.isolapkg`;

describe('hostile packages are refused, each with its own message naming the entry', () => {
  let dir: string;
  const messages = new Map<Case, string>();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-hostile-'));
    await writePackage(path.join(dir, 'sound.isolapkg'));
    for (const [i, c] of CASES.entries()) await c.make(path.join(dir, fileName(i)));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the sound package they are made from is accepted (by the reader and by `isola inspect`)', async () => {
    assert.equal(await refusal(path.join(dir, 'sound.isolapkg')), undefined);
    assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests');
    const r = isola(['inspect', 'sound.isolapkg'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /4 entries, .* every checksum verified/);
  });

  for (const [i, c] of CASES.entries()) {
    it(`reader: ${c.title}`, async () => {
      const e = await refusal(path.join(dir, fileName(i)), c.limits);
      assert.ok(e instanceof PackageError, `expected a PackageError, got ${e instanceof Error ? e.stack : String(e)}`);
      assert.match(e.message, c.message);
      assert.equal(e.entry, c.entry, 'the entry the error names');
      messages.set(c, e.message);
    });
  }

  it('no two kinds of problem share a message', () => {
    for (const [c, text] of messages) {
      for (const d of CASES) {
        if ((d.kind ?? d.title) === (c.kind ?? c.title)) continue;
        assert.doesNotMatch(text, d.message, `the message of "${c.title}" also fits "${d.title}"`);
      }
    }
  });

  for (const [i, c] of CASES.entries()) {
    if (c.limits) continue; // the CLI reads with the default limits
    it(`isola inspect: ${c.title}: exit 2, one line naming the entry, nothing written`, () => {
      const work = path.join(dir, `cli-${i}`, 'work');
      mkdirSync(work, { recursive: true });
      copyFileSync(path.join(dir, fileName(i)), path.join(work, 'pkg.isolapkg'));
      const before = snapshot(path.dirname(work));
      for (const args of [['inspect', 'pkg.isolapkg'], ['inspect', 'pkg.isolapkg', '--format', 'json']]) {
        const r = isola(args, work);
        assert.equal(r.code, 2, `exit status of ${args.join(' ')}: ${r.err}`);
        assert.equal(r.out, '', 'nothing on stdout');
        assert.match(r.err, /^isola inspect: pkg\.isolapkg: [^\n]+\n$/, 'one line on stderr');
        const reason = r.err.slice('isola inspect: pkg.isolapkg: '.length, -1);
        assert.match(reason, c.message);
        if (c.entry) assert.ok(reason.includes(c.entry), `stderr names ${c.entry}: ${r.err}`);
      }
      assert.deepEqual(snapshot(path.dirname(work)), before, 'inspect wrote nothing');
      assert.ok(!existsSync(path.join(work, '..', 'evil.txt')) && !existsSync(path.join(work, '..', '..', 'evil.txt')));
    });
  }
});

describe('files that are not packages', () => {
  it('a named pipe: isola inspect and isola import refuse it at once instead of waiting for a writer', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-fifo-'));
    try {
      const fifo = path.join(dir, 'pkg.isolapkg');
      execFileSync('mkfifo', [fifo]);
      for (const args of [['inspect', fifo], ['import', fifo, '--env', 'local', '--dry-run']]) {
        const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
        assert.equal(r.error, undefined, `isola ${args[0]} did not finish in 30 s`);
        assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^isola ${args[0]}: [^\\n]*pkg\\.isolapkg: is not a regular file \\(a named pipe\\); only package files are read\\n$`));
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a folder named like a package is refused with its own message', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-folder-'));
    try {
      const e = await refusal(dir);
      assert.ok(e instanceof PackageError);
      assert.match(e.message, /^is (a folder, not a package file|not a regular file \(a folder\))/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile makers', () => {
  it('writeZip streams big entries without holding them (zip bomb generation stays small)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-hostile-'));
    try {
      const file = path.join(dir, 'z.zip');
      await writeZip(file, [{ name: 'z.bin', data: zeros(8 << 20) }]);
      const size = (await fs.stat(file)).size;
      assert.ok(size < 64 * 1024, `8 MiB of zeros deflate to ${size} bytes`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
