import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { printParseErrorCode } from 'jsonc-parser';
import { CATALOGS, english, fromAcceptLanguage, fromProcessEnv, localeOf, LOCALES, translator } from '../../server/src/core/l10n';
import { en } from '../../server/src/core/l10n/en';
import { ru } from '../../server/src/core/l10n/ru';
import { ENTITY_NOUN } from '../../server/src/core/manifest/kinds';
import { MANIFEST_KINDS } from '../../server/src/core/manifest/types';

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
/** Russian messages without Russian words on purpose: code, a JSON word, or only placeholders and punctuation. */
const SAME_IN_RUSSIAN = new Set(['iso006.form.orgUnit', 'schema.found.null', 'label.nested', 'hover.declaration', 'plan.then']);
describe('message catalogs', () => {
  it('every language has every key, and no other', () => {
    for (const locale of LOCALES)
      assert.deepEqual(Object.keys(CATALOGS[locale]).sort(), Object.keys(en).sort(), locale);
  });
  it('every message has the same placeholders in every language, in every plural form', () => {
    const wrong: string[] = [];
    for (const [key, english] of Object.entries(en)) {
      const want = placeholders(english.split('|')[0]);
      for (const locale of LOCALES) {
        for (const form of (CATALOGS[locale] as Record<string, string>)[key].split('|')) {
          if (String(placeholders(form)) !== String(want))
            wrong.push(`${locale} ${key}: {${placeholders(form)}} vs {${want}}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });
  it('no message is empty, and plural messages have their language\'s forms (en 2, ru 3, or one for all)', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(CATALOGS[locale])) {
        assert.ok(text.split('|').every((f) => f.trim() !== ''), `${locale} ${key} is empty`);
        const forms = text.split('|').length;
        assert.ok(forms === 1 || forms === (locale === 'en' ? 2 : 3), `${locale} ${key} has ${forms} plural forms`);
      }
    }
  });
  it('the Russian catalog is Russian: every message but a few code-only ones has Cyrillic letters', () => {
    const latinOnly = Object.entries(ru).filter(([key, text]) => !/[А-Яа-яЁё]/.test(text) && !SAME_IN_RUSSIAN.has(key)).map(([k]) => k);
    assert.deepEqual(latinOnly, []);
  });
  it('fills placeholders once, keeps unknown ones, and picks plural forms', () => {
    const ruT = translator('ru');
    assert.equal(english.t('fix.iso006', { value: '{value}' }), 'Change to `{value}`');
    assert.equal(english.t('man003.lookedFor'), ' (looked for {file})');
    assert.deepEqual([1, 2, 5].map((n) => english.t('cli.count.error', { n })), ['1 error', '2 errors', '5 errors']);
    assert.deepEqual([1, 3, 5, 11, 21, 22, 112].map((n) => ruT.t('cli.count.error', { n })), ['1 ошибка', '3 ошибки', '5 ошибок', '11 ошибок', '21 ошибка', '22 ошибки', '112 ошибок']);
    assert.equal(ruT.noun('workspace', 'gen'), 'раздела');
    assert.equal(ruT.noun('configuration', 'acc'), 'конфигурацию');
    assert.equal(english.noun('apiMethod', 'gen'), 'API method');
  });
});
describe('nouns', () => {
  it('every entity and package kind has its noun in three cases; the English ones are the model\'s', () => {
    const ruT = translator('ru');
    for (const [kind, noun] of Object.entries(ENTITY_NOUN)) {
      for (const c of ['nom', 'gen', 'acc'] as const) {
        assert.equal(english.noun(kind, c), noun, `${kind} ${c}`);
        assert.match(ruT.noun(kind, c), /[а-яё]/, `${kind} ${c}`);
      }
    }
    for (const kind of [...MANIFEST_KINDS, 'namespace']) {
      for (const c of ['nom', 'gen', 'acc'] as const) {
        assert.equal(english.noun(kind, c), kind, `${kind} ${c}`);
        assert.match(ruT.noun(kind, c), /[а-яё]/, `${kind} ${c}`);
      }
    }
  });
});

describe('choosing a language', () => {
  it('language tags and POSIX locales', () => {
    assert.equal(localeOf('ru'), 'ru');
    assert.equal(localeOf('ru-RU'), 'ru');
    assert.equal(localeOf('ru_RU.UTF-8'), 'ru');
    assert.equal(localeOf('en-GB'), 'en');
    assert.equal(localeOf('C'), 'en');
    assert.equal(localeOf('C.UTF-8'), 'en');
    assert.equal(localeOf('POSIX'), 'en');
    assert.equal(localeOf('de-DE'), undefined);
    assert.equal(localeOf('rus'), undefined);
    assert.equal(localeOf(undefined), undefined);
  });
  it('Accept-Language with q-values', () => {
    assert.equal(fromAcceptLanguage('ru-RU,ru;q=0.9,en;q=0.8'), 'ru');
    assert.equal(fromAcceptLanguage('ru'), 'ru');
    assert.equal(fromAcceptLanguage('en;q=0.5, ru;q=0.7'), 'ru');
    assert.equal(fromAcceptLanguage('en, ru'), 'en');
    assert.equal(fromAcceptLanguage('de, ru;q=0.1'), 'ru');
    assert.equal(fromAcceptLanguage('ru;q=0, en;q=0.1'), 'en');
    assert.equal(fromAcceptLanguage('de, fr'), 'en');
    assert.equal(fromAcceptLanguage('*'), 'en');
    assert.equal(fromAcceptLanguage(''), 'en');
    assert.equal(fromAcceptLanguage(undefined), 'en');
  });
  it('LC_ALL, then LC_MESSAGES, then LANG: the first one set wins', () => {
    assert.equal(fromProcessEnv({ LANG: 'ru_RU.UTF-8' }), 'ru');
    assert.equal(fromProcessEnv({ LC_ALL: 'C', LANG: 'ru_RU.UTF-8' }), 'en');
    assert.equal(fromProcessEnv({ LC_ALL: '', LC_MESSAGES: 'ru_RU.UTF-8', LANG: 'en_US.UTF-8' }), 'ru');
    assert.equal(fromProcessEnv({ LC_MESSAGES: 'de_DE.UTF-8', LANG: 'ru_RU.UTF-8' }), 'en');
    assert.equal(fromProcessEnv({}), 'en');
  });
});

describe('the JSON parser\'s words', () => {
  it('the catalog has every error jsonc-parser names, spelt as MAN002 shows it in English', () => {
    const spelt = (code: number) => printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    const english = new Set<string>(Object.entries(en).filter(([k]) => k.startsWith('json.')).map(([, v]) => v));
    const codes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    assert.deepEqual(codes.map(spelt).filter((w) => !english.has(w)), []);
    assert.equal(english.size, codes.length);
  });
});
