import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PackageError, PackageReader } from '../core/packaging/reader';
import { STEPS } from '../core/packaging/format';
import { formatBytes } from './build';
import { ExitCode, Io, UsageError } from './usage';

/** `isola inspect FILE [--format text|json]`: the descriptor, the import steps with their cards, the entries; everything verified. */
export async function runInspect(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'text' } } });
  if (positionals.length !== 1) throw new UsageError('usage: isola inspect FILE [--format text|json]');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}": use text or json`);
  const file = path.resolve(io.cwd, positionals[0]);
  let reader: PackageReader;
  try {
    reader = await PackageReader.open(file);
  } catch (e) {
    throw new UsageError(`${positionals[0]}: ${e instanceof PackageError ? e.message : (e as Error).message}`);
  }
  try {
    await reader.verify();
    const cards = await reader.cards();
    const d = reader.descriptor;
    const steps = STEPS.map((step) => ({
      step,
      cards: cards.filter((c) => c.path.startsWith(`${step}/`)).map((c) => ({ path: c.path, id: c.card.id, type: c.card.type, deleted: c.card.deleted, hash: c.card.hash })),
    }));
    if (values.format === 'json') {
      const { entries, ...descriptor } = d;
      io.out(JSON.stringify({ descriptor, steps, entries, verified: true }, null, 2) + '\n');
      return 0;
    }
    const lines = [
      `${d.kind} ${d.code}${d.version ? ` ${d.version}` : ''}${d.title ? ` — ${d.title}` : ''}`,
      `  ${d.format} format ${d.formatVersion}, built ${d.createdAt} by ${d.createdBy} with ${d.tool.name} ${d.tool.version}`,
      `  source: ${d.source}`,
      ...(d.comment ? [`  comment: ${d.comment}`] : []),
      ...(d.platform || d.languages ? [`  platform ${d.platform ?? 'any'}, languages ${(d.languages ?? []).join(', ') || 'none'}`] : []),
      `  options: design ${d.options.design}, data ${Array.isArray(d.options.data) ? d.options.data.join(', ') : d.options.data}` +
        (d.options.dataOrder ? ` (import order: ${d.options.dataOrder.join(' → ')})` : ''),
      'Import steps:',
    ];
    for (const s of steps) {
      if (!s.cards.length) continue;
      lines.push(`  ${s.step} (${s.cards.length})`);
      for (const c of s.cards) lines.push(`    ${c.type.padEnd(12)} ${c.id}${c.deleted ? '  [deleted]' : ''}`);
    }
    if (d.data.length) {
      lines.push('Data:');
      for (const set of d.data) lines.push(`  ${set.app}: ${set.records} records in ${set.chunks.length} chunk(s)`);
    }
    const bytes = d.entries.reduce((n, e) => n + e.size, 0);
    lines.push(`${d.entries.length + 1} entries, ${formatBytes(bytes)} uncompressed; every checksum verified.`);
    io.out(lines.join('\n') + '\n');
    return 0;
  } catch (e) {
    if (e instanceof PackageError) throw new UsageError(`${positionals[0]}: ${e.message}`);
    throw e;
  } finally {
    reader.close();
  }
}
