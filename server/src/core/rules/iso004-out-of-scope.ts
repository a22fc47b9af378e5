import type { Project } from '../manifest/project';
import type { Package } from '../manifest/types';
import { Case, english, Translator } from '../l10n';
import { referenceVerdict } from '../manifest/verdict';
import { Finding, finding, Rule } from './rule';
import { capital, kindLabel, packageLabel } from './words';

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
      const { t } = ctx;
      const what = capital(kindLabel(ref.kind, ref.text, t));
      const homeGen = namespaceLabel(ctx.project, target.namespace, t, 'gen');
      // A solution carries namespaces through the workspaces and modules it includes, not through
      // app manifests: the way out names the manifest that declares the target's namespace.
      const declaring = ctx.project.firstWithCode('namespace', target.namespace);
      const targetFile = declaring?.file ?? target.manifest.file;
      const way = declaring || !undeclaredMatters(ctx.project, pkg, target.namespace)
        ? wayOut(ctx.project, pkg, target.namespace, targetFile, t)
        : undeclaredWay(ctx.project, pkg, target.namespace, t);
      out.push(finding(this, m, ctx, { path: ref.path },
        t.t('iso004', { what, homeGen, pkgGen: packageLabel(pkg, t, 'gen'), way: way.text }),
        { namespace: target.namespace, targetFile, ...way.data }));
    }
    return out;
  },
};

/** "workspace `hr`", "module `tax`", "solution `payments`" or "namespace `x`" (in Russian, in a case). */
export function namespaceLabel(project: Project, ns: string, t: Translator = english, c: Case = 'nom'): string {
  // Per-project maps: this runs for findings and completion items, so no scan of the manifests here.
  const defining = project.firstWithCode('namespace', ns);
  if (defining) return kindLabel(defining.kind!, ns, t, c);
  if (project.isSolutionCode(ns)) return kindLabel('solution', ns, t, c);
  return kindLabel('namespace', ns, t, c);
}

interface WayOut {
  text: string;
  data: Record<string, unknown>;
}

/**
 * Whether a namespace no workspace or module manifest declares leaves this package without the
 * usual way out. A solution takes only workspaces and modules, and carries a namespace only
 * through them: adding the app manifest (or another solution) that holds the target would be a
 * MAN003 and leave the reference outside. A configuration carries the namespaces of the app
 * manifests it includes, and a solution's own groups are reached through that solution.
 */
function undeclaredMatters(project: Project, pkg: Package, ns: string): boolean {
  if (pkg.kind === 'solution') return true;
  return (pkg.kind === 'workspace' || pkg.kind === 'module') && !project.isSolutionCode(ns);
}

/** The way out when the project has no manifest of the target's namespace: no quick fix can make one up. */
function undeclaredWay(project: Project, pkg: Package, ns: string, t: Translator): WayOut {
  if (project.isSolutionCode(ns)) return { text: t.t('iso004.way.otherSolution', { ns, solution: pkg.code }), data: {} };
  if (pkg.kind === 'solution') return { text: t.t('iso004.way.undeclaredIn', { ns, solution: pkg.code }), data: {} };
  return { text: t.t('iso004.way.undeclared', { ns, pkgAcc: packageLabel(pkg, t, 'acc') }), data: {} };
}

/** Names the way out of an ISO004: which manifest to add to which solution. */
function wayOut(project: Project, pkg: Package, ns: string, targetFile: string, t: Translator): WayOut {
  const targetAcc = namespaceLabel(project, ns, t, 'acc');
  const pkgAcc = packageLabel(pkg, t, 'acc');
  switch (pkg.kind) {
    case 'solution':
      return { text: t.t('iso004.way.solution', { targetAcc, file: targetFile, solution: pkg.code }), data: { fix: 'addToSolution', solution: pkg.code, solutionFile: pkg.root.file } };
    case 'configuration':
      return { text: t.t('iso004.way.configuration', { targetAcc, file: targetFile, solution: pkg.code }), data: { fix: 'addToSolution', solution: pkg.code, solutionFile: pkg.root.file } };
    case 'app': {
      if (ns === pkg.root.namespace) {
        return { text: t.t('iso004.way.appOwn', { app: pkg.code, ns }), data: { fix: 'exportWorkspace' } };
      }
      return { text: t.t('iso004.way.appOther', { app: pkg.code, own: String(pkg.root.namespace), ns }), data: { fix: 'createSolution' } };
    }
    default: {
      const ownGroups = project.solutionPackage(ns);
      if (ownGroups) {
        return {
          text: t.t('iso004.way.declared', { pkgAcc, solution: ns }),
          data: { fix: 'addToSolution', solution: ns, solutionFile: ownGroups.root.file, member: pkg.root.file },
        };
      }
      const holder = project.solutionHolding(ns);
      // Checked or built alone, a member of the solution that holds the target: adding it again fixes nothing.
      if (holder && holder.members.includes(pkg.root)) {
        return { text: t.t('iso004.way.member', { solution: holder.code }), data: { fix: 'exportSolution', solution: holder.code } };
      }
      if (holder) {
        return {
          text: t.t('iso004.way.holder', { pkgAcc, solution: holder.code, targetAcc }),
          data: { fix: 'addToSolution', solution: holder.code, solutionFile: holder.root.file, member: pkg.root.file },
        };
      }
      return { text: t.t('iso004.way.create', { pkgAcc, targetAcc }), data: { fix: 'createSolution', member: pkg.root.file } };
    }
  }
}
