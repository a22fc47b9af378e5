import type { History, HistoryEntry } from '../packaging/format';
import { entriesOf } from '../packaging/history';

/**
 * The project's history with a package's merged in: for every entity, the versions both know,
 * each once, in time order (the project's first when two share a time). An update compares the
 * environment's hash with this history, so nothing the project recorded may be lost.
 */
export function mergeHistory(project: History, pkg: History): History {
  const out: History = {};
  for (const id of [...new Set([...Object.keys(project), ...Object.keys(pkg)])].sort()) {
    const seen = new Set<string>();
    const list: HistoryEntry[] = [];
    for (const e of [...(entriesOf(project, id) ?? []), ...(entriesOf(pkg, id) ?? [])]) {
      const key = `${e.hash} ${e.at}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.push({ hash: e.hash, at: e.at });
    }
    out[id] = list.map((e, i) => ({ e, i })).sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i)).map((x) => x.e);
  }
  return out;
}
