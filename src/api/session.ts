import type { Config } from '../config.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from '../services/deps.js';
import { findLiveSession, type SignInRefusal } from '../services/session.js';
import { ApiError } from './errors.js';

// The HTTP side of dashboard sign-in: the session and CSRF cookies, the CSRF header check, and the
// 401s a refused sign-in or an ended session answer. Passwords and sessions are src/services/session.ts.

export const SESSION_COOKIE = 'sg_session';
export const CSRF_COOKIE = 'sg_csrf';
export const CSRF_HEADER = 'x-csrf-token';

// Kept for callers outside the API (test/web, scripts/screenshots.ts, bench/api-reads.ts) until they
// import it from src/services/user.ts.

/** The 401 a refused sign-in answers: the same for an unknown user and a wrong password. */
export function signInRefused(refused: SignInRefusal): ApiError {
  if (refused.refusal === 'locked') {
    const until = refused.lockedUntil.toISOString();
    return new ApiError('unauthorized', `this account is locked after too many failed sign-ins until ${until}`, [
      { path: 'body.username', message: 'account locked after too many failed sign-ins', lockedUntil: until },
    ], {}, { reason: 'account_locked', values: { lockedUntil: until } });
  }
  return new ApiError('unauthorized', 'wrong username or password', [{ path: 'body.password', message: 'wrong username or password' }], {}, { reason: 'wrong_credentials' });
}

/**
 * The 403 a session answers while its admin-reset password is unchanged: the admin has seen that
 * password, so until the user chooses their own the session may change it and sign out, no more.
 */
export function passwordChangeRequired(): ApiError {
  return new ApiError('forbidden', 'an admin reset your password: change it (POST /api/auth/password) before anything else', undefined, {}, { reason: 'password_change_required' });
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
export async function authenticateSession(deps: ServiceDeps, request: CookieRequest): Promise<Principal> {
  const cookies = parseCookies(request.cookieHeader);
  const sessionId = cookies.get(SESSION_COOKIE);
  if (!sessionId) throw new ApiError('unauthorized', 'not signed in: sign in, or send Authorization: Bearer <token>', undefined, {}, { reason: 'token_missing' });
  const session = await findLiveSession(deps, sessionId);
  if (!session) throw new ApiError('unauthorized', 'your session has ended: sign in again', undefined, {}, { reason: 'session_ended' });
  if (!SAFE_METHODS.has(request.method.toUpperCase())) {
    const header = request.csrfHeader ?? '';
    const cookie = cookies.get(CSRF_COOKIE) ?? '';
    if (!header || header !== cookie || !session.csrfMatches(header)) {
      throw new ApiError('forbidden', `missing or wrong CSRF token: send the ${CSRF_COOKIE} cookie's value in the ${CSRF_HEADER} header`, undefined, {}, { reason: 'csrf_invalid' });
    }
  }
  return session.principal;
}

/** Set-Cookie values for a new session: the httpOnly session cookie and the readable CSRF cookie. */
export function sessionCookies(signedIn: { sessionId: string; csrfToken: string; signedInAt: Date; expiresAt: Date }, secure: boolean): string[] {
  const maxAge = Math.max(0, Math.floor((signedIn.expiresAt.getTime() - signedIn.signedInAt.getTime()) / 1000));
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
