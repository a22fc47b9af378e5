import { declaredLanguages, packageLanguageSource, sameLanguages } from '../manifest/packageInputs';
import { Finding, finding, Rule } from './rule';
import { packageLabel } from './words';

/**
 * MAN005: members of one package declare different languages. A package carries one list of
 * languages, and an environment takes a package only when its languages are the same ones in the
 * same order, so members that disagree cannot travel together.
 */
export const man005: Rule = {
  code: 'MAN005',
  severity: 'error',
  title: 'Members declare different languages',
  description: 'A member of a package declares `languages` that differ from the package\'s (other languages, or the same in another order); a package carries one list of languages.',
  check(m, ctx) {
    const out: Finding[] = [];
    const pkg = ctx.pkg;
    const mine = declaredLanguages(m);
    if (!pkg || !mine) return out;
    const source = packageLanguageSource(pkg);
    if (!source || source === m) return out;
    const theirs = declaredLanguages(source)!;
    if (sameLanguages(mine, theirs)) return out;
    const sameSet = mine.length === theirs.length && mine.every((l) => theirs.includes(l));
    const { t } = ctx;
    const why = t.t(sameSet ? 'man005.order' : 'man005.other');
    const pkgGen = packageLabel(pkg, t, 'gen');
    const byGen = source === pkg.root ? pkgGen : t.t('man005.by', { kind: t.noun(source.kind!, 'gen'), code: String(source.code), pkgGen });
    out.push(finding(this, m, ctx, { path: ['languages'] },
      t.t('man005', { mine: JSON.stringify(mine), theirs: JSON.stringify(theirs), byGen, why })));
    return out;
  },
};
