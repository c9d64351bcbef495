import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Locale, Role } from '../domain/types.js';
import type { Database, Row } from '../store/database.js';
import { recordAudit } from '../store/repositories/audit.js';
import type { Principal } from '../domain/principal.js';
import { ApiError } from './errors.js';

// Dashboard sign-in: argon2id password hashes, cookie sessions stored as SHA-256 of their ids, and
// a CSRF token per session sent back as a header (double submit, bound to the session).

export const SESSION_COOKIE = 'sg_session';
export const CSRF_COOKIE = 'sg_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

// argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1): OWASP's recommended minimum.
export const hashPassword = (password: string) => hash(password);

// Compared against when the username is unknown, so a miss costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

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

export function userView(row: Row<'users'>): UserView {
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
export async function createUser(db: Kysely<Database>, input: NewUser): Promise<UserView> {
  const id = randomUUID();
  await db.insertInto('users').values({
    id,
    username: input.username,
    display_name: input.displayName,
    password_hash: await hashPassword(input.password),
    role: input.role,
    scope_id: input.scopeId,
    worker_id: input.workerId ?? null,
    locale: input.locale ?? 'zh-CN',
  }).execute();
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return userView(row);
}

export async function listUsers(db: Kysely<Database>, page: { limit: number; offset: number }): Promise<UserView[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('username').limit(page.limit).offset(page.offset).execute();
  return rows.map(userView);
}

export interface SignedIn {
  user: UserView;
  /** The cookie value; only its hash is stored. */
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SignInContext {
  db: Kysely<Database>;
  config: Config;
  now: Date;
  requestId: string;
}

/**
 * Checks a username and password. Every attempt is audited; the n-th failure in a row
 * (SIGN_IN_MAX_ATTEMPTS) locks the account for SIGN_IN_LOCK_MINUTES, during which even the right
 * password is refused.
 */
export async function signIn(ctx: SignInContext, username: string, password: string): Promise<SignedIn> {
  const { db, config, now, requestId } = ctx;
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const audit = (action: string, after: Record<string, unknown>) => recordAudit(db, {
    actor: username, action, entity: 'user', entityId: row?.id ?? `username:${username}`, after, requestId,
  });

  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    await audit('sign_in_failed', { reason: 'unknown_username' });
    throw badCredentials();
  }
  if (row.disabled_at) {
    await audit('sign_in_failed', { reason: 'disabled' });
    throw badCredentials();
  }
  if (row.locked_until && row.locked_until.getTime() > now.getTime()) {
    await audit('sign_in_failed', { reason: 'locked', lockedUntil: row.locked_until.toISOString() });
    throw locked(row.locked_until);
  }

  const good = await verify(row.password_hash, password).catch(() => false);
  if (!good) {
    // A lock that has run out starts a fresh count.
    const previous = row.locked_until ? 0 : row.failed_attempts;
    const attempts = previous + 1;
    const lockNow = attempts >= config.SIGN_IN_MAX_ATTEMPTS;
    const lockedUntil = lockNow ? new Date(now.getTime() + config.SIGN_IN_LOCK_MINUTES * 60_000) : null;
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('users')
        .set({ failed_attempts: lockNow ? 0 : attempts, locked_until: lockedUntil, updated_at: now })
        .where('id', '=', row.id).execute();
      await recordAudit(trx, {
        actor: username, action: 'sign_in_failed', entity: 'user', entityId: row.id, requestId,
        after: { reason: 'wrong_password', failedAttempts: attempts, ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}) },
      });
    });
    if (lockedUntil) throw locked(lockedUntil);
    throw badCredentials();
  }

  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + config.SESSION_TTL_HOURS * 3_600_000);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users')
      .set({ failed_attempts: 0, locked_until: null, last_sign_in_at: now, updated_at: now })
      .where('id', '=', row.id).execute();
    await trx.insertInto('user_sessions').values({
      id_hash: sha256(sessionId), user_id: row.id, csrf_hash: sha256(csrfToken), created_at: now, expires_at: expiresAt,
    }).execute();
    await recordAudit(trx, { actor: username, action: 'sign_in', entity: 'user', entityId: row.id, after: { expiresAt: expiresAt.toISOString() }, requestId });
  });
  return { user: userView({ ...row, last_sign_in_at: now }), sessionId, csrfToken, expiresAt };
}

function badCredentials() {
  return new ApiError('unauthorized', 'wrong username or password', [{ path: 'body.password', message: 'wrong username or password' }]);
}

function locked(until: Date) {
  return new ApiError('unauthorized', `this account is locked after too many failed sign-ins until ${until.toISOString()}`, [
    { path: 'body.username', message: 'account locked after too many failed sign-ins', lockedUntil: until.toISOString() },
  ]);
}

/** Ends a session; the cookie stops working at once. */
export async function signOut(db: Kysely<Database>, principal: Principal, now: Date, requestId: string): Promise<void> {
  if (!principal.session) return;
  const { idHash, userId } = principal.session;
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('user_sessions').set({ revoked_at: now }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
    await recordAudit(trx, { actor: principal.name, action: 'sign_out', entity: 'user', entityId: userId, requestId });
  });
}

/** The cookies of a request, by name. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (!cookies.has(name)) {
      try {
        cookies.set(name, decodeURIComponent(part.slice(index + 1).trim()));
      } catch {
        // a malformed cookie is ignored, as if absent
      }
    }
  }
  return cookies;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CookieRequest {
  method: string;
  cookieHeader: string | undefined;
  csrfHeader: string | undefined;
}

/**
 * The principal of a cookie session. Mutating requests must also carry the session's CSRF token in
 * `x-csrf-token`, equal to the `sg_csrf` cookie: another site's page can make the browser send the
 * cookie but can neither read the token nor set the header.
 */
export async function authenticateSession(db: Kysely<Database>, request: CookieRequest, now: Date): Promise<Principal> {
  const cookies = parseCookies(request.cookieHeader);
  const sessionId = cookies.get(SESSION_COOKIE);
  if (!sessionId) throw new ApiError('unauthorized', 'not signed in: sign in, or send Authorization: Bearer <token>');
  const row = await db.selectFrom('user_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id_hash', 's.csrf_hash', 's.expires_at', 's.revoked_at', 'u.id as user_id', 'u.username', 'u.role', 'u.scope_id', 'u.worker_id', 'u.disabled_at'])
    .where('s.id_hash', '=', sha256(sessionId))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.disabled_at || row.expires_at.getTime() <= now.getTime()) {
    throw new ApiError('unauthorized', 'your session has ended: sign in again');
  }
  if (!SAFE_METHODS.has(request.method.toUpperCase())) {
    const header = request.csrfHeader ?? '';
    const cookie = cookies.get(CSRF_COOKIE) ?? '';
    if (!header || header !== cookie || !sameHex(sha256(header), row.csrf_hash)) {
      throw new ApiError('forbidden', `missing or wrong CSRF token: send the ${CSRF_COOKIE} cookie's value in the ${CSRF_HEADER} header`);
    }
  }
  return {
    tokenId: `user:${row.user_id}`,
    name: row.username,
    role: row.role,
    scopeId: row.scope_id,
    workerId: row.worker_id,
    session: { userId: row.user_id, idHash: row.id_hash },
  };
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Set-Cookie values for a new session: the httpOnly session cookie and the readable CSRF cookie. */
export function sessionCookies(signedIn: { sessionId: string; csrfToken: string; expiresAt: Date }, secure: boolean, now: Date): string[] {
  const maxAge = Math.max(0, Math.floor((signedIn.expiresAt.getTime() - now.getTime()) / 1000));
  const common = `Path=/; Max-Age=${maxAge}; SameSite=Strict${secure ? '; Secure' : ''}`;
  return [
    `${SESSION_COOKIE}=${signedIn.sessionId}; ${common}; HttpOnly`,
    `${CSRF_COOKIE}=${signedIn.csrfToken}; ${common}`,
  ];
}

export function clearedCookies(secure: boolean): string[] {
  const common = `Path=/; Max-Age=0; SameSite=Strict${secure ? '; Secure' : ''}`;
  return [`${SESSION_COOKIE}=; ${common}; HttpOnly`, `${CSRF_COOKIE}=; ${common}`];
}

/** Cookies are marked Secure when the service is published over https. */
export function secureCookies(config: Config): boolean {
  return config.PUBLIC_URL?.startsWith('https:') ?? false;
}
