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
 * Every reference in a card's body: the same property names the manifest language reads as
 * references (`app`, `group`, `uses`, ...), so a package is checked as its manifests were.
 */
export function cardReferences(card: Card): CardRef[] {
  const out: CardRef[] = [];
  const add = (kind: RefKind, text: string, holder: CardRef['holder'], key: string | number) => {
    let form: CardRef['form'];
    let namespace: string;
    let code: string;
    const dot = text.indexOf('.');
    if (kind === 'orgUnit') [form, namespace, code] = ['orgUnit', ORG_NAMESPACE, text];
    else if (dot < 0) [form, namespace, code] = ['local', card.namespace, text];
    else {
      namespace = text.slice(0, dot);
      code = text.slice(dot + 1);
      form = namespace === GLOBAL_NAMESPACE ? 'global' : 'qualified';
    }
    out.push({ card, kind, text, form, namespace, code, holder, key });
  };
  const walk = (node: unknown, top: boolean) => {
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) walk(item, false);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    for (const key in obj) {
      const v = obj[key];
      if (typeof v === 'string') {
        const kind = REF_PROPERTIES[key];
        // A permissions card names its app by id at the top; a unit card's members are not references.
        if (kind && !(top && card.type === 'permissions' && key === 'app')) add(kind, v, obj, key);
      } else if (typeof v === 'object' && v !== null) {
        if (top && key === 'members' && (card.type === 'solution' || card.type === 'configuration')) continue;
        const listKind = REF_LIST_PROPERTIES[key];
        if (listKind && Array.isArray(v)) {
          v.forEach((item, i) => {
            if (typeof item === 'string') add(listKind, item, v, i);
          });
          continue;
        }
        walk(v, false);
      }
    }
  };
  walk(card.body, true);
  return out;
}
