import type { Kysely } from 'kysely';
import type { Database, Locale, Role, Row } from '../database.js';

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

export async function listUsers(db: Kysely<Database>, page: { limit: number; offset: number }): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('username').limit(page.limit).offset(page.offset).execute();
}

/** Counts a failed sign-in, or (when `lockedUntil` is set) locks the account and restarts the count. */
export async function recordFailedSignIn(db: Kysely<Database>, id: string, change: { failedAttempts: number; lockedUntil: Date | null; at: Date }): Promise<void> {
  await db.updateTable('users')
    .set({ failed_attempts: change.failedAttempts, locked_until: change.lockedUntil, updated_at: change.at })
    .where('id', '=', id).execute();
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
