import type { Card } from '../packaging/format';
import { UnpackRefused } from './errors';
import type { Sibling } from './linkedOrder';
import type { ManifestDraft } from './manifestDrafts';
import { isObj, Obj } from './manifestLists';
import type { SiblingOrder } from './siblingOrder';

/** An org-chart unit as its card gives it, with the parent and predecessor the card names. */
type OrgUnit = Sibling & { parent?: string };

/** The unit of an org chart (nested units, as a manifest writes them) with this code. */
export function findUnit(list: unknown, code: string): Obj | undefined {
  // One unit alone (one head of the org chart, one child) is written without a list.
  if (isObj(list)) list = [list];
  if (!Array.isArray(list)) return undefined;
  for (const u of list) {
    if (!isObj(u)) continue;
    if (u.code === code) return u;
    const inner = findUnit(u.children, code);
    if (inner) return inner;
  }
  return undefined;
}

/** Org-chart units name their parent; the manifest nests each under it. */
export class OrgCharts {
  /** Org-chart units of each configuration, with the parent and predecessor their card names, nested once all are read. */
  private readonly units = new Map<ManifestDraft, OrgUnit[]>();

  constructor(private readonly notes: string[], private readonly siblings: SiblingOrder) {}

  /** A unit's element (`el`, from card `c`) for the org chart of configuration `conf`. */
  add(conf: ManifestDraft, el: Obj, c: Card): void {
    delete el.parent;
    delete el.after;
    if (!this.units.has(conf)) this.units.set(conf, []);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    this.units.get(conf)!.push({ el, parent: str(c.body.parent), after: str(c.body.after) });
  }

  /** The org chart of `m`, nested and ordered; undefined when the package carries no unit of it. */
  nest(m: ManifestDraft): Obj[] | undefined {
    const units = this.units.get(m);
    return units ? this.tree(m, units) : undefined;
  }

  private tree(m: ManifestDraft, units: OrgUnit[]): Obj[] {
    const codes = new Set(units.map((u) => u.el.code));
    const byCodeMap = new Map(units.map((u) => [u.el.code as string, u.el]));
    // Siblings by the unit they stand under (undefined: the top), in the cards' order.
    const under = new Map<string | undefined, Sibling[]>();
    for (const u of units) {
      let parent = u.parent;
      if (parent !== undefined && !codes.has(parent)) {
        this.notes.push(`org-chart unit ${u.el.code} names parent ${parent}, which the package does not carry: it becomes a root`);
        parent = undefined;
      }
      if (!under.has(parent)) under.set(parent, []);
      under.get(parent)!.push(u);
    }
    const roots: Obj[] = [];
    for (const [parent, siblings] of under) {
      const p = parent === undefined ? undefined : byCodeMap.get(parent)!;
      const list = p ? ((p.children ??= []) as Obj[]) : roots;
      this.siblings.order(m, list, siblings, p ? `the org-chart units under ${parent}` : 'the top units of the org chart');
    }
    // Units whose parents form a cycle are reachable from no root: no tree holds them.
    const seen = new Set<unknown>();
    const walk = (l: Obj[]) => l.forEach((u) => { seen.add(u.code); if (Array.isArray(u.children)) walk(u.children as Obj[]); });
    walk(roots);
    const lost = units.filter((u) => !seen.has(u.el.code));
    if (lost.length) throw new UnpackRefused(`org-chart units ${lost.map((u) => u.el.code).join(', ')} name each other as parents (a cycle): no org chart holds them`);
    return roots;
  }
}
