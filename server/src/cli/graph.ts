import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildGraph } from '../core/graph/build';
import { toDot } from '../core/graph/dot';
import { toMermaid } from '../core/graph/mermaid';
import { toSvg } from '../core/graph/svg';
import type { GraphLevel, ReferenceGraph } from '../core/graph/types';
import { nodeFileHost } from '../core/manifest/host';
import { loadProject } from '../core/manifest/project';
import { translatorOf } from './lang';
import { assertFolder, pickPackage } from './projectArgs';
import { ExitCode, Io, UsageError } from './usage';

const FORMATS = ['dot', 'mermaid', 'json', 'svg'] as const;
const LEVELS: readonly GraphLevel[] = ['namespace', 'entity'];

const RENDER: Record<(typeof FORMATS)[number], (g: ReferenceGraph) => string> = {
  dot: toDot,
  mermaid: toMermaid,
  json: (g) => JSON.stringify(g, null, 2) + '\n',
  svg: toSvg,
};

/**
 * `isola graph [DIR] --package CODE [--kind KIND] [--level namespace|entity] [--format dot|mermaid|json|svg]`:
 * prints the references of one package (what the check judges, as a picture). Exits 0 whatever
 * the graph shows: `isola check` is what fails on findings.
 */
export async function runGraph(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { package: { type: 'string' }, kind: { type: 'string' }, level: { type: 'string', default: 'namespace' }, format: { type: 'string', default: 'dot' } },
  });
  // The refusals in the user's language; the graph itself is a file format.
  const t = translatorOf(io);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(t.t('cli.unknownFormatOf', { format: String(values.format), formats: FORMATS.join(', ') }));
  const level = values.level as GraphLevel;
  if (!LEVELS.includes(level)) throw new UsageError(t.t('cli.graph.unknownLevel', { level: String(values.level) }));
  if (positionals.length > 1) throw new UsageError(t.t('cli.oneFolder', { command: 'graph', n: positionals.length, folders: positionals.join(' ') }));
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  await assertFolder(dir, t);
  const project = await loadProject(dir, nodeFileHost);
  const pkg = pickPackage(project, values.package, values.kind, t);
  io.out(RENDER[format](buildGraph(project, pkg, level)));
  return 0;
}
