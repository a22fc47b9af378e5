import type { CheckResult } from '../core/check';
import { english, translator, Translator } from '../core/l10n';
import { formatText } from '../core/report/text';
import type { Io } from './usage';

/** The translator of a command's output: the dispatcher's locale, English when none. */
export function translatorOf(io: Io): Translator {
  return translator(io.locale ?? 'en');
}

/**
 * `file:line:col severity code message` lines and the summary line, in the translator's
 * language. The severity word stays English, as in compilers' output: editors' problem
 * matchers and scripts read it.
 */
export function formatFindings(result: CheckResult, t: Translator = english): string {
  const text = formatText(result);
  if (t.locale === 'en') return text;
  const s = result.summary;
  const summary = t.t('cli.summary', {
    errors: t.t('cli.count.error', { n: s.errors }),
    warnings: t.t('cli.count.warning', { n: s.warnings }),
    infos: t.t('cli.count.info', { n: s.infos }),
    files: t.t('cli.count.manifest', { n: s.files }),
  });
  // The finding lines as `formatText` writes them; only its last line, the summary, has words.
  return text.replace(/[^\n]*\n$/, () => `${summary}\n`);
}
