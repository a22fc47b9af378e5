/**
 * The least any check that resolves references across manifests must do: read and parse every
 * file (with the check's own parser), index every declared entity by namespace and code, collect
 * every reference string and look each one up once. No paths, positions, schema, packages, rules
 * or findings. `bench/check.ts --skeleton` times it beside the check and the parse floor, so the
 * room a redesign of the check could win is measured rather than guessed
 * (docs/performance.md#what-blocks-the-check).
 */
import * as fs from 'node:fs';
import { parseJson, stripBom } from '../server/src/core/json/parse';
import { APP_BODY_LISTS, REF_LIST_PROPERTIES, REF_PROPERTIES, TOP_LISTS } from '../server/src/core/manifest/kinds';
import type { ManifestKind } from '../server/src/core/manifest/types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Runs the skeleton over `files`; returns how many references found a target (so no step is optimized away). */
export function checkSkeleton(files: readonly string[]): { entities: number; references: number; resolved: number } {
  // One key per declaration: `namespace.code` for top-level entities, `namespace.app.code` for an app's own.
  const index = new Map<string, Obj>();
  const refs: string[] = [];
  for (const f of files) {
    const { value } = parseJson(stripBom(fs.readFileSync(f, 'utf8')));
    if (!isObj(value) || typeof value.kind !== 'string' || typeof value.code !== 'string') continue;
    const ns = value.kind === 'app' ? (typeof value.namespace === 'string' ? value.namespace : '') : value.code;
    const lists = TOP_LISTS[value.kind as ManifestKind] ?? {};
    for (const prop in lists) {
      const list = value[prop];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (!isObj(item) || typeof item.code !== 'string') continue;
        const id = `${ns}.${item.code}`;
        index.set(id, item);
        for (const sub in APP_BODY_LISTS) {
          const inner = item[sub];
          if (Array.isArray(inner)) for (const x of inner) if (isObj(x) && typeof x.code === 'string') index.set(`${id}.${x.code}`, x);
        }
      }
    }
    collectReferences(value, ns, refs);
  }
  let resolved = 0;
  for (const r of refs) if (index.has(r)) resolved++;
  return { entities: index.size, references: refs.length, resolved };
}

// Every reference as the key it is looked up by: qualified as written, or in the manifest's namespace.
function collectReferences(node: unknown, ns: string, out: string[]): void {
  if (Array.isArray(node)) {
    for (const x of node) if (typeof x === 'object' && x !== null) collectReferences(x, ns, out);
    return;
  }
  if (!isObj(node)) return;
  for (const key in node) {
    const v = node[key];
    if (typeof v === 'string') {
      if (REF_PROPERTIES[key]) out.push(v.includes('.') ? v : `${ns}.${v}`);
    } else if (REF_LIST_PROPERTIES[key] && Array.isArray(v)) {
      for (const x of v) if (typeof x === 'string') out.push(x.includes('.') ? x : `${ns}.${x}`);
    } else if (typeof v === 'object' && v !== null) collectReferences(v, ns, out);
  }
}
