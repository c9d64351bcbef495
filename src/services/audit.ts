import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { listAudit, recordAudit, withAuditActor, type AuditFilter } from '../store/repositories/audit.js';
import { inScope, isRootOrgUnit } from '../store/repositories/org-unit.js';
import type { ServiceDeps } from './deps.js';

/**
 * Runs a request's work with its caller as the actor of every audit entry written meanwhile, so
 * each entry records who acted (token or user id) and the org unit their role is scoped to.
 */
export function actingAs<T>(principal: Principal, work: () => Promise<T>): Promise<T> {
  return withAuditActor({ actorId: principal.tokenId, scopeId: principal.scopeId || null }, work);
}

/** What a read asked for: the route's path values and its query, as validated. */
export interface ReadFilter {
  params: unknown;
  query: unknown;
}

/**
 * The audit entry of a read of personal data: the route (entity), the path values that name what
 * was read (entityId, e.g. a worker id) or, for a list, its query string, and both in full
 * (after), so "who read worker X" and "who listed community Y's workers" can be answered.
 */
export function personalDataReadEntry(route: { path: string }, filter: ReadFilter): { entity: string; entityId: string; after: { params: Record<string, unknown>; query: Record<string, unknown> } } {
  const params = plainObject(filter.params);
  const query = plainObject(filter.query);
  const named = Object.values(params).map(String);
  const queryString = Object.keys(query).sort()
    .filter((key) => query[key] !== undefined)
    .map((key) => `${key}=${String(query[key])}`)
    .join('&');
  return {
    entity: route.path,
    entityId: named.length > 0 ? named.join('/') : queryString ? `?${queryString}` : '*',
    after: { params, query },
  };
}

function plainObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

/** Records that a caller read personal data (a route marked `personalData`), with what they asked for. */
export async function auditPersonalDataRead(deps: ServiceDeps, principal: Principal, route: { path: string }, filter: ReadFilter, requestId: string): Promise<void> {
  const entry = personalDataReadEntry(route, filter);
  await recordAudit(deps.store.db, {
    actor: principal.name, action: 'read', ...entry, requestId, actorId: principal.tokenId, scopeId: principal.scopeId || null,
  });
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string;
  actorId: string | null;
  scopeId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

/**
 * The audit log, newest first, filtered, limited to the caller's subtree: an entry belongs to the
 * org unit its actor's role is scoped to. Entries without a scope (the system's, and sign-in
 * attempts for unknown usernames) are shown only to admins at a root of the org tree.
 */
export async function listAuditEntries(deps: ServiceDeps, principal: Principal, filter: AuditFilter & { scopeId?: string }): Promise<AuditEntryView[]> {
  const db = deps.store.db;
  const { scopeId, ...rest } = filter;
  const under = scopeId ?? principal.scopeId;
  if (scopeId && !(await inScope(db, principal, scopeId))) {
    throw notFound(`org unit ${scopeId}`, { reason: 'org_unit_not_found', values: { orgUnitId: scopeId } });
  }
  const rows = await listAudit(db, rest, { subtreeOf: under, includeUnscoped: await isRootOrgUnit(db, under) });
  return rows.map((row) => ({
    id: String(row.id), at: row.at.toISOString(), actor: row.actor, actorId: row.actor_id, scopeId: row.scope_id, action: row.action,
    entity: row.entity, entityId: row.entity_id, before: row.before, after: row.after, requestId: row.request_id,
  }));
}
