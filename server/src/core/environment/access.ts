import { forbidden } from './errors';
import { isCompanyLevel } from './packageView';
import type { Caller } from './types';
import { solutionMembers } from './writeScope';

/**
 * Whether the caller may import, export, upload or download these namespaces (spec §5 roles).
 * Nothing (no namespace at all) is the administrator's: a package, job or backup that touches
 * no namespace belongs to no owner.
 */
export function mayWrite(caller: Caller, namespaces: Iterable<string>): boolean {
  if (caller.admin) return true;
  let any = false;
  for (const ns of namespaces) {
    if (isCompanyLevel(ns) || !caller.namespaces.includes(ns)) return false;
    any = true;
  }
  return any;
}

/** Throws 403 naming the role needed, unless the caller has it for every namespace. */
export function requireRights(caller: Caller, namespaces: string[], what: string): void {
  if (mayWrite(caller, namespaces)) return;
  if (!namespaces.length) throw forbidden(`${what} needs the environment administrator: it touches no namespace`);
  const missing = namespaces.filter((ns) => isCompanyLevel(ns) || !caller.namespaces.includes(ns));
  const company = missing.filter(isCompanyLevel);
  throw forbidden(company.length
    ? `${what} needs the environment administrator: it touches ${company.map((n) => `\`${n}\``).join(', ')}`
    : `${what} needs the environment administrator or the owner of ${missing.map((n) => `\`${n}\``).join(', ')}; ${caller.name} owns ${caller.namespaces.length ? caller.namespaces.map((n) => `\`${n}\``).join(', ') : 'no namespace'}`);
}

export function requireAdmin(caller: Caller, what: string): void {
  if (!caller.admin) throw forbidden(`${what} needs the environment administrator`);
}

/**
 * Throws 403 unless the caller may upload, plan, import or download this package: a
 * configuration (the company level: the org chart, global objects, any namespace; spec §3) needs
 * the administrator whatever its cards say it writes, since its kind lifts the isolation check;
 * any other package needs rights on every namespace it writes, and one that writes none needs
 * the administrator.
 */
export function requirePackageRights(caller: Caller, p: { kind: string; namespaces: readonly string[] }, what: string): void {
  if (p.kind === 'configuration') requireAdmin(caller, what);
  requireRights(caller, [...p.namespaces], what);
}

/**
 * Throws 403 unless the caller may add to each solution among `cards` the workspaces and modules
 * its card lists that the environment's solution of that id (`stored`) does not. A solution's
 * members are what an export of it, and an import of its package, may reach (writeScope.ts), so
 * adding one needs the rights on it, whether through `PUT /v1/entities/:id` or through a package
 * of any kind that carries the solution's card (a namespace's export is a workspace package with
 * it). Members the environment's solution already lists need nothing: a namespace's owner
 * imports its export back as it was.
 */
export function requireMemberRights(caller: Caller, cards: Iterable<{ id: string; type: string; code: string; body: Record<string, unknown> }>, stored: ReadonlyMap<string, { type: string; body: Record<string, unknown> }>): void {
  if (caller.admin) return;
  for (const c of cards) {
    if (c.type !== 'solution') continue;
    const before = stored.get(c.id);
    const had = new Set(before?.type === 'solution' ? solutionMembers(before.body) : []);
    const added = [...new Set(solutionMembers(c.body).filter((m) => !had.has(m)))];
    if (added.length) requireRights(caller, added, `adding ${added.map((m) => `\`${m}\``).join(', ')} to solution \`${c.code}\``);
  }
}
