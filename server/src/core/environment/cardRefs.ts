import { REF_LIST_PROPERTIES, REF_PROPERTIES } from '../manifest/kinds';
import { GLOBAL_NAMESPACE, ORG_NAMESPACE, RefKind } from '../manifest/types';
import type { Card } from '../packaging/format';

/** A reference found in a card's body, resolved to the namespace and code it names. */
export interface CardRef {
  card: Card;
  kind: RefKind;
  text: string;
  /** `local` = bare code in the card's namespace; `qualified` = `ns.code`; `global`; `orgUnit`. */
  form: 'local' | 'qualified' | 'global' | 'orgUnit';
  namespace: string;
  code: string;
  /** Where the reference sits in the body: the holder object and its key (or array and index). */
  holder: Record<string, unknown> | unknown[];
  key: string | number;
}

/**
 * Called for each reference of a card, in the order `cardReferences` lists them, with the state
 * it was given. A visitor that is one function for every package, not a closure made per check,
 * keeps the walk's optimised code valid from one plan to the next.
 */
export type RefVisitor<T> = (state: T, card: Card, kind: RefKind, text: string, holder: CardRef['holder'], key: string | number) => void;

/** A reference as `cardReferences` resolves it: `text` of `kind`, found in `card` at `holder[key]`. */
export function cardRef(card: Card, kind: RefKind, text: string, holder: CardRef['holder'], key: string | number): CardRef {
  if (kind === 'orgUnit') return { card, kind, text, form: 'orgUnit', namespace: ORG_NAMESPACE, code: text, holder, key };
  const dot = text.indexOf('.');
  if (dot < 0) return { card, kind, text, form: 'local', namespace: card.namespace, code: text, holder, key };
  const namespace = text.slice(0, dot);
  return { card, kind, text, form: namespace === GLOBAL_NAMESPACE ? 'global' : 'qualified', namespace, code: text.slice(dot + 1), holder, key };
}

/**
 * Every reference in a card's body: the same property names the manifest language reads as
 * references (`app`, `group`, `uses`, ...), so a package is checked as its manifests were.
 */
export function cardReferences(card: Card): CardRef[] {
  const out: CardRef[] = [];
  forEachCardReference(card, collect, out);
  return out;
}

function collect(out: CardRef[], card: Card, kind: RefKind, text: string, holder: CardRef['holder'], key: string | number): void {
  out.push(cardRef(card, kind, text, holder, key));
}

/**
 * Visits every reference of `cardReferences` without making an object for each: a plan checks
 * tens of thousands of references of a 10,000-card package, and few of them become findings.
 */
export function forEachCardReference<T>(card: Card, visit: RefVisitor<T>, state: T): void {
  walkObject(card, card.body, true, visit, state);
}

// Module constants, not import bindings, and one recursive function without helpers: a plan
// walks every key of every card once, mostly before the engine has optimised this code, and in
// that state each load and call shows (a 10,000-card package: 75 -> 35 ms).
const REFS = REF_PROPERTIES;
const REF_LISTS = REF_LIST_PROPERTIES;

function walkObject<T>(card: Card, obj: object, top: boolean, visit: RefVisitor<T>, state: T): void {
  for (const key in obj) {
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v === 'string') {
      const kind = REFS[key];
      // A permissions card names its app by id at the top; a unit card's members are not references.
      if (kind && !(top && card.type === 'permissions' && key === 'app')) visit(state, card, kind, v, obj as Record<string, unknown>, key);
    } else if (typeof v === 'object' && v !== null) {
      if (top && key === 'members' && (card.type === 'solution' || card.type === 'configuration')) continue;
      if (Array.isArray(v)) {
        const listKind = REF_LISTS[key];
        if (listKind) {
          for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string') visit(state, card, listKind, v[i] as string, v, i);
          continue;
        }
        // An array inside an array is walked as an object: its items' keys are indexes, never references.
        for (const item of v) if (typeof item === 'object' && item !== null) walkObject(card, item, false, visit, state);
      } else {
        walkObject(card, v, false, visit, state);
      }
    }
  }
}
