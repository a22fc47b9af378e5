import type { Card, History, HistoryEntry } from './format';

/** The project file that keeps every entity's hash history; `isola build` updates it. */
export const HISTORY_FILE = 'isola.history.json';

/**
 * Appends each card's hash to its history when its content changed (a new hash, not the last
 * one); returns the new history and the ids that changed. Entities absent from the cards keep
 * their history: the package may be a smaller unit of the project.
 */
export function updateHistory(history: History, cards: Card[], at: string): { history: History; changed: string[] } {
  const out: History = { ...history };
  const changed: string[] = [];
  for (const c of cards) {
    const list = entriesOf(out, c.id) ?? [];
    if (list.length === 0 || list[list.length - 1].hash !== c.hash) {
      out[c.id] = [...list, { hash: c.hash, at }];
      changed.push(c.id);
    }
  }
  return { history: sortKeys(out), changed };
}

/** The history entries a package carries: those of its cards. */
export function historyOf(history: History, cards: Card[]): History {
  const out: History = {};
  for (const c of cards) {
    const list = entriesOf(history, c.id);
    if (list) out[c.id] = list;
  }
  return out;
}

/** Checks a parsed history file's shape; returns a reason when it is wrong. */
export function historyShapeError(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object of entity ids';
  for (const [id, list] of Object.entries(v)) {
    if (!Array.isArray(list) || list.some((e) => typeof e?.hash !== 'string' || typeof e?.at !== 'string' || (e.of !== undefined && typeof e.of !== 'string'))) {
      return `entry "${id}" must be a list of { "hash", "at" } (and "of", a hash, when an export set it)`;
    }
  }
  return undefined;
}

function sortKeys(h: History): History {
  return Object.fromEntries(Object.keys(h).sort().map((k) => [k, h[k]]));
}

/**
 * One entity's entries, or undefined: its own property only. Ids come from packages and projects,
 * and a unit's id is its code, so `constructor` must find nothing the history does not hold.
 */
export function entriesOf(history: History, id: string): HistoryEntry[] | undefined {
  return Object.hasOwn(history, id) ? history[id] : undefined;
}

/**
 * A history entry, saying which version its hash carries (`of`) only when that is another hash:
 * the one shape every writer of an entry (build, export, copy, unpack, the environment's store)
 * gives it, with nothing else a package may have put into its entries.
 */
export function historyEntry(hash: string, at: string, of?: unknown): HistoryEntry {
  return typeof of === 'string' && of !== hash ? { hash, at, of } : { hash, at };
}
