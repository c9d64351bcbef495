import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { conflict, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Locale, Role } from '../domain/types.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit.js';
import * as users from '../store/repositories/user.js';
import { checkGrant } from './api-token.js';
import type { ServiceDeps } from './deps.js';

// Dashboard users: created by admins (or bootstrap), passwords kept only as argon2id hashes.

// argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1): OWASP's recommended minimum.
export const hashPassword = (password: string) => hash(password);

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  scopeId: string;
  workerId: string | null;
  locale: Locale;
  lockedUntil: string | null;
  disabled: boolean;
  lastSignInAt: string | null;
  createdAt: string;
}

export function userView(row: users.UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    scopeId: row.scope_id,
    workerId: row.worker_id,
    locale: row.locale,
    lockedUntil: row.locked_until?.toISOString() ?? null,
    disabled: row.disabled_at !== null,
    lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  scopeId: string;
  workerId?: string | null;
  locale?: Locale;
}

/** Inserts a user on the caller's transaction; the password is stored only as its argon2id hash. */
export async function createUser(db: Store['db'], input: NewUser): Promise<UserView> {
  const row = await users.insertUser(db, {
    id: randomUUID(),
    username: input.username,
    displayName: input.displayName,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    scopeId: input.scopeId,
    workerId: input.workerId ?? null,
    locale: input.locale ?? 'zh-CN',
  });
  return userView(row);
}

/** An admin adds a dashboard user within their scope; audited without the password. */
export async function addUser(deps: ServiceDeps, principal: Principal, input: NewUser, requestId: string): Promise<UserView> {
  const db = deps.store.db;
  await checkGrant(deps, principal, input, 'user');
  if (await users.findUserByUsername(db, input.username)) {
    throw conflict(`username ${input.username} is taken`, {
      reason: 'username_taken', values: { username: input.username }, details: [{ path: 'body.username', message: 'already taken' }],
    });
  }
  return db.transaction().execute(async (trx) => {
    const user = await createUser(trx, input);
    const { password: _password, ...safe } = input;
    await recordAudit(trx, { actor: principal.name, action: 'create', entity: 'user', entityId: user.id, after: safe, requestId });
    return user;
  });
}

export async function listUsers(deps: ServiceDeps, page: { limit: number; offset: number }): Promise<UserView[]> {
  return (await users.listUsers(deps.store.db, page)).map(userView);
}

/** Lifts a lock left by failed sign-ins; audited. */
export async function unlockUser(deps: ServiceDeps, principal: Principal, userId: string, requestId: string): Promise<UserView> {
  return deps.store.db.transaction().execute(async (trx) => {
    const row = await users.findUser(trx, userId);
    if (!row) throw notFound(`user ${userId}`, { reason: 'user_not_found', values: { userId } });
    await users.unlockUser(trx, row.id, deps.clock());
    await recordAudit(trx, { actor: principal.name, action: 'unlock', entity: 'user', entityId: row.id, before: { lockedUntil: row.locked_until }, requestId });
    return userView({ ...row, failed_attempts: 0, locked_until: null });
  });
}

