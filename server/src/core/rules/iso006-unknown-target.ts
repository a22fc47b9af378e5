import type { Project } from '../manifest/project';
import type { Resolution } from '../manifest/resolve';
import { ENTITY_NOUN } from '../manifest/kinds';
import { GLOBAL_NAMESPACE } from '../manifest/types';
import { Finding, finding, Rule, RuleContext } from './rule';
import { closest } from './words';

/** ISO006: a reference whose target exists nowhere. */
export const iso006: Rule = {
  code: 'ISO006',
  severity: 'error',
  title: 'Unknown reference',
  description: 'A reference whose target exists neither in the project nor in the built-in catalog.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg) return [];
    const out: Finding[] = [];
    for (const ref of m.references) {
      // Outside a configuration, org-chart and global references are ISO002/ISO003 whatever they name.
      if (pkg.kind !== 'configuration' && (ref.kind === 'orgUnit' || ref.text.startsWith(GLOBAL_NAMESPACE + '.'))) continue;
      const r = ctx.project.resolve(ref);
      if (r.targets.length > 0 || r.builtin) continue;
      const noun = ENTITY_NOUN[ref.kind];
      // While typing, a reference is often empty for a moment: say what belongs there, not that `` exists nowhere.
      if (ref.text.trim() === '') {
        const form = ref.kind === 'orgUnit' ? '`code`' : '`code` (in this namespace) or `namespace.code`';
        out.push(finding(this, m, ctx, { path: ref.path }, `Empty ${noun} reference: ${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun} is expected here, as ${form}`));
        continue;
      }
      const suggestions = suggest(r, ctx);
      const where = r.form === 'qualified' && !r.namespaceKnown
        ? `namespace \`${r.namespace}\` exists nowhere (not in this project, not built in)`
        : `no ${noun} \`${r.code}\` exists in ${scopeWords(r)}`;
      const hint = suggestions.length ? `: did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?` : '';
      out.push(finding(this, m, ctx, { path: ref.path }, `Unknown ${noun} \`${ref.text}\`: ${where}${hint}`, { suggestions }));
    }
    return out;
  },
};

function scopeWords(r: Resolution): string {
  if (r.form === 'orgUnit') return 'the org chart';
  if (r.form === 'global') return 'the global objects';
  if (r.builtinNamespace) return `built-in namespace \`${r.namespace}\` (${r.builtinNamespace.title})`;
  return `namespace \`${r.namespace}\``;
}

/** Suggestions already computed per project, by everything they depend on: a typo is often copied to many manifests. */
const memo = new WeakMap<Project, Map<string, string[]>>();

/** Candidates written the way the user would write them from this manifest. */
function suggest(r: Resolution, ctx: RuleContext): string[] {
  const here = r.ref.manifest.namespace ?? r.namespace;
  // A known namespace narrows the guess to it (and keeps the cost to one namespace's entities).
  const within = r.namespaceKnown && r.form !== 'orgUnit' ? r.namespace : undefined;
  const key = `${r.ref.kind}\u0000${r.form}\u0000${within ?? '\u0001'}\u0000${r.form === 'local' ? here : ''}\u0000${r.ref.text}`;
  let known = memo.get(ctx.project);
  if (!known) memo.set(ctx.project, (known = new Map()));
  const hit = known.get(key);
  if (hit) return hit.slice();
  const names: string[] = [];
  for (const c of ctx.project.suggestionCandidates(r.ref.kind, within)) {
    if (r.form === 'orgUnit') names.push(c.code);
    else if (c.namespace === here && r.form === 'local') names.push(c.code);
    else names.push(c.name);
  }
  for (const b of ctx.project.catalog.entitiesOfKind(r.ref.kind)) if (within === undefined || b.namespace === within) names.push(`${b.namespace}.${b.code}`);
  const found = closest(r.ref.text, names);
  known.set(key, found);
  return found.slice();
}
