import { RequestType } from 'vscode-languageserver';
import { buildGraph } from '../../core/graph/build';
import type { GraphLevel, ReferenceGraph } from '../../core/graph/types';
import { HandlerContext, modelOf } from '../context';
import { runSafe } from '../runner';

/** Parameters of `isola/graph`: a manifest of the project, and optionally which package and level. */
export interface GraphParams {
  /** A manifest of the project (and, without `package`, of the package to draw: the one it is checked in). */
  uri: string;
  /** Code of the package to draw (with `kind` when two packages share it). */
  package?: string;
  kind?: string;
  level?: GraphLevel;
}

/**
 * Client → server: the reference graph of a package, drawn from the server's current model
 * (pending edits applied first; one graph per model snapshot, kept while the snapshot lives),
 * for a view that shows it. Answers an error sentence when there is no such package.
 */
export const GraphRequest = new RequestType<GraphParams, { graph?: ReferenceGraph; error?: string }, void>('isola/graph');

/** Registers `isola/graph`: thin, the core draws the graph. */
export function registerGraph(ctx: HandlerContext): void {
  ctx.connection.onRequest(GraphRequest, (params, token) =>
    runSafe(ctx.log, token, { error: 'the graph could not be drawn (see the Isola output)' }, 'graph', async () => {
      const model = await modelOf(ctx, params.uri);
      if (!model) return { error: `${params.uri} is not a manifest of an open project` };
      const { manifest } = model;
      // Without a package: the one the manifest's diagnostics come from (its own, for a unit in `isola.check.alone`).
      const project = params.package === undefined ? ctx.workspace.checkedView(model.project, manifest) : model.project;
      const pkg = params.package === undefined
        ? project.packageOf(manifest)
        : project.packages.find((p) => p.code === params.package && (!params.kind || p.kind === params.kind));
      if (!pkg) return { error: params.package === undefined ? 'this manifest belongs to no package' : `no package "${params.package}"` };
      return { graph: buildGraph(project, pkg, params.level ?? 'namespace') };
    }),
  );
}
