import { declaredLanguages, packageLanguageSource, sameLanguages } from '../manifest/packageInputs';
import { Finding, finding, Rule } from './rule';

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
    const why = sameSet ? 'the same languages in another order' : 'other languages';
    const by = source === pkg.root ? `${pkg.kind} \`${pkg.code}\`` : `${source.kind} \`${source.code}\`, which sets the languages of ${pkg.kind} \`${pkg.code}\``;
    out.push(finding(this, m, ctx, { path: ['languages'] },
      `Languages ${JSON.stringify(mine)} differ from ${JSON.stringify(theirs)} of ${by} (${why}): a package carries one list of languages, ` +
      `which the environment must have in the same order; declare ${JSON.stringify(theirs)} here, and \`isola build\` refuses the package until the members agree`));
    return out;
  },
};
