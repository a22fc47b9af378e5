import { forbidden } from './errors';
import { isCompanyLevel } from './packageView';
import type { Caller } from './types';

/** Whether the caller may import, export, upload or download these namespaces (spec §5 roles). */
export function mayWrite(caller: Caller, namespaces: Iterable<string>): boolean {
  if (caller.admin) return true;
  for (const ns of namespaces) if (isCompanyLevel(ns) || !caller.namespaces.includes(ns)) return false;
  return true;
}

/** Throws 403 naming the role needed, unless the caller has it for every namespace. */
export function requireRights(caller: Caller, namespaces: string[], what: string): void {
  if (mayWrite(caller, namespaces)) return;
  const missing = namespaces.filter((ns) => isCompanyLevel(ns) || !caller.namespaces.includes(ns));
  const company = missing.filter(isCompanyLevel);
  throw forbidden(company.length
    ? `${what} needs the environment administrator: it touches ${company.map((n) => `\`${n}\``).join(', ')}`
    : `${what} needs the environment administrator or the owner of ${missing.map((n) => `\`${n}\``).join(', ')}; ${caller.name} owns ${caller.namespaces.length ? caller.namespaces.map((n) => `\`${n}\``).join(', ') : 'no namespace'}`);
}

export function requireAdmin(caller: Caller, what: string): void {
  if (!caller.admin) throw forbidden(`${what} needs the environment administrator`);
}
