import { randomBytes, randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { conflict, invalid, notFound, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Locale, Role } from '../domain/types.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit.js';
import { inScope } from '../store/repositories/org-unit.js';
import * as sessions from '../store/repositories/session.js';
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
  /** An admin reset the password: the user must choose their own before doing anything else. */
  passwordChangeRequired: boolean;
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
    passwordChangeRequired: row.password_change_required,
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

/**
 * What is wrong with a password beyond its length and variety (the schema's rules): it may not
 * contain the username, and a new one must differ from the one it replaces.
 */
export function passwordProblems(password: string, context: { username: string; current?: string }, path: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (password.toLowerCase().includes(context.username.toLowerCase())) problems.push({ path, message: 'must not contain the username', code: 'password_contains_username' });
  if (context.current !== undefined && password === context.current) problems.push({ path, message: 'must differ from the current password', code: 'password_unchanged' });
  return problems;
}

/** An admin adds a dashboard user within their scope; audited without the password. */
export async function addUser(deps: ServiceDeps, principal: Principal, input: NewUser, requestId: string): Promise<UserView> {
  const db = deps.store.db;
  const weak = passwordProblems(input.password, { username: input.username }, 'body.password');
  if (weak.length > 0) throw invalid(weak, { reason: 'weak_password' });
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

/** The users scoped inside the caller's subtree (a user belongs to the org unit of their scope). */
export async function listUsers(deps: ServiceDeps, principal: Principal, filter: { username?: string; limit: number; offset: number }): Promise<UserView[]> {
  return (await users.listUsers(deps.store.db, { scopeSubtreeOf: principal.scopeId, ...filter })).map(userView);
}

const userNotFound = (userId: string) => notFound(`user ${userId}`, { reason: 'user_not_found', values: { userId } });

/**
 * Runs an admin's change to a user on one transaction, with the user's row locked: a user scoped
 * outside the admin's subtree (the city admin, for a community admin) is as good as missing.
 */
async function changeUser<T>(deps: ServiceDeps, principal: Principal, userId: string, change: (trx: Store['db'], row: users.UserRow) => Promise<T>): Promise<T> {
  return deps.store.db.transaction().execute(async (trx) => {
    const row = await users.lockUser(trx, userId);
    if (!row || !(await inScope(trx, principal, row.scope_id))) throw userNotFound(userId);
    return change(trx, row);
  });
}

/** The caller's own session, kept when an admin acts on themselves. */
const ownSession = (principal: Principal, userId: string) => (principal.session?.userId === userId ? principal.session.idHash : undefined);

/** Lifts a lock left by failed sign-ins; audited. */
export async function unlockUser(deps: ServiceDeps, principal: Principal, userId: string, requestId: string): Promise<UserView> {
  return changeUser(deps, principal, userId, async (trx, row) => {
    await users.unlockUser(trx, row.id, deps.clock());
    await recordAudit(trx, { actor: principal.name, action: 'unlock', entity: 'user', entityId: row.id, before: { lockedUntil: row.locked_until }, requestId });
    return userView({ ...row, failed_attempts: 0, locked_until: null });
  });
}

/**
 * Disables a user (they cannot sign in, and every session of theirs ends at once) or enables them
 * again. An admin cannot disable their own sign-in. Audited; a repeat changes nothing.
 */
export async function setUserDisabled(deps: ServiceDeps, principal: Principal, userId: string, disabled: boolean, requestId: string): Promise<UserView & { endedSessions: number }> {
  if (disabled && principal.session?.userId === userId) {
    throw conflict('you cannot disable your own sign-in', { reason: 'cannot_disable_self', values: { userId } });
  }
  return changeUser(deps, principal, userId, async (trx, row) => {
    const now = deps.clock();
    if ((row.disabled_at !== null) === disabled) return { ...userView(row), endedSessions: 0 };
    const updated = await users.setDisabled(trx, row.id, disabled ? now : null, now);
    const endedSessions = disabled ? await sessions.revokeSessionsOfUser(trx, row.id, now) : 0;
    await recordAudit(trx, {
      actor: principal.name, action: disabled ? 'disable' : 'enable', entity: 'user', entityId: row.id, requestId,
      before: { disabledAt: row.disabled_at }, after: { disabledAt: updated.disabled_at, endedSessions },
    });
    return { ...userView(updated), endedSessions };
  });
}

/** Ends every session of a user (but the caller's own, when an admin ends their other sessions); audited. */
export async function endUserSessions(deps: ServiceDeps, principal: Principal, userId: string, requestId: string): Promise<{ userId: string; endedSessions: number }> {
  return changeUser(deps, principal, userId, async (trx, row) => {
    const endedSessions = await sessions.revokeSessionsOfUser(trx, row.id, deps.clock(), ownSession(principal, row.id));
    await recordAudit(trx, { actor: principal.name, action: 'end_sessions', entity: 'user', entityId: row.id, after: { endedSessions }, requestId });
    return { userId: row.id, endedSessions };
  });
}

/** A password people can type: 24 characters from 18 random bytes. */
const generatedPassword = () => randomBytes(18).toString('base64url');

/**
 * An admin resets a user's password to a generated one, shown in this answer only; the user's lock
 * is lifted and their sessions end (but the caller's own). The admin has seen the password, so
 * the user must change it: until they do, their sessions may only change it and sign out
 * (src/api/app.ts). Audited without the password.
 */
export async function resetUserPassword(deps: ServiceDeps, principal: Principal, userId: string, requestId: string): Promise<{ user: UserView; password: string; endedSessions: number }> {
  const password = generatedPassword();
  const passwordHash = await hashPassword(password);
  return changeUser(deps, principal, userId, async (trx, row) => {
    const now = deps.clock();
    const updated = await users.setPasswordHash(trx, row.id, passwordHash, now, true);
    const endedSessions = await sessions.revokeSessionsOfUser(trx, row.id, now, ownSession(principal, row.id));
    await recordAudit(trx, { actor: principal.name, action: 'reset_password', entity: 'user', entityId: row.id, after: { endedSessions, passwordChangeRequired: true }, requestId });
    return { user: userView(updated), password, endedSessions };
  });
}
