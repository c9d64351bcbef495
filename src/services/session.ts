import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { recordAudit } from '../store/repositories/audit.js';
import { getOrgUnit, type OrgUnitView } from '../store/repositories/org-unit.js';
import * as sessions from '../store/repositories/session.js';
import * as users from '../store/repositories/user.js';
import { getWorker } from '../store/repositories/worker.js';
import type { ServiceDeps } from './deps.js';
import { hashPassword, passwordProblems, userView, type UserView } from './user.js';

// Dashboard sign-in: argon2id password checks with a lock after repeated failures, sessions stored
// as SHA-256 of their ids, and a CSRF token per session (its hash kept beside the session's).

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

// Compared against when the username is unknown, so a miss costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

export interface SignedIn {
  ok: true;
  user: UserView;
  /** The cookie value; only its hash is stored. */
  sessionId: string;
  csrfToken: string;
  signedInAt: Date;
  expiresAt: Date;
}

/** A refused sign-in: the API answers both with 401, and says when a lock ends. */
export type SignInRefusal =
  | { ok: false; refusal: 'wrong_credentials' }
  | { ok: false; refusal: 'locked'; lockedUntil: Date };

const WRONG: SignInRefusal = { ok: false, refusal: 'wrong_credentials' };

/**
 * Checks a username and password. Every attempt is audited; the n-th failure in a row
 * (SIGN_IN_MAX_ATTEMPTS) locks the account for SIGN_IN_LOCK_MINUTES, during which even the right
 * password is refused. Each check is counted before it is made (users.claimSignInAttempt), so
 * parallel guesses get exactly SIGN_IN_MAX_ATTEMPTS checks between them, never more.
 */
export async function signIn(deps: ServiceDeps, credentials: { username: string; password: string }, requestId: string): Promise<SignedIn | SignInRefusal> {
  const { config } = deps;
  const db = deps.store.db;
  const now = deps.clock();
  const { username, password } = credentials;
  const row = await users.findUserByUsername(db, username);
  const audit = (action: string, after: Record<string, unknown>) => recordAudit(db, {
    actor: username, action, entity: 'user', entityId: row?.id ?? `username:${username}`, after, requestId,
    actorId: row ? `user:${row.id}` : null, scopeId: row?.scope_id ?? null,
  });

  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    await audit('sign_in_failed', { reason: 'unknown_username' });
    return WRONG;
  }
  if (row.disabled_at) {
    await audit('sign_in_failed', { reason: 'disabled' });
    return WRONG;
  }
  const check = await checkPassword(deps, row, password);
  if (check.outcome === 'locked') {
    await audit('sign_in_failed', { reason: 'locked', lockedUntil: check.lockedUntil.toISOString() });
    return { ok: false, refusal: 'locked', lockedUntil: check.lockedUntil };
  }
  if (check.outcome === 'wrong') {
    await audit('sign_in_failed', { reason: 'wrong_password', failedAttempts: check.failedAttempts, ...(check.lockedUntil ? { lockedUntil: check.lockedUntil.toISOString() } : {}) });
    return check.lockedUntil ? { ok: false, refusal: 'locked', lockedUntil: check.lockedUntil } : WRONG;
  }

  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + config.SESSION_TTL_HOURS * 3_600_000);
  await db.transaction().execute(async (trx) => {
    await users.recordSignIn(trx, row.id, now);
    await sessions.insertUserSession(trx, { idHash: sha256(sessionId), userId: row.id, csrfHash: sha256(csrfToken), createdAt: now, expiresAt });
    await recordAudit(trx, {
      actor: username, action: 'sign_in', entity: 'user', entityId: row.id, after: { expiresAt: expiresAt.toISOString() }, requestId,
      actorId: `user:${row.id}`, scopeId: row.scope_id,
    });
  });
  return { ok: true, user: userView({ ...row, last_sign_in_at: now, failed_attempts: 0, locked_until: null }), sessionId, csrfToken, signedInAt: now, expiresAt };
}

type PasswordCheck =
  | { outcome: 'right' }
  | { outcome: 'wrong'; failedAttempts: number; lockedUntil: Date | null }
  | { outcome: 'locked'; lockedUntil: Date };

/**
 * Checks a user's password against the lock: the attempt is counted first (atomically), a locked
 * account gets no check at all, and a right password clears the count (the caller records that).
 */
async function checkPassword(deps: ServiceDeps, row: users.UserRow, password: string): Promise<PasswordCheck> {
  const { config } = deps;
  const db = deps.store.db;
  const now = deps.clock();
  const attempt = await users.claimSignInAttempt(db, row.id, {
    at: now, maxAttempts: config.SIGN_IN_MAX_ATTEMPTS, lockUntil: new Date(now.getTime() + config.SIGN_IN_LOCK_MINUTES * 60_000),
  });
  if (!attempt) {
    const current = await users.findUser(db, row.id);
    return { outcome: 'locked', lockedUntil: current?.locked_until ?? now };
  }
  if (await verify(row.password_hash, password).catch(() => false)) return { outcome: 'right' };
  return { outcome: 'wrong', failedAttempts: attempt.failedAttempts, lockedUntil: attempt.lockedUntil };
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/**
 * A signed-in user changes their own password: the current one is required (a wrong one counts
 * toward the sign-in lock, so a borrowed session cannot guess it), the new one must pass the
 * strength rules, and every other session of theirs ends; this one stays. Tokens have no password.
 * It ends the change an admin's reset requires: the session may do everything again.
 */
export async function changeOwnPassword(deps: ServiceDeps, principal: Principal, change: PasswordChange, requestId: string): Promise<{ user: UserView; endedSessions: number }> {
  if (!principal.session) {
    throw forbidden('only a signed-in dashboard user has a password to change: sign in, or ask an admin to reset it', { reason: 'password_change_needs_session' });
  }
  const db = deps.store.db;
  const { userId, idHash } = principal.session;
  const row = await users.findUser(db, userId);
  if (!row) throw notFound(`user ${userId}`, { reason: 'user_not_found', values: { userId } });
  const weak = passwordProblems(change.newPassword, { username: row.username, current: change.currentPassword }, 'body.newPassword');
  if (weak.length > 0) throw invalid(weak, { reason: 'weak_password' });

  const check = await checkPassword(deps, row, change.currentPassword);
  if (check.outcome !== 'right') {
    const lockedUntil = check.lockedUntil?.toISOString();
    await recordAudit(db, {
      actor: principal.name, action: 'change_password_failed', entity: 'user', entityId: row.id, requestId,
      after: check.outcome === 'locked' ? { reason: 'locked', lockedUntil } : { reason: 'wrong_password', failedAttempts: check.failedAttempts, ...(lockedUntil ? { lockedUntil } : {}) },
    });
    if (lockedUntil) {
      throw invalid([{ path: 'body.currentPassword', message: `account locked after too many failed attempts until ${lockedUntil}` }], { reason: 'account_locked', values: { lockedUntil } });
    }
    throw invalid([{ path: 'body.currentPassword', message: 'wrong password' }], { reason: 'wrong_current_password' });
  }

  const passwordHash = await hashPassword(change.newPassword);
  return db.transaction().execute(async (trx) => {
    const now = deps.clock();
    const updated = await users.setPasswordHash(trx, row.id, passwordHash, now, false);
    const endedSessions = await sessions.revokeSessionsOfUser(trx, row.id, now, idHash);
    await recordAudit(trx, { actor: principal.name, action: 'change_password', entity: 'user', entityId: row.id, after: { endedSessions }, requestId });
    return { user: userView(updated), endedSessions };
  });
}

/** Ends the caller's session, if they signed in with one; the cookie stops working at once. */
export async function signOut(deps: ServiceDeps, principal: Principal, requestId: string): Promise<void> {
  if (!principal.session) return;
  const { idHash, userId } = principal.session;
  await deps.store.db.transaction().execute(async (trx) => {
    await sessions.revokeUserSession(trx, idHash, deps.clock());
    await recordAudit(trx, { actor: principal.name, action: 'sign_out', entity: 'user', entityId: userId, requestId });
  });
}

export interface LiveSession {
  principal: Principal;
  /** Whether a CSRF token is this session's (compared by hash, in constant time). */
  csrfMatches(token: string): boolean;
}

/** The live session a cookie value names; ended, expired and disabled users' sessions find nothing. */
export async function findLiveSession(deps: ServiceDeps, sessionId: string): Promise<LiveSession | undefined> {
  const row = await sessions.findUserSession(deps.store.db, sha256(sessionId));
  if (!row || row.revokedAt || row.userDisabledAt || row.expiresAt.getTime() <= deps.clock().getTime()) return undefined;
  return {
    principal: {
      tokenId: `user:${row.userId}`,
      name: row.username,
      role: row.role,
      scopeId: row.scopeId,
      workerId: row.workerId,
      session: { userId: row.userId, idHash: row.idHash, passwordChangeRequired: row.passwordChangeRequired },
    },
    csrfMatches: (token) => sameHex(sha256(token), row.csrfHash),
  };
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export interface SessionView {
  principal: Pick<Principal, 'name' | 'role' | 'scopeId' | 'workerId'>;
  user: UserView | null;
  scope: OrgUnitView | null;
  temporalUi: { baseUrl: string; namespace: string } | null;
}

/** Who is signed in (or whose token this is), their scope, and where the Temporal UI is. */
export async function describeSession(deps: ServiceDeps, principal: Principal): Promise<SessionView> {
  const db = deps.store.db;
  const user = principal.session ? await users.findUser(db, principal.session.userId) : undefined;
  const scope = await getOrgUnit(db, principal.scopeId);
  const baseUrl = deps.config.TEMPORAL_UI_URL;
  return {
    principal: { name: principal.name, role: principal.role, scopeId: principal.scopeId, workerId: principal.workerId },
    user: user ? userView(user) : null,
    scope: scope ?? null,
    // The engine console resets and terminates workflows: it is offered to admins only.
    temporalUi: baseUrl && principal.role === 'admin' ? { baseUrl: baseUrl.replace(/\/$/, ''), namespace: deps.config.TEMPORAL_NAMESPACE } : null,
  };
}

export interface CallerView {
  tokenId: string;
  name: string;
  role: Principal['role'];
  scope: OrgUnitView;
  worker: { id: string; name: string; position: string; communityId: string | null } | null;
}

/** The caller's role, scope and worker: the dashboard's and `shegong whoami`'s view of a token. */
export async function describeCaller(deps: ServiceDeps, principal: Principal): Promise<CallerView> {
  const db = deps.store.db;
  const scope = await getOrgUnit(db, principal.scopeId);
  if (!scope) throw notFound(`org unit ${principal.scopeId}`, { reason: 'org_unit_not_found', values: { orgUnitId: principal.scopeId } });
  const worker = principal.workerId ? await getWorker(db, principal.workerId) : undefined;
  return {
    tokenId: principal.tokenId,
    name: principal.name,
    role: principal.role,
    scope,
    worker: worker ? { id: worker.id, name: worker.name, position: worker.position, communityId: worker.communityId } : null,
  };
}
