import { checkPackage, type Diagnostic } from '../../core/check';
import type { Project } from '../../core/manifest/project';
import type { Package } from '../../core/manifest/types';
import { packageManifests } from '../../core/packaging/cards';
import { dataSources } from '../../core/packaging/dataOrder';
import { FindingCounts, PackageInfoRequest, PackagesRequest, PackageSummary, RecheckRequest } from '../../protocol';
import { absOf, toPath, toUri } from '../convert';
import { HandlerContext } from '../context';

function count(diags: Iterable<Diagnostic>, into: FindingCounts = { errors: 0, warnings: 0, infos: 0 }): FindingCounts {
  for (const d of diags) {
    if (d.severity === 'error') into.errors++;
    else if (d.severity === 'warning') into.warnings++;
    else into.infos++;
  }
  return into;
}

function summary(ctx: HandlerContext, project: Project, pkg: Package): PackageSummary {
  const counts: FindingCounts = { errors: 0, warnings: 0, infos: 0 };
  const errorCodes: string[] = [];
  const files = new Set<string>();
  for (const m of pkg.members) {
    files.add(m.absPath);
    for (const l of m.links) if (l.role === 'script') files.add(l.absPath);
  }
  // A unit that a larger package holds is counted with the findings it has alone, as its build checks it.
  const alone = project.packageOf(pkg.root) !== pkg ? checkPackage(project, pkg).diagnostics : undefined;
  for (const diags of alone ? [alone] : [...files].map((f) => ctx.workspace.diagnostics(f))) {
    count(diags, counts);
    for (const d of diags) if (d.severity === 'error') errorCodes.push(d.code);
  }
  const version = (pkg.root.value as { version?: unknown }).version;
  return {
    kind: pkg.kind, code: pkg.code, title: pkg.root.title, uri: toUri(absOf(project.root, pkg.root.file)), counts, errorCodes,
    dataApps: dataSources(packageManifests(project, pkg)).map((s) => s.app),
    version: typeof version === 'string' ? version : undefined,
  };
}

/** The custom requests of `protocol.ts`: package of a manifest, all packages, re-check. */
export function registerPackageRequests(ctx: HandlerContext): void {
  ctx.connection.onRequest(PackageInfoRequest, async ({ uri }) => {
    const abs = toPath(uri);
    await ctx.started;
    await ctx.workspace.sync();
    const model = abs ? ctx.workspace.projectOf(abs) : undefined;
    const pkg = model && model.project.packageOf(model.manifest);
    return { package: pkg && summary(ctx, model.project, pkg) };
  });
  ctx.connection.onRequest(PackagesRequest, async () => {
    await ctx.started;
    await ctx.workspace.sync();
    return ctx.workspace.projects().flatMap((p) => p.packages.map((pkg) => summary(ctx, p, pkg)));
  });
  ctx.connection.onRequest(RecheckRequest, async () => {
    await ctx.started;
    await ctx.workspace.reloadAll();
    const counts = { errors: 0, warnings: 0, infos: 0, files: 0 };
    for (const [, diags] of ctx.workspace.allDiagnostics()) count(diags, counts);
    counts.files = ctx.workspace.projects().reduce((n, p) => n + p.manifests.length, 0);
    return counts;
  });
}
