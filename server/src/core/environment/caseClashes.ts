import { cardEntryName } from '../packaging/cardCheck';
import { foldedName } from '../packaging/entryNames';
import { fileRef, fileRefHolders, fileRefs } from '../packaging/fileRefs';
import type { Card } from '../packaging/format';
import { mergeBodies } from './merge';
import type { EnvEntity } from './types';

type Obj = Record<string, unknown>;

/** A file a body names, and the part of the entity that names it. */
interface Named {
  file: string;
  /** "script `run`", or "its document" (a template's own file). */
  part: string;
}

/** Two files of one body whose names differ only in letter case. */
export interface FileCaseClash {
  first: Named;
  second: Named;
}

/**
 * Pairs of files one body names (its scripts' and its own document's) whose names differ only in
 * letter case. A package holds each as an entry, and readers fold entry names as case-insensitive
 * file systems do: a package that carries both is one no environment reads.
 */
export function fileCaseClashes(body: Obj): FileCaseClash[] {
  const seen = new Map<string, Named>();
  const out: FileCaseClash[] = [];
  for (const h of fileRefHolders(body)) {
    const named: Named = { file: fileRef(h.file)!.file, part: h === body ? 'its document' : typeof h.code === 'string' ? `script \`${h.code}\`` : 'a script without a code' };
    const key = foldedName(named.file);
    const had = seen.get(key);
    if (!had) seen.set(key, named);
    else if (had.file !== named.file) out.push({ first: had, second: named });
  }
  return out;
}

/**
 * The letter-case check of what an import would write: for each card, the body the environment
 * would hold afterwards (an update keeps every sub-entity the package lacks, merge.ts), and any
 * two of its files whose names differ only in letter case, one line each saying which entity,
 * which two parts and files, and what to change. Such an entity could never be exported again.
 * Merged only when the card's and the environment's files together hold such a pair.
 */
export function mergedCaseLines(cards: readonly Card[], rows: ReadonlyMap<string, EnvEntity>): string[] {
  const lines: string[] = [];
  for (const c of cards) {
    const env = rows.get(c.id);
    const own = fileRefs(c.body);
    const all = env ? [...own, ...fileRefs(env.body)] : own;
    if (all.length < 2 || new Set(all.map((r) => foldedName(r.file))).size === new Set(all.map((r) => r.file)).size) continue;
    const body = env ? mergeBodies(c.type, c.body, env.body).body : c.body;
    const carried = new Set(own.map((r) => r.file));
    for (const { first, second } of fileCaseClashes(body)) {
      const kept = [first, second].find((n) => !carried.has(n.file));
      const brought = [first, second].find((n) => carried.has(n.file));
      const fix = kept && brought
        ? `the environment's ${kept.part} stays (an update never deletes what the package lacks): give the package's ${brought.part} a code that differs in more than letter case, or first remove ${kept.part} from ${c.id} in the environment (PUT /v1/entities/${c.id})`
        : 'give one of them a code that differs in more than letter case';
      lines.push(`${c.id}: ${first.part} and ${second.part} would be carried as ${first.file} and ${second.file}, which differ only in letter case; ${fix}`);
    }
  }
  return lines;
}

/**
 * Why an export's cards would make a package its own reader refuses, one line per pair of entry
 * names (cards, script and template files) that differ only in letter case, each naming the entity
 * and the way out; empty when there is none. Such entities come from before imports were checked
 * for it: checked before a byte is written.
 */
export function exportCaseLines(cards: readonly Card[]): string[] {
  const lines: string[] = [];
  const entries = new Map<string, { name: string; card: Card }>();
  const add = (name: string, card: Card): { name: string; card: Card } | undefined => {
    const key = foldedName(name);
    const had = entries.get(key);
    if (!had) entries.set(key, { name, card });
    return had && had.name !== name ? had : undefined;
  };
  for (const c of cards) {
    const twin = add(cardEntryName(c.type, c.id), c);
    if (twin) lines.push(`${twin.card.id} and ${c.id}: their cards ${twin.name} and ${cardEntryName(c.type, c.id)} differ only in letter case, and no package can carry both; give one of them another code in a project and import it, and stop using the other`);
    for (const { first, second } of fileCaseClashes(c.body)) {
      lines.push(`${c.id}: ${first.part} and ${second.part} are carried as ${first.file} and ${second.file}, which differ only in letter case; remove one of them from ${c.id} with PUT /v1/entities/${c.id} (an import never deletes it), then export again`);
    }
    for (const r of fileRefs(c.body)) {
      const other = add(r.file, c);
      // Files of two cards: ownFilePaths gives each path one content; a clash left is within one card, said above.
      if (other && other.card !== c) lines.push(`${other.card.id} and ${c.id}: files ${other.name} and ${r.file} differ only in letter case, and no package can carry both`);
    }
  }
  return lines;
}
