import { ENTITY_NOUN } from '../manifest/kinds';
import { explainReference, explanationMarkdown } from '../graph/explain';
import { referenceVerdict } from '../manifest/verdict';
import type { Project } from '../manifest/project';
import type { Resolution } from '../manifest/resolve';
import type { EntityDecl } from '../manifest/types';
import { namespaceLabel } from '../rules/iso004-out-of-scope';
import { packageLabel } from '../rules/words';
import { SymbolAt } from './locations';
import { referencesTo } from './navigation';

/** Markdown for a hover over a reference or a declaration. */
export function hoverMarkdown(project: Project, s: SymbolAt): string {
  return s.kind === 'reference' ? referenceHover(project, project.resolve(s.ref)) : declarationHover(project, s.entity);
}

function title(t: string | undefined): string {
  return t ? ` — ${t}` : '';
}

function referenceHover(project: Project, r: Resolution): string {
  const noun = ENTITY_NOUN[r.ref.kind];
  const head = `**${noun}** \`${r.ref.text}\``;
  const pkg = packageLabel(r.pkg);
  if (r.ref.kind === 'orgUnit' && r.pkg.kind !== 'configuration') {
    return `${head}\n\nOrg-chart unit. ✗ Breaks isolation: the org chart travels only with a configuration, not with ${pkg} (ISO002).`;
  }
  if (r.form === 'global' && r.pkg.kind !== 'configuration') {
    return `${head}\n\nGlobal object. ✗ Breaks isolation: ${pkg} cannot carry company-level objects (ISO003).`;
  }
  if (r.builtin) {
    const ns = r.builtinNamespace!;
    const lic = ns.licensed ? `\n\n⚠ Licensed: a target environment without the ${ns.title} licence lacks it (ISO007).` : '';
    return `${head}${title(r.builtin.title)}\n\nBuilt-in ${noun} of ${ns.title} (\`${ns.code}\`): every environment has it, so it never breaks isolation.${lic}`;
  }
  const t = r.targets[0];
  if (!t) return `${head}\n\n✗ Not found in this project or the built-in catalog (ISO006).`;
  const where = `Declared in ${namespaceLabel(project, t.namespace)} (${t.manifest.file}).`;
  let verdict: string;
  if (!r.inScope) verdict = `✗ Breaks isolation: outside ${pkg} (ISO004).`;
  else if (r.viaSolution) verdict = `✓ Inside ${pkg}, but only through the solution: the manifest alone cannot be exported (ISO009).`;
  else verdict = `✓ Inside ${pkg}.`;
  const deleted = t.deleted ? '\n\n_Marked deleted._' : '';
  // A finding of ISO004 or ISO009 names the way from the package's root to the target.
  const code = referenceVerdict(r).code;
  const x = code === 'ISO004' || code === 'ISO009' ? explainReference(project, r.ref) : undefined;
  const path = x ? `\n\n${explanationMarkdown(x)}` : '';
  return `${head}${title(t.title)}\n\n${where}\n\n${verdict}${deleted}${path}`;
}

function declarationHover(project: Project, e: EntityDecl): string {
  const pkg = project.packageOf(e.manifest);
  const n = referencesTo(project, e).length;
  const lines = [`**${ENTITY_NOUN[e.kind]}** \`${e.code}\`${title(e.title)}`];
  lines.push(`\`${e.id}\` in ${e.parent ? `${ENTITY_NOUN[e.parent.kind]} \`${e.parent.code}\`` : namespaceLabel(project, e.namespace)}` +
    (pkg ? `, exported with ${packageLabel(pkg)}` : ''));
  if (!e.parent) lines.push(`${n} reference${n === 1 ? '' : 's'} in this project.`);
  if (e.deleted) lines.push('_Marked deleted: still exported; the flag is set on import._');
  return lines.join('\n\n');
}
