/**
 * Which language a request, a process or a client asks for. Apart from the catalogs: the CLI's
 * dispatcher reads `--lang` and the locale with this alone, and loads messages only in the
 * command that prints them.
 */

/** The languages Isola speaks; English is the fallback for everything else. */
export type Locale = 'en' | 'ru';

export const LOCALES: readonly Locale[] = ['en', 'ru'];

/**
 * The locale a language tag or a POSIX locale names, or undefined when Isola does not speak it:
 * `ru`, `ru-RU`, `ru_RU.UTF-8` → ru; `en-GB`, `C`, `POSIX` → en.
 */
export function localeOf(tag: string | undefined | null): Locale | undefined {
  if (!tag) return undefined;
  const t = tag.trim().toLowerCase();
  if (t === 'c' || t === 'posix' || t.startsWith('c.')) return 'en';
  const primary = /^([a-z]{2,3})(?:[-_.@]|$)/.exec(t)?.[1];
  return LOCALES.find((l) => l === primary);
}

/**
 * The best locale of an `Accept-Language` header (RFC 9110 §12.5.4): the spoken language with
 * the highest q-value, the earlier on a tie; English when none is spoken.
 */
export function fromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return 'en';
  let best: { locale: Locale; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.split(';');
    const qParam = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const locale = tag.trim() === '*' ? 'en' : localeOf(tag);
    if (locale && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? 'en';
}

/**
 * The locale of a process environment, as gettext reads it: the first non-empty of `LC_ALL`,
 * `LC_MESSAGES` and `LANG`; English when it names no language Isola speaks.
 */
export function fromProcessEnv(env: NodeJS.ProcessEnv): Locale {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const v = env[name];
    if (v) return localeOf(v) ?? 'en';
  }
  return 'en';
}
