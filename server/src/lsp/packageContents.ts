import { STEPS } from '../core/packaging/format';
import type { PackageReader } from '../core/packaging/reader';
import type { PackageContents } from '../protocol';

/** What the Package Contents view shows: the descriptor, the steps with their cards, the data. */
export async function contentsOf(reader: PackageReader): Promise<PackageContents> {
  const cards = await reader.cards();
  const { entries, ...descriptor } = reader.descriptor;
  return {
    descriptor: descriptor as PackageContents['descriptor'],
    steps: STEPS.map((step) => ({
      step,
      cards: cards
        .filter((c) => c.path.startsWith(`${step}/`))
        .map(({ path, card }) => ({
          path, id: card.id, type: card.type, code: card.code, namespace: card.namespace, deleted: card.deleted === true,
          title: typeof card.body.title === 'string' ? card.body.title : undefined,
        })),
    })),
    data: reader.descriptor.data.map((d) => ({ app: d.app, records: d.records, chunks: d.chunks.length })),
    entries: entries.length + 1,
    bytes: entries.reduce((n, e) => n + e.size, 0),
  };
}
