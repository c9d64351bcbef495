import type { Kysely } from 'kysely';
import type { Database, Role } from '../database.js';

// Dashboard sign-in sessions, stored as the SHA-256 of the cookie's id (and of its CSRF token).

export async function insertUserSession(db: Kysely<Database>, session: { idHash: string; userId: string; csrfHash: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db.insertInto('user_sessions').values({
    id_hash: session.idHash, user_id: session.userId, csrf_hash: session.csrfHash, created_at: session.createdAt, expires_at: session.expiresAt,
  }).execute();
}

export interface UserSessionWithUser {
  idHash: string;
  csrfHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
  userId: string;
  username: string;
  role: Role;
  scopeId: string;
  workerId: string | null;
  userDisabledAt: Date | null;
  /** The user's password was reset by an admin and not yet changed by them. */
  passwordChangeRequired: boolean;
}

/** A session and the user it signs in, live or not (the caller decides). */
export async function findUserSession(db: Kysely<Database>, idHash: string): Promise<UserSessionWithUser | undefined> {
  const row = await db.selectFrom('user_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id_hash', 's.csrf_hash', 's.expires_at', 's.revoked_at', 'u.id as user_id', 'u.username', 'u.role', 'u.scope_id', 'u.worker_id', 'u.disabled_at', 'u.password_change_required'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    idHash: row.id_hash,
    csrfHash: row.csrf_hash,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    userId: row.user_id,
    username: row.username,
    role: row.role,
    scopeId: row.scope_id,
    workerId: row.worker_id,
    userDisabledAt: row.disabled_at,
    passwordChangeRequired: row.password_change_required,
  };
}

/** Ends a session (once: an ended session keeps its first end time). */
export async function revokeUserSession(db: Kysely<Database>, idHash: string, at: Date): Promise<void> {
  await db.updateTable('user_sessions').set({ revoked_at: at }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
}

/** Ends every live session of a user but one (the caller's own, when they act on themselves); answers how many ended. */
export async function revokeSessionsOfUser(db: Kysely<Database>, userId: string, at: Date, exceptIdHash?: string): Promise<number> {
  let query = db.updateTable('user_sessions').set({ revoked_at: at })
    .where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', at);
  if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
