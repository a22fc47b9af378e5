import type { CheckResult } from '../core/check';
import { english, fromProcessEnv, localeOf, Locale, translator, Translator } from '../core/l10n';
import { formatText } from '../core/report/text';
import { UsageError } from './usage';

/**
 * Takes `--lang en|ru` (or `--lang=ru`) out of the arguments, wherever it stands before `--`: it
 * is a global option, accepted before and after the command name. Without it the language is
 * the environment's (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set).
 */
export function takeLanguage(argv: string[], env: NodeJS.ProcessEnv): { argv: string[]; translator: Translator } {
  const rest: string[] = [];
  let asked: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--lang') {
      asked = argv[++i] ?? '';
    } else if (a.startsWith('--lang=')) {
      asked = a.slice('--lang='.length);
    } else {
      rest.push(a);
    }
  }
  const fallback = translator(fromProcessEnv(env));
  if (asked === undefined) return { argv: rest, translator: fallback };
  const locale: Locale | undefined = /^[a-z]{2}$/i.test(asked) ? localeOf(asked) : undefined;
  if (!locale) throw new UsageError(fallback.t('cli.unknownLang', { lang: asked }));
  return { argv: rest, translator: translator(locale) };
}

/**
 * `file:line:col severity code message` lines and the summary line, in the translator's
 * language. The severity word stays English, as in compilers' output: editors' problem
 * matchers and scripts read it.
 */
export function formatFindings(result: CheckResult, t: Translator = english): string {
  if (t.locale === 'en') return formatText(result);
  const lines = result.diagnostics.map(
    (d) => `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}`,
  );
  const s = result.summary;
  lines.push(t.t('cli.summary', {
    errors: t.t('cli.count.error', { n: s.errors }),
    warnings: t.t('cli.count.warning', { n: s.warnings }),
    infos: t.t('cli.count.info', { n: s.infos }),
    files: t.t('cli.count.manifest', { n: s.files }),
  }));
  return lines.join('\n') + '\n';
}
