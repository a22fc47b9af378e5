import type { History, HistoryEntry } from '../packaging/format';
import { entriesOf, historyEntry } from '../packaging/history';
import { commitLockedHistory, lockHistory } from '../packaging/historyFile';

/**
 * The project's history with a package's merged in, as an import merges it into an environment
 * (importer.ts): for every entity, the versions the project recorded and the package does not
 * know, then the package's history in its own order, whose last entry is the version the package
 * carries. Not by time: an older version brought back (a replace with an older package) keeps its
 * old date and is still the current one, so a build that follows finds its hash last and records
 * nothing new. An update compares the environment's hash with this history, so nothing the
 * project recorded is lost.
 */
export function mergeHistory(project: History, pkg: History): History {
  const out: History = {};
  for (const id of [...new Set([...Object.keys(project), ...Object.keys(pkg)])].sort()) {
    const theirs = entriesOf(pkg, id) ?? [];
    const known = new Set(theirs.map((e) => e.hash));
    const list: HistoryEntry[] = [];
    for (const e of entriesOf(project, id) ?? []) if (!known.has(e.hash)) list.push(historyEntry(e.hash, e.at, e.of));
    for (const e of theirs) list.push(historyEntry(e.hash, e.at, e.of));
    out[id] = list;
  }
  return out;
}

/**
 * Merges a package's history into the history in `folder` as it is now, under the history's
 * lock: what the editor does once the user has applied an unpack's files, which may be minutes
 * after the plan (a build in a terminal may have added versions meanwhile). Returns the history
 * written. Throws `HistoryFileError` or `HistoryWriteError` with the history left as it was.
 */
export async function mergeUnpackedHistory(folder: string, pkg: History): Promise<History> {
  const held = await lockHistory(folder, 'the history is as it was');
  try {
    let merged: History = {};
    await commitLockedHistory(folder, (current) => (merged = mergeHistory(current, pkg)));
    return merged;
  } finally {
    await held.release();
  }
}
