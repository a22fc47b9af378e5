import { linkedOrder, Sibling } from './linkedOrder';
import type { ManifestDraft } from './manifestDrafts';

/** Orders the lists of siblings an unpack lays out (menu pages, org-chart units), noting where the package does not give the order. */
export class SiblingOrder {
  /** Lists of siblings whose cards name none they follow (an older package): one note says so for all. */
  private readonly unlinked: string[] = [];

  constructor(private readonly notes: string[]) {}

  /**
   * Puts siblings into `list` in the order their cards link them (`after`: the code of the one
   * before; none for the first). Where the links do not give the whole order (a package built
   * before cards carried them, a link to a sibling the package lacks, two siblings that follow one,
   * a cycle) what they say is kept and the rest goes by code, the cards' order; a note says so, and
   * a manifest edited in place keeps its own order instead.
   */
  order(m: ManifestDraft, list: unknown[], siblings: Sibling[], what: string): void {
    const { els, gaps, unlinked } = linkedOrder(siblings);
    // What the list held before these siblings (a unit card's body may hold such a list) stays first.
    const mine = new Set<unknown>(els);
    const others = list.filter((x) => !mine.has(x));
    list.length = 0;
    for (const x of others) list.push(x);
    for (const x of els) list.push(x);
    if (unlinked) this.unlinked.push(what);
    else if (gaps.length) this.notes.push(`the package does not give the whole order of ${what} (${gaps.join('; ')}): a new manifest lists them by code there, one already in the folder keeps its own order`);
    else if (others.length === 0) (m.ordered ??= new Set()).add(list);
  }

  /** The one note for every list whose cards name no sibling they follow, once all are ordered. */
  noteUnlinked(): void {
    if (!this.unlinked.length) return;
    const n = this.unlinked.length;
    const which = n > 3 ? `${this.unlinked.slice(0, 3).join(', ')} and ${n - 3} more lists` : this.unlinked.join(', ');
    this.notes.push(`the package does not give the order of ${which}: their cards name no sibling they follow (cards built before they carried it); a new manifest lists them by code, one already in the folder keeps its own order`);
  }
}
