import { RecordIds } from '../manifest/dataScan';
import { recordLineId, recordWhere } from '../packaging/reader';
import type { PackageView } from './packageView';
import { checkSaying } from './said';
import type { ImportCheck } from './types';

/** Repeated ids listed in a plan; the count says how many there are in all. */
const LISTED = 100;

/**
 * The plan's `ids` check: no two records of one app in the package have the same id as the
 * environment keys records (`recordKey`: 1, 1.0 and "1" are one). Such a package cannot be
 * imported whole (one record would replace the other), so the check fails and the import is
 * refused; the import refuses it too, should it be started otherwise. Reads every data line the
 * plan's choice imports (a byte scan each, recordScan.ts); lines that are no record are left to
 * the import, which names them. An aborted `signal` rejects with its reason (not an "unchecked").
 */
export async function recordIdsCheck(view: PackageView, signal?: AbortSignal): Promise<ImportCheck> {
  const name = 'ids';
  if (!view.dataApps.size) return checkSaying(name, true, 'plan.ids.none');
  const repeated: string[] = [];
  let count = 0;
  try {
    for (const [app, source] of view.dataApps) {
      const chunks = view.descriptor.data.find((d) => d.app === source)?.chunks ?? [];
      const ids = new RecordIds();
      for await (const batch of view.reader.recordLines(source)) {
        signal?.throwIfAborted();
        const c = chunks.indexOf(batch.chunk);
        for (let k = 0; k < batch.lines.length; k++) {
          const r = recordLineId(batch.lines[k], batch.first + k);
          if (!r || 'problem' in r) continue;
          const earlier = ids.repeated(r.id, recordWhere(c, batch.first + k));
          if (earlier === undefined) continue;
          if (++count <= LISTED) {
            const first = `${chunks[Math.floor(earlier / 2 ** 32)]} line ${earlier % 2 ** 32}`;
            repeated.push(`${app}: \`${r.id}\` is the id of ${batch.chunk} line ${batch.first + k} and of ${first}`);
          }
        }
      }
    }
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    return checkSaying(name, true, 'plan.ids.unchecked', { error: (e as Error).message });
  }
  if (!count) return checkSaying(name, true, 'plan.ids.ok');
  if (count > LISTED) repeated.push(`... and ${count - LISTED} more`);
  return checkSaying(name, false, 'plan.ids.failed', { n: count }, repeated);
}
