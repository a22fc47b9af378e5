import { buildGraph } from '../../core/graph/build';
import { GraphRequest } from '../../protocol';
import { HandlerContext, modelOf } from '../context';
import { toUri } from '../convert';
import { runSafe } from '../runner';

/** Registers `isola/graph` (declared in protocol.ts): thin, the core draws the graph. */
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
      return { graph: buildGraph(project, pkg, params.level ?? 'namespace'), root: toUri(project.root) };
    }),
  );
}
