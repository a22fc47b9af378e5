import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

// The extension in English and Russian: every `%key%` of package.json has its English and Russian
// text, every message the client localizes has a Russian translation with the same placeholders,
// and neither file keeps entries nothing uses. The client's messages are found in its sources as
// `vscode.l10n.t('…')` and, in the pure modules that take a Localize, `l10n('…')`.

const REPO = path.resolve(__dirname, '../../..');
const read = (rel: string) => readFileSync(path.join(REPO, rel), 'utf8');
const json = (rel: string) => JSON.parse(read(rel)) as Record<string, unknown>;

/** Every `%key%` string anywhere in the manifest. */
function nlsKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const m = /^%(.+)%$/.exec(value);
    if (m) out.add(m[1]);
  } else if (Array.isArray(value)) value.forEach((v) => nlsKeys(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => nlsKeys(v, out));
  return out;
}

/** The client's sources that show text (the graph page's words come from client/src/graph/pageWords.ts). */
function clientSources(dir = path.join(REPO, 'client', 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return clientSources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const CALL = /(?:vscode\.l10n\.t|\bl10n)\(\s*/g;

/** The messages of the client's l10n calls, and the calls whose message is not a literal (the bundle could not hold them). */
function clientMessages(): { messages: Map<string, string>; notLiteral: string[] } {
  const messages = new Map<string, string>();
  const notLiteral: string[] = [];
  for (const file of clientSources()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(CALL)) {
      const at = m.index + m[0].length;
      const where = `${path.relative(REPO, file)}:${text.slice(0, at).split('\n').length}`;
      const lit = /^'((?:[^'\\\n]|\\.)*)'/.exec(text.slice(at));
      if (!lit) {
        notLiteral.push(where);
        continue;
      }
      messages.set(JSON.parse(`"${lit[1].replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string, where);
    }
  }
  return { messages, notLiteral };
}

const placeholders = (s: string) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');
const cyrillic = /[а-яё]/i;

describe('localization: English and Russian', () => {
  it('every %key% of package.json is in package.nls.json and package.nls.ru.json, and they hold no other keys', () => {
    const used = nlsKeys(json('package.json'));
    assert.ok(used.size >= 30, `only ${used.size} localized strings in package.json`);
    for (const file of ['package.nls.json', 'package.nls.ru.json']) {
      const nls = json(file);
      assert.deepEqual([...used].filter((k) => typeof nls[k] !== 'string' || !nls[k]), [], `keys missing from ${file}`);
      assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], `stale keys in ${file}`);
    }
    const ru = json('package.nls.ru.json') as Record<string, string>;
    assert.deepEqual(Object.keys(ru).filter((k) => !cyrillic.test(ru[k])), [], 'Russian texts without Russian');
    // Command links in walkthrough and welcome texts run the same commands in both languages.
    const en = json('package.nls.json') as Record<string, string>;
    const links = (s: string) => [...s.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]).join(' ');
    for (const k of Object.keys(en)) assert.equal(links(ru[k]), links(en[k]), `command links of ${k}`);
  });

  it('every command title is localized', () => {
    const commands = (json('package.json').contributes as { commands: { command: string; title: string }[] }).commands;
    assert.deepEqual(commands.filter((c) => !/^%.+%$/.test(c.title)).map((c) => c.command), []);
  });

  it('every client message has a Russian translation with the same placeholders, and the bundle has no stale entries', () => {
    const { messages, notLiteral } = clientMessages();
    assert.deepEqual(notLiteral, [], 'l10n calls whose message is not a literal');
    assert.ok(messages.size >= 100, `only ${messages.size} client messages found`);
    const bundle = json('l10n/bundle.l10n.ru.json') as Record<string, string>;
    const missing = [...messages.keys()].filter((m) => typeof bundle[m] !== 'string');
    assert.deepEqual(missing, [], 'messages without a Russian translation');
    const wrong = [...messages.keys()].filter((m) => placeholders(m) !== placeholders(bundle[m]));
    assert.deepEqual(wrong, [], 'translations whose placeholders differ from the message');
    assert.deepEqual(Object.keys(bundle).filter((k) => !messages.has(k)), [], 'stale entries in the Russian bundle');
    assert.deepEqual(Object.keys(bundle).filter((k) => !cyrillic.test(bundle[k]) && /[a-z]{4}/i.test(k.replace(/\{\d\}|`[^`]*`|Isola|isola\S*|KB|URL/g, ''))), [], 'translations that are not Russian');
  });
});
