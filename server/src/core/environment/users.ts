import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from './db/database';
import { localizedError, unauthorized } from './errors';
import { isCompanyLevel } from './packageView';
import type { Caller } from './types';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new random id with a prefix that says what it names (`j_` job, `b_` backup, `p_` plan). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** A user as listed to an administrator (never with the token). */
export interface UserInfo {
  id: number;
  name: string;
  admin: boolean;
  namespaces: string[];
  createdAt: string;
}

/** A workspace or module code, as manifests spell one (`namespaceCode` in schemas/definitions.schema.json). */
const NAMESPACE_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** Most namespaces one user may own: a user with more is a mistake, and each is a row read on every request. */
export const MAX_OWNED = 1000;

/**
 * The namespaces a new user may own, each once: workspace and module codes as manifests spell
 * them (MAN002), never `global` or `#orgchart` (ownership of those grants nothing: access.ts)
 * nor a built-in `_` namespace. 400 naming the first that is not, or when there are too many:
 * a 12,000-character code once reached the database's index and came back as a 500.
 */
export function ownedNamespaces(namespaces: readonly string[]): string[] {
  const bad = namespaces.find((ns) => !NAMESPACE_CODE.test(ns) || isCompanyLevel(ns));
  if (bad !== undefined) throw localizedError(400, 'env.userNamespace', { code: bad.length > 80 ? `${bad.slice(0, 80)}...` : bad }, 'bad-request');
  const distinct = [...new Set(namespaces)];
  if (distinct.length > MAX_OWNED) throw localizedError(400, 'env.userNamespaces', { max: MAX_OWNED, count: distinct.length }, 'bad-request');
  return distinct;
}

/**
 * Creates a user with a fresh token, returned once: only its sha256 is stored, so a lost token
 * is replaced, never recovered.
 */
export async function createUser(db: Sql, o: { name: string; admin?: boolean; namespaces?: string[] }): Promise<{ user: UserInfo; token: string }> {
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(o.name)) throw localizedError(400, 'env.userName', { name: o.name }, 'bad-request');
  const namespaces = ownedNamespaces(o.namespaces ?? []);
  const token = `isola_${randomBytes(24).toString('base64url')}`;
  const createdAt = new Date().toISOString();
  const taken = await db.query(`SELECT 1 FROM users WHERE name = $1`, [o.name]);
  if (taken.length) throw localizedError(400, 'env.userTaken', { name: o.name }, 'bad-request');
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO users (name, token_sha256, admin, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
    [o.name, hashToken(token), o.admin === true, createdAt],
  );
  for (const ns of namespaces) await db.query(`INSERT INTO owners (user_id, namespace) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [row.id, ns]);
  return { user: { id: row.id, name: o.name, admin: o.admin === true, namespaces: namespaces.sort(), createdAt }, token };
}

/** The caller a bearer token belongs to; 401 for none or an unknown one. */
export async function authenticate(db: Sql, token: string | undefined): Promise<Caller> {
  if (!token) throw unauthorized();
  const rows = await db.query<{ id: number; name: string; admin: boolean }>(`SELECT id, name, admin FROM users WHERE token_sha256 = $1`, [hashToken(token)]);
  if (!rows.length) throw localizedError(401, 'env.tokenInvalid', undefined, 'unauthorized');
  const owned = await db.query<{ namespace: string }>(`SELECT namespace FROM owners WHERE user_id = $1 ORDER BY namespace`, [rows[0].id]);
  return { ...rows[0], namespaces: owned.map((o) => o.namespace) };
}

export async function listUsers(db: Sql): Promise<UserInfo[]> {
  const users = await db.query<{ id: number; name: string; admin: boolean; created_at: string }>(`SELECT id, name, admin, created_at FROM users ORDER BY id`);
  const owners = await db.query<{ user_id: number; namespace: string }>(`SELECT user_id, namespace FROM owners ORDER BY namespace`);
  return users.map((u) => ({ id: u.id, name: u.name, admin: u.admin, createdAt: u.created_at, namespaces: owners.filter((o) => o.user_id === u.id).map((o) => o.namespace) }));
}

/** Whether the environment has any user yet (the first run creates the administrator). */
export async function hasUsers(db: Sql): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM users LIMIT 1`)).length > 0;
}

/** Sets the token of user `name`, creating the user when missing. */
export async function setUserToken(db: Sql, name: string, token: string, admin: boolean): Promise<void> {
  if (token.length < 16) throw localizedError(400, 'env.tokenShort', undefined, 'bad-request');
  await db.query(
    `INSERT INTO users (name, token_sha256, admin, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET token_sha256 = EXCLUDED.token_sha256, admin = EXCLUDED.admin`,
    [name, hashToken(token), admin, new Date().toISOString()],
  );
}
