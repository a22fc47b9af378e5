import { TOP_LISTS } from '../manifest/kinds';
import { formatPath } from '../json/path';
import { bodyNames } from '../packaging/cardCheck';
import { fileRef, fileRefHolders } from '../packaging/fileRefs';
import { isValidManifestValue, validateManifestValue } from '../schema/validate';

type Obj = Record<string, unknown>;

/** Where a manifest declares an entity of each type that is an element of a top-level list. */
const PLACE = new Map<string, { kind: 'workspace' | 'module'; list: string }>();
for (const kind of ['workspace', 'module'] as const) {
  for (const [list, type] of Object.entries(TOP_LISTS[kind])) if (!PLACE.has(type)) PLACE.set(type, { kind, list });
}

/**
 * The schema's problems with an entity's body, as MAN002 would say them of the same entity in a
 * manifest (`scripts[0].global` must be boolean, not number 1), with paths inside the body. The
 * body is judged as the element of the list a manifest declares it in, its files named by path
 * as a manifest names them. Types that are no such element (units, permissions, org-chart
 * units) are not judged here: empty.
 */
export function bodySchemaProblems(type: string, namespace: string, body: Obj): string[] {
  const place = PLACE.get(type);
  if (!place) return [];
  const value = { kind: place.kind, code: namespace, [place.list]: [asDeclared(body)] };
  if (isValidManifestValue(value)) return [];
  const inside = `\`${formatPath([place.list, 0])}`;
  return validateManifestValue(value)
    .filter((p) => p.path[0] === place.list && p.path[1] === 0)
    // Said of the body itself: its paths start inside it.
    .map((p) => p.message.split(`${inside}.`).join('`').split(`${inside}\``).join('`(body)`'));
}

/** The body with each file it names by content (`{ file, sha256, size }`) named by path, as in a manifest. */
function asDeclared(body: Obj): Obj {
  const holders = fileRefHolders(body);
  if (!holders.length) return body;
  const copy = structuredClone(body);
  for (const h of fileRefHolders(copy)) h.file = fileRef(h.file)!.file;
  return copy;
}

/**
 * Why a body given to `PUT /v1/entities/:id` names another entity than the one it changes, or
 * undefined: its `code` (a manifest's `kind`, an app manifest's `namespace`, a permissions body's
 * `app`) must be the entity's, and a name the entity's body holds must stay. An export writes
 * the card from the entity and the body as it is, and a package's reader refuses a card whose
 * parts disagree (packaging/cardCheck.ts): no environment could import it.
 */
export function bodyNameRefusal(e: { id: string; type: string; namespace: string; code: string; body: Obj }, body: Obj): string | undefined {
  for (const n of bodyNames(e.type, e.namespace, e.code)) {
    const v = body[n.key];
    const send = `send "${n.key}": ${JSON.stringify(n.want)}; an entity is not renamed by a change (to copy it under another code, import its package with --as)`;
    if (v === undefined && e.body[n.key] !== undefined) return `"body" leaves out "${n.key}", which names ${e.id}: ${send}`;
    if (v !== undefined && v !== n.want) return `"body": "${n.key}" ${JSON.stringify(v)} is not the ${n.of} of ${e.id} (${JSON.stringify(n.want)}): ${send}`;
  }
  return undefined;
}
