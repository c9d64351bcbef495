import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { recordAudit } from '../store/repositories/audit.js';
import { getOrgUnit, type OrgUnitView } from '../store/repositories/org-unit.js';
import * as sessions from '../store/repositories/session.js';
import * as users from '../store/repositories/user.js';
import { getWorker } from '../store/repositories/worker.js';
import type { ServiceDeps } from './deps.js';
import { hashPassword, userView, type UserView } from './user.js';

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
 * password is refused.
 */
export async function signIn(deps: ServiceDeps, credentials: { username: string; password: string }, requestId: string): Promise<SignedIn | SignInRefusal> {
  const { config } = deps;
  const db = deps.store.db;
  const now = deps.clock();
  const { username, password } = credentials;
  const row = await users.findUserByUsername(db, username);
  const audit = (action: string, after: Record<string, unknown>) => recordAudit(db, {
    actor: username, action, entity: 'user', entityId: row?.id ?? `username:${username}`, after, requestId,
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
  if (row.locked_until && row.locked_until.getTime() > now.getTime()) {
    await audit('sign_in_failed', { reason: 'locked', lockedUntil: row.locked_until.toISOString() });
    return { ok: false, refusal: 'locked', lockedUntil: row.locked_until };
  }

  const good = await verify(row.password_hash, password).catch(() => false);
  if (!good) {
    // A lock that has run out starts a fresh count.
    const previous = row.locked_until ? 0 : row.failed_attempts;
    const attempts = previous + 1;
    const lockNow = attempts >= config.SIGN_IN_MAX_ATTEMPTS;
    const lockedUntil = lockNow ? new Date(now.getTime() + config.SIGN_IN_LOCK_MINUTES * 60_000) : null;
    await db.transaction().execute(async (trx) => {
      await users.recordFailedSignIn(trx, row.id, { failedAttempts: lockNow ? 0 : attempts, lockedUntil, at: now });
      await recordAudit(trx, {
        actor: username, action: 'sign_in_failed', entity: 'user', entityId: row.id, requestId,
        after: { reason: 'wrong_password', failedAttempts: attempts, ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}) },
      });
    });
    return lockedUntil ? { ok: false, refusal: 'locked', lockedUntil } : WRONG;
  }

  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + config.SESSION_TTL_HOURS * 3_600_000);
  await db.transaction().execute(async (trx) => {
    await users.recordSignIn(trx, row.id, now);
    await sessions.insertUserSession(trx, { idHash: sha256(sessionId), userId: row.id, csrfHash: sha256(csrfToken), createdAt: now, expiresAt });
    await recordAudit(trx, { actor: username, action: 'sign_in', entity: 'user', entityId: row.id, after: { expiresAt: expiresAt.toISOString() }, requestId });
  });
  return { ok: true, user: userView({ ...row, last_sign_in_at: now }), sessionId, csrfToken, signedInAt: now, expiresAt };
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
      session: { userId: row.userId, idHash: row.idHash },
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
    temporalUi: baseUrl ? { baseUrl: baseUrl.replace(/\/$/, ''), namespace: deps.config.TEMPORAL_NAMESPACE } : null,
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
