import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Role } from '../domain/types.js';
import type { Store } from '../store/connect.js';
import * as tokens from '../store/repositories/api-token.js';
import { recordAudit } from '../store/repositories/audit.js';
import { inScope, orgUnitExists } from '../store/repositories/org-unit.js';
import { getWorker } from '../store/repositories/worker.js';
import { workerInScope } from './worker.js';
import type { ServiceDeps } from './deps.js';

// API tokens: minted here, stored as hashes, checked on every request that sends one.

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedToken {
  id: string;
  token: string;
}

export interface NewToken {
  name: string;
  role: Role;
  scopeId: string;
  workerId?: string | null;
  expiresAt?: Date | null;
}

/** Creates a random token on the caller's transaction; only its hash is stored, so the token is shown once. */
export async function createToken(db: Store['db'], input: NewToken): Promise<CreatedToken> {
  const id = randomUUID();
  const token = `sg_${randomBytes(32).toString('base64url')}`;
  await tokens.insertApiToken(db, {
    id,
    name: input.name,
    role: input.role,
    scopeId: input.scopeId,
    workerId: input.workerId ?? null,
    tokenHash: hashToken(token),
    expiresAt: input.expiresAt ?? null,
  });
  return { id, token };
}

/** `last_used_at` is written at most this often per token, so a busy token costs no write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The principal of a live token; expired, revoked and unknown tokens find nothing. */
export async function authenticateToken(deps: Pick<ServiceDeps, 'store' | 'clock'>, token: string): Promise<Principal | undefined> {
  const db = deps.store.db;
  const now = deps.clock();
  const row = await tokens.findApiTokenByHash(db, hashToken(token));
  if (!row || row.revoked_at) return undefined;
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    await tokens.touchApiToken(db, row.id, now, new Date(now.getTime() - LAST_USED_RESOLUTION_MS));
  }
  return { tokenId: row.id, name: row.name, role: row.role, scopeId: row.scope_id, workerId: row.worker_id };
}

/** Who a token or user acts as: a scope that exists and is within the granter's, and a worker where the role needs one. */
export interface Grant {
  role: Role;
  scopeId: string;
  workerId?: string | null;
}

/**
 * Checks a grant an admin is about to make (a token or a dashboard user): the scope exists and lies
 * within the admin's own, the worker exists, and leads and social workers act for a worker.
 */
export async function checkGrant(deps: ServiceDeps, principal: Principal, grant: Grant, holder: 'token' | 'user'): Promise<void> {
  const db = deps.store.db;
  if (!(await orgUnitExists(db, grant.scopeId))) {
    throw invalid([{ path: 'body.scopeId', message: 'unknown org unit' }], { reason: 'unknown_scope', values: { scopeId: grant.scopeId } });
  }
  if (!(await inScope(db, principal, grant.scopeId))) {
    throw forbidden('that scope is outside yours', { reason: 'scope_outside_yours', values: { scopeId: grant.scopeId } });
  }
  // A worker outside the granter's scope is as good as unknown: a token acting for them would read
  // their personal data and inbox.
  const worker = grant.workerId ? await getWorker(db, grant.workerId) : undefined;
  if (grant.workerId && (!worker || !(await workerInScope(db, principal, worker)))) {
    throw invalid([{ path: 'body.workerId', message: 'unknown worker' }], { reason: 'unknown_worker', values: { workerId: grant.workerId } });
  }
  if ((grant.role === 'social_worker' || grant.role === 'station_lead') && !grant.workerId) {
    throw invalid([{ path: 'body.workerId', message: `required for role ${grant.role}` }], { reason: 'worker_required_for_role', values: { role: grant.role, holder } });
  }
}

export interface TokenRequest {
  name: string;
  role: Role;
  scopeId: string;
  workerId?: string | null;
  /** An instant with an offset, in the future. */
  expiresAt?: string | null;
}

/** An admin creates a token within their scope; the creation is audited (without the secret). */
export async function issueToken(deps: ServiceDeps, principal: Principal, request: TokenRequest, requestId: string): Promise<CreatedToken> {
  await checkGrant(deps, principal, request, 'token');
  if (request.expiresAt && new Date(request.expiresAt).getTime() <= deps.clock().getTime()) {
    throw invalid([{ path: 'body.expiresAt', message: 'must be in the future' }], { reason: 'expiry_in_past', values: { expiresAt: request.expiresAt } });
  }
  return deps.store.db.transaction().execute(async (trx) => {
    const created = await createToken(trx, { ...request, expiresAt: request.expiresAt ? new Date(request.expiresAt) : null });
    await recordAudit(trx, { actor: principal.name, action: 'create', entity: 'api_token', entityId: created.id, after: { ...request }, requestId });
    return created;
  });
}

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  scopeId: string;
  workerId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The tokens scoped inside the caller's subtree (a token belongs to the org unit of its scope), never the secrets. */
export async function listTokens(deps: ServiceDeps, principal: Principal): Promise<TokenView[]> {
  const rows = await tokens.listApiTokens(deps.store.db, { scopeSubtreeOf: principal.scopeId });
  return rows.map((row) => ({
    id: row.id, name: row.name, role: row.role, scopeId: row.scope_id, workerId: row.worker_id,
    createdAt: row.created_at.toISOString(), expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null, lastUsedAt: row.last_used_at?.toISOString() ?? null,
  }));
}

/** Revokes a token scoped inside the caller's subtree (a second revoke answers the first time); audited. */
export async function revokeToken(deps: ServiceDeps, principal: Principal, tokenId: string, requestId: string): Promise<{ id: string; revokedAt: string }> {
  return deps.store.db.transaction().execute(async (trx) => {
    const row = await tokens.findApiToken(trx, tokenId);
    // A token scoped outside the caller's subtree (the city admin's, for a community admin) is as good as missing.
    if (!row || !(await inScope(trx, principal, row.scope_id))) throw notFound(`token ${tokenId}`, { reason: 'token_not_found', values: { tokenId } });
    if (row.revoked_at) return { id: row.id, revokedAt: row.revoked_at.toISOString() };
    const revokedAt = deps.clock();
    await tokens.revokeApiToken(trx, row.id, revokedAt);
    await recordAudit(trx, { actor: principal.name, action: 'revoke', entity: 'api_token', entityId: row.id, before: { revokedAt: null }, after: { revokedAt }, requestId });
    return { id: row.id, revokedAt: revokedAt.toISOString() };
  });
}
