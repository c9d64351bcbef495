import { type Kysely, sql } from 'kysely';
import type { Database, Locale, Role, Row } from '../database.js';
import { subtreeOf } from './org-unit.js';

// Dashboard users. Passwords arrive here already hashed (argon2id); the hash never leaves the store
// except to the sign-in check.

export type UserRow = Row<'users'>;

export interface UserInsert {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  scopeId: string;
  workerId: string | null;
  locale: Locale;
}

export async function insertUser(db: Kysely<Database>, user: UserInsert): Promise<UserRow> {
  await db.insertInto('users').values({
    id: user.id,
    username: user.username,
    display_name: user.displayName,
    password_hash: user.passwordHash,
    role: user.role,
    scope_id: user.scopeId,
    worker_id: user.workerId,
    locale: user.locale,
  }).execute();
  return db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
}

export async function findUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** The users scoped inside an org unit's subtree, by username, a page at a time. */
export async function listUsers(db: Kysely<Database>, filter: { scopeSubtreeOf: string; username?: string; limit: number; offset: number }): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll().where('scope_id', 'in', subtreeOf(filter.scopeSubtreeOf));
  if (filter.username) query = query.where('username', '=', filter.username);
  return query.orderBy('username').limit(filter.limit).offset(filter.offset).execute();
}

/** A user's row, locked (FOR UPDATE) until the caller's transaction ends. */
export async function lockUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The attempt a password check may make: its number in the current run of failures, and the lock it set. */
export interface SignInAttempt {
  failedAttempts: number;
  lockedUntil: Date | null;
}

/**
 * Counts a password check before it is made, in one UPDATE … RETURNING, so parallel checks cannot
 * all read the same count: each gets its own number, and the one that reaches `maxAttempts` locks
 * the account until `lockUntil` (a right password then clears it, see recordSignIn). Answers
 * nothing while the account is locked: no check may be made. A lock that has run out starts a
 * fresh count.
 */
export async function claimSignInAttempt(db: Kysely<Database>, id: string, claim: { at: Date; maxAttempts: number; lockUntil: Date }): Promise<SignInAttempt | undefined> {
  const attempt = sql<number>`(CASE WHEN locked_until IS NULL THEN failed_attempts ELSE 0 END) + 1`;
  const row = await db.updateTable('users')
    .set({
      failed_attempts: attempt,
      locked_until: sql<Date | null>`CASE WHEN ${attempt} >= ${claim.maxAttempts} THEN ${claim.lockUntil}::timestamptz ELSE NULL END`,
      updated_at: claim.at,
    })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', claim.at)]))
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirst();
  return row ? { failedAttempts: row.failed_attempts, lockedUntil: row.locked_until } : undefined;
}

/** A good sign-in clears the failure count and any lock. */
export async function recordSignIn(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('users')
    .set({ failed_attempts: 0, locked_until: null, last_sign_in_at: at, updated_at: at })
    .where('id', '=', id).execute();
}

export async function unlockUser(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('users').set({ failed_attempts: 0, locked_until: null, updated_at: at }).where('id', '=', id).execute();
}

/**
 * A new password hash; the failure count and any lock start afresh. `changeRequired` when an admin
 * set it (the user must choose their own next), not when the user did.
 */
export async function setPasswordHash(db: Kysely<Database>, id: string, passwordHash: string, at: Date, changeRequired: boolean): Promise<UserRow> {
  return db.updateTable('users').set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null, password_change_required: changeRequired, updated_at: at })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Disables (at a time) or re-enables (null) a user. */
export async function setDisabled(db: Kysely<Database>, id: string, disabledAt: Date | null, at: Date): Promise<UserRow> {
  return db.updateTable('users').set({ disabled_at: disabledAt, updated_at: at })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
