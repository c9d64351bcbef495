import type { Principal } from '../domain/principal.js';
import { authenticateToken } from '../services/api-token.js';
import type { ServiceDeps } from '../services/deps.js';
import { ApiError } from './errors.js';
import { authenticateSession, parseCookies, SESSION_COOKIE } from './session.js';

export interface CredentialHeaders {
  method: string;
  authorization: string | undefined;
  cookie: string | undefined;
  csrf: string | undefined;
}

/**
 * The caller of a request: the bearer token's principal or, when no Authorization header is sent,
 * the dashboard's signed-in cookie session. Anything else answers 401.
 */
export async function authenticateRequest(deps: ServiceDeps, headers: CredentialHeaders): Promise<Principal> {
  const header = headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  // The dashboard sends no Authorization header: its signed-in cookie session stands in for a token.
  const fromSession = !header && parseCookies(headers.cookie).has(SESSION_COOKIE)
    ? await authenticateSession(deps, { method: headers.method, cookieHeader: headers.cookie, csrfHeader: headers.csrf })
    : undefined;
  if (!token && !fromSession) throw new ApiError('unauthorized', 'missing bearer token: send Authorization: Bearer <token>, or sign in', undefined, {}, { reason: 'token_missing' });
  const found = fromSession ?? (token ? await authenticateToken(deps, token) : undefined);
  if (!found) throw new ApiError('unauthorized', 'token is unknown, expired or revoked', undefined, {}, { reason: 'token_invalid' });
  return found;
}
