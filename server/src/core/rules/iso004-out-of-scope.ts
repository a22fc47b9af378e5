import type { Project } from '../manifest/project';
import type { Package } from '../manifest/types';
import { ENTITY_NOUN } from '../manifest/kinds';
import { referenceVerdict } from '../manifest/verdict';
import { Finding, finding, Rule } from './rule';
import { packageLabel } from './words';

/** ISO004: a reference into a namespace the package does not carry. */
export const iso004: Rule = {
  code: 'ISO004',
  severity: 'error',
  title: 'Reference outside the package',
  description: 'A reference to an entity of a namespace outside the package scope that is not built in; the way out is to export both in one solution.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg) return [];
    const out: Finding[] = [];
    for (const ref of m.references) {
      const r = ctx.project.resolve(ref);
      if (referenceVerdict(r).code !== 'ISO004') continue;
      const target = r.targets[0];
      const what = `${ENTITY_NOUN[ref.kind]} \`${ref.text}\``;
      const home = namespaceLabel(ctx.project, target.namespace);
      const way = wayOut(ctx.project, pkg, target.namespace, target.manifest.file);
      out.push(finding(this, m, ctx, { path: ref.path },
        `${capital(what)} belongs to ${home}, outside ${packageLabel(pkg)}: ${way.text}`,
        { namespace: target.namespace, targetFile: target.manifest.file, ...way.data }));
    }
    return out;
  },
};

/** "workspace `hr`", "module `tax`", "solution `payments`" or "namespace `x`". */
export function namespaceLabel(project: Project, ns: string): string {
  // Per-project maps: this runs for findings and completion items, so no scan of the manifests here.
  const defining = project.firstWithCode('namespace', ns);
  if (defining) return `${defining.kind} \`${ns}\``;
  if (project.isSolutionCode(ns)) return `solution \`${ns}\``;
  return `namespace \`${ns}\``;
}

interface WayOut {
  text: string;
  data: Record<string, unknown>;
}

/** Names the way out of an ISO004: which manifest to add to which solution. */
function wayOut(project: Project, pkg: Package, ns: string, targetFile: string): WayOut {
  const target = namespaceLabel(project, ns);
  switch (pkg.kind) {
    case 'solution':
      return { text: `add ${target} (${targetFile}) to solution \`${pkg.code}\``, data: { fix: 'addToSolution', solution: pkg.code, solutionFile: pkg.root.file } };
    case 'configuration':
      return { text: `include ${target} (${targetFile}) in configuration \`${pkg.code}\``, data: { fix: 'addToSolution', solution: pkg.code, solutionFile: pkg.root.file } };
    case 'app': {
      if (ns === pkg.root.namespace) {
        return { text: `an app package carries only app \`${pkg.code}\`; export workspace \`${ns}\` instead, which carries both`, data: { fix: 'exportWorkspace' } };
      }
      return { text: `an app package carries only app \`${pkg.code}\`; export a solution that includes \`${pkg.root.namespace}\` and \`${ns}\``, data: { fix: 'createSolution' } };
    }
    default: {
      const ownGroups = project.solutionPackage(ns);
      if (ownGroups) {
        return {
          text: `add ${packageLabel(pkg)} to solution \`${ns}\`, which declares it`,
          data: { fix: 'addToSolution', solution: ns, solutionFile: ownGroups.root.file, member: pkg.root.file },
        };
      }
      const holder = project.solutionHolding(ns);
      // Checked or built alone, a member of the solution that holds the target: adding it again fixes nothing.
      if (holder && holder.members.includes(pkg.root)) {
        return { text: `it resolves in solution \`${holder.code}\`, which includes both: build or export the solution instead`, data: { fix: 'exportSolution', solution: holder.code } };
      }
      if (holder) {
        return {
          text: `add ${packageLabel(pkg)} to solution \`${holder.code}\`, which already includes ${target}`,
          data: { fix: 'addToSolution', solution: holder.code, solutionFile: holder.root.file, member: pkg.root.file },
        };
      }
      return { text: `create a solution that includes both ${packageLabel(pkg)} and ${target}`, data: { fix: 'createSolution', member: pkg.root.file } };
    }
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
