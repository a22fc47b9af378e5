import { en, MessageKey } from './en';
import { ru } from './ru';

import type { Locale } from './locale';

export { fromAcceptLanguage, fromProcessEnv, localeOf, LOCALES } from './locale';
export type { Locale } from './locale';

/** Values for a message's `{placeholders}`. */
export type MessageArgs = Record<string, string | number>;

/** Grammatical case of a label in a slot: the Russian messages decline nouns, English does not. */
export type Case = 'nom' | 'gen' | 'acc';

/**
 * Renders messages in one language. It is passed explicitly (rule context, check options, request
 * handlers), never held in a global: the environment service answers requests in several
 * languages at once.
 */
export interface Translator {
  readonly locale: Locale;
  /** The message with its placeholders filled; a plural message takes its form from `args.n`. */
  t(key: MessageKey, args?: MessageArgs): string;
  /** A noun of an entity or package kind (`app`, `workspace`, `orgUnit`...) in a case. */
  noun(kind: string, c?: Case): string;
}

/** The catalogs, one per language. */
export const CATALOGS: Record<Locale, Record<MessageKey, string>> = { en, ru };

/** Index of the plural form of `n`: English one|many; Russian one|few|many (1, 21; 2-4, 22-24; else). */
function pluralForm(locale: Locale, n: number): number {
  if (locale === 'en') return n === 1 ? 0 : 1;
  const n10 = n % 10;
  const n100 = n % 100;
  if (n10 === 1 && n100 !== 11) return 0;
  if (n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14)) return 1;
  return 2;
}

function make(locale: Locale): Translator {
  const catalog = CATALOGS[locale];
  const t = (key: MessageKey, args?: MessageArgs): string => {
    let template: string = catalog[key] ?? en[key] ?? key;
    if (template.includes('|')) {
      const forms = template.split('|');
      const n = Number(args?.n ?? 0);
      template = forms[Math.min(pluralForm(locale, n), forms.length - 1)];
    }
    if (!args) return template;
    // One pass: a value that itself holds `{x}` (a code, a path) is not filled again.
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(args, name) ? String(args[name]) : whole));
  };
  const noun = (kind: string, c: Case = 'nom'): string => {
    const key = (c === 'nom' ? `noun.${kind}` : `noun.${kind}.${c}`) as MessageKey;
    return Object.hasOwn(catalog, key) ? catalog[key] : kind;
  };
  return { locale, t, noun };
}

const TRANSLATORS: Record<Locale, Translator> = { en: make('en'), ru: make('ru') };

/** The English translator: the default of every function that takes one. */
export const english: Translator = TRANSLATORS.en;

/** The translator of a language. */
export function translator(locale: Locale): Translator {
  return TRANSLATORS[locale];
}

export type { MessageKey };
