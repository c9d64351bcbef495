import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { subtreeOf } from './org-unit.js';

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  /** The acting token or user; defaults to the request's actor (see actingAs). */
  actorId?: string | null;
  /** The org unit the actor's role is scoped to; defaults to the request's actor's. */
  scopeId?: string | null;
}

/** Who is acting in the current request: every audit entry written meanwhile carries their ids. */
export interface AuditActor {
  actorId: string;
  scopeId: string | null;
}

// An entry belongs to its actor's scope. Audit entries are written by every area, deep inside
// services and repositories that are handed a name only; the request's actor travels with the
// async context instead, so no area can forget it and no call site has to change.
const currentActor = new AsyncLocalStorage<AuditActor>();

/** Runs `work` with `actor` as the actor of every audit entry it writes. */
export function withAuditActor<T>(actor: AuditActor, work: () => Promise<T>): Promise<T> {
  return currentActor.run(actor, work);
}

/** Appends to the audit log; call it with the transaction that makes the change, so both land or neither. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  const context = currentActor.getStore();
  await db.insertInto('audit_log').values({
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    request_id: entry.requestId ?? null,
    actor_id: entry.actorId !== undefined ? entry.actorId : context?.actorId ?? null,
    scope_id: entry.scopeId !== undefined ? entry.scopeId : context?.scopeId ?? null,
  }).execute();
}

export interface AuditFilter {
  actor?: string;
  entity?: string;
  entityId?: string;
  action?: string;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

/** Which entries a reader may see: those of actors scoped inside an org unit's subtree, and unscoped ones only when said. */
export interface AuditVisibility {
  subtreeOf: string;
  includeUnscoped: boolean;
}

export async function listAudit(db: Kysely<Database>, filter: AuditFilter, visible?: AuditVisibility) {
  let query = db.selectFrom('audit_log').selectAll();
  if (visible) {
    query = query.where((eb) => eb.or([
      eb('scope_id', 'in', subtreeOf(visible.subtreeOf)),
      ...(visible.includeUnscoped ? [eb('scope_id', 'is', null)] : []),
    ]));
  }
  if (filter.actor) query = query.where('actor', '=', filter.actor);
  if (filter.entity) query = query.where('entity', '=', filter.entity);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.until) query = query.where('at', '<', filter.until);
  return query.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
}
