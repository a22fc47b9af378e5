import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PackageError, PackageReader } from '../core/packaging/reader';
import { STEPS } from '../core/packaging/format';
import { oneLine } from '../core/oneLine';
import { formatBytes } from './build';
import { translatorOf } from './lang';
import { ExitCode, Io, UsageError } from './usage';

/** `isola inspect FILE [--format text|json]`: the descriptor, the import steps with their cards, the entries; everything verified. */
export async function runInspect(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'text' } } });
  const t = translatorOf(io);
  if (positionals.length !== 1) throw new UsageError(t.t('cli.usage', { synopsis: 'isola inspect FILE [--format text|json]' }));
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(t.t('cli.unknownFormat.textJson', { format: String(values.format) }));
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
    // Words in the user's language; kinds of cards, steps, option values and codes as the package has them.
    const lines = [
      `${t.noun(d.kind)} ${d.code}${d.version ? ` ${d.version}` : ''}${d.title ? ` — ${d.title}` : ''}`,
      `  ${t.t('cli.inspect.format', { format: d.format, formatVersion: d.formatVersion, createdAt: d.createdAt, createdBy: d.createdBy, tool: `${d.tool.name} ${d.tool.version}` })}`,
      `  ${t.t('cli.inspect.source', { source: d.source })}`,
      ...(d.comment ? [`  ${t.t('cli.inspect.comment', { comment: d.comment })}`] : []),
      ...(d.platform || d.languages ? [`  ${t.t('cli.inspect.platform', { platform: d.platform ?? t.t('cli.inspect.anyPlatform'), languages: (d.languages ?? []).join(', ') || t.t('cli.none') })}`] : []),
      `  ${t.t('cli.inspect.options', { design: d.options.design, data: Array.isArray(d.options.data) ? d.options.data.join(', ') : d.options.data })}` +
        (d.options.dataOrder ? t.t('cli.inspect.dataOrder', { order: d.options.dataOrder.join(' → ') }) : ''),
      t.t('cli.inspect.steps'),
    ];
    for (const s of steps) {
      if (!s.cards.length) continue;
      lines.push(`  ${s.step} (${s.cards.length})`);
      for (const c of s.cards) lines.push(`    ${c.type.padEnd(12)} ${c.id}${c.deleted ? `  ${t.t('cli.inspect.deleted')}` : ''}`);
    }
    if (d.data.length) {
      lines.push(t.t('cli.inspect.data'));
      for (const set of d.data) lines.push(`  ${t.t('cli.inspect.dataSet', { app: set.app, records: set.records, chunks: set.chunks.length })}`);
    }
    const bytes = d.entries.reduce((n, e) => n + e.size, 0);
    lines.push(t.t('cli.inspect.summary', { entries: d.entries.length + 1, size: formatBytes(bytes) }));
    // The descriptor's strings are the package's word: a title holding an escape sequence or a
    // line break must neither drive the terminal nor forge a line ("every checksum verified").
    io.out(lines.map((l) => oneLine(l, Infinity)).join('\n') + '\n');
    return 0;
  } catch (e) {
    if (e instanceof PackageError) throw new UsageError(`${positionals[0]}: ${e.message}`);
    throw e;
  } finally {
    reader.close();
  }
}
