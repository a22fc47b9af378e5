import type { Card } from '../packaging/format';
import { requirePackageRights } from './access';
import { EnvError } from './errors';
import type { PackageView } from './packageView';
import type { Caller } from './types';
import { writeScope } from './writeScope';

/**
 * The only way to an import's writes. A permit is granted after the caller's rights and the
 * package's scope have been decided on the ids that will be written (worked out here, from the
 * cards themselves, not taken from the view), and the importer writes the cards and data apps
 * that the permit holds and nothing else. Its constructor is private: no code can make a permit
 * for writes that were not checked.
 */
export class ImportPermit {
  private constructor(
    /** The package: descriptor, history, attachments and the reader of its data. */
    readonly view: PackageView,
    /** The cards to write, fixed when the permit was granted. */
    readonly cards: readonly Card[],
    /** Data apps to write (as imported → as named in the package). */
    readonly dataApps: ReadonlyMap<string, string>,
    /** Every namespace written. */
    readonly namespaces: readonly string[],
  ) {}

  /**
   * Grants a permit, or throws: 403 when the caller lacks the rights on a namespace written, 422
   * (`out-of-scope`, naming the entries) when the package writes outside its kind and code.
   */
  static grant(caller: Caller, view: PackageView, what: string): ImportPermit {
    const cards = Object.freeze(view.cards.map((c) => Object.freeze({ ...c })));
    const dataApps = new Map(view.dataApps);
    const code = view.rename?.to ?? view.descriptor.code;
    const scope = writeScope(view.descriptor.kind, code, cards, dataApps.keys());
    requirePackageRights(caller, { kind: view.descriptor.kind, namespaces: scope.namespaces }, what);
    // An import of part of a package (importChoice.ts) is judged on the whole package's cards as
    // well: an app's or a solution's scope comes from its own card, which a data-only import does
    // not write; and a package with any card outside its scope is refused whatever is chosen.
    if (view.packageCards) {
      const all = new Set(view.packageCards);
      if (view.cards.some((c) => !all.has(c))) throw new Error('an import view holds a card its package does not'); // a bug, never input
    }
    const whole = view.packageCards ? writeScope(view.descriptor.kind, code, view.packageCards, dataApps.keys()) : scope;
    if (whole.outside.length) {
      throw new EnvError(422, `${view.descriptor.kind} \`${code}\` writes outside its own namespaces: ${whole.outside.slice(0, 5).join('; ')}${whole.outside.length > 5 ? `; and ${whole.outside.length - 5} more` : ''}`, 'out-of-scope', whole.outside);
    }
    return new ImportPermit(view, cards, dataApps, Object.freeze(scope.namespaces));
  }
}
