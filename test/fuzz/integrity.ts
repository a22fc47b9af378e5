/**
 * What a successful import must have written (spec §4–5, never trust the package): entities whose
 * id agrees with their namespace (`id` = `namespace.code`), inside the namespaces the plan named,
 * inside the package's isolation level (only a configuration carries global objects and the org
 * chart; a workspace or module is one namespace), each with the hash of its body, and every
 * entity the plan promised to write holding the package's hash.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, sha256 } from '../../server/src/core/packaging/canonical';
import type { ImportOutcome } from './pipelines';
import { arbCardEdit, arbDataEdit, arbMetaEdit, Mutation, PackageCase } from './pkgMutations';

const COMPANY_LEVEL = ['global', '#orgchart'];

interface Row { id: string; namespace: string; hash: string; body: string; app?: string }

function changedRows<T>(before: string, after: string, key: (r: T) => string): T[] {
  const was = new Map((JSON.parse(before) as T[]).map((r) => [key(r), JSON.stringify(r)]));
  return (JSON.parse(after) as T[]).filter((r) => was.get(key(r)) !== JSON.stringify(r));
}

/** Asserts the scope and integrity of what a succeeded import changed; `code` is the code imported as. */
export function assertWithinScope(r: Extract<ImportOutcome, { ok: true }>, kind: string, code: string): void {
  const problems: string[] = [];
  const single = kind === 'workspace' || kind === 'module';
  const inScope = (what: string, ns: string) => {
    if (!r.plan.namespaces.includes(ns)) problems.push(`${what} is in namespace \`${ns}\`, which the plan did not name (${r.plan.namespaces.join(', ')})`);
    if (kind !== 'configuration' && COMPANY_LEVEL.includes(ns)) problems.push(`${what} is in \`${ns}\`, which only a configuration carries (this is a ${kind})`);
    if (single && ns !== code) problems.push(`${what} is in namespace \`${ns}\`, outside ${kind} \`${code}\``);
  };
  for (const e of changedRows<Row>(r.before.entities, r.after.entities, (x) => x.id)) {
    if (e.id !== e.namespace && !e.id.startsWith(`${e.namespace}.`)) problems.push(`entity ${JSON.stringify(e.id)} was written with namespace ${JSON.stringify(e.namespace)}: its id does not start with it`);
    inScope(`entity ${JSON.stringify(e.id)}`, e.namespace);
    let body: unknown;
    try {
      body = JSON.parse(e.body);
      if (e.hash !== sha256(canonicalJson(body))) problems.push(`entity ${JSON.stringify(e.id)} was written with hash ${e.hash.slice(0, 12)}…, which is not the hash of its body`);
    } catch {
      // a body too deep for this check's own recursion; the crash properties cover it
    }
  }
  for (const rec of changedRows<{ app: string; id: string }>(r.before.records, r.after.records, (x) => `${x.app}\u0000${x.id}`)) {
    inScope(`record ${rec.id} of ${JSON.stringify(rec.app)}`, rec.app.slice(0, Math.max(0, rec.app.indexOf('.'))));
  }
  const now = new Map((JSON.parse(r.after.entities) as Row[]).map((e) => [e.id, e]));
  const promised = new Map(r.plan.entities.filter((e) => e.action === 'create' || e.action === 'update' || e.action === 'conflict').map((e) => [e.id, e.packageHash]));
  for (const [id, hash] of promised) {
    const e = now.get(id);
    if (!e) problems.push(`the plan said it would write ${JSON.stringify(id)}, the job succeeded, and the environment has no such entity`);
    else if (e.hash !== hash) problems.push(`the plan said it would write ${JSON.stringify(id)} with hash ${hash?.slice(0, 12)}…; the environment holds ${e.hash.slice(0, 12)}…`);
  }
  assert.ok(!problems.length, `a succeeded import of ${kind} \`${code}\` wrote outside its scope or other than planned:\n  ${[...new Set(problems)].slice(0, 8).join('\n  ')}`);
}

/**
 * Cases that try to make a sound-looking package write where it should not: cards retargeted at
 * other namespaces (consistently or not), other types, other hashes, descriptors that say
 * another kind, code or data set, records moved to another app. The index always matches, so
 * only the meaning is wrong.
 */
export const arbIntegrityCase: fc.Arbitrary<PackageCase> = fc.record({
  base: fc.nat({ max: 2 }),
  mutations: fc.array(fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('card' as const), card: fc.nat({ max: 1000 }), edit: arbCardEdit.filter((e) => e.k === 'spoof' || e.k === 'field' || e.k === 'fromCard') }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('meta' as const), edit: arbMetaEdit.filter((e) => (e.k === 'field' && ['kind', 'code'].includes(e.field)) || (e.k === 'dataSet' && e.field === 'app')) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('data' as const), edit: arbDataEdit.filter((e) => e.k === 'moveApp') }) },
  ) as fc.Arbitrary<Mutation>, { minLength: 1, maxLength: 2 }),
  fix: fc.constant(true),
  consistent: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});
