import { canonicalJson, sha256 } from '../packaging/canonical';
import { carriedBody } from '../packaging/carry';
import type { Card, History } from '../packaging/format';
import type { EnvEntity } from './types';
import { entriesOf, historyEntry } from '../packaging/history';

/**
 * The card an export carries of an entity: its body as the environment holds it, without setting
 * values and deleted sub-entities (packaging/carry.ts), hashed afresh. The entity's own hash names
 * the version of its design (merge.ts) and may not be the hash of this body: an update that kept
 * sub-entities or the target's properties wrote more than its card, and a package's card must
 * hash to its body.
 */
export function exportCard(e: EnvEntity): Card {
  const body = carriedBody(e.type, e.body);
  return { id: e.id, type: e.type, namespace: e.namespace, code: e.code, deleted: e.deleted, hash: sha256(canonicalJson(body)), body };
}

/**
 * The history an export carries: the environment's for each card, ending with the card's hash
 * (added, dated `now`, when the exported body is not the version the environment last recorded),
 * as a build's history ends with the hash of what it carries. An added hash says which version it
 * carries (`of`, the entity's hash in `versions`): the body is that version of the design with
 * only what an update kept and the target's own properties added, so an environment that imports
 * it holds that version, and a later package of that version's line updates it.
 */
export function exportHistory(history: History, cards: readonly Card[], now: string, versions: ReadonlyMap<string, string> = new Map()): History {
  const out: History = { ...history };
  for (const c of cards) {
    const list = entriesOf(out, c.id) ?? [];
    if (list[list.length - 1]?.hash === c.hash) continue;
    const version = versions.get(c.id);
    // The entity's own hash may carry a version already (it came by an export or as a copy): that one.
    const carried = version === undefined ? undefined : [...list].reverse().find((h) => h.hash === version)?.of;
    out[c.id] = [...list, historyEntry(c.hash, now, carried ?? version)];
  }
  return out;
}
