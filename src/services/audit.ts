import type { Principal } from '../domain/principal.js';
import { listAudit, recordAudit, type AuditFilter } from '../store/repositories/audit.js';
import type { ServiceDeps } from './deps.js';

/** Records that a caller read personal data (a route marked `personalData`), with what they asked for. */
export async function auditPersonalDataRead(deps: ServiceDeps, principal: Principal, entity: string, entityId: string, requestId: string): Promise<void> {
  await recordAudit(deps.store.db, { actor: principal.name, action: 'read', entity, entityId, requestId });
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

/** The audit log, newest first, filtered. */
export async function listAuditEntries(deps: ServiceDeps, filter: AuditFilter): Promise<AuditEntryView[]> {
  const rows = await listAudit(deps.store.db, filter);
  return rows.map((row) => ({
    id: String(row.id), at: row.at.toISOString(), actor: row.actor, action: row.action, entity: row.entity,
    entityId: row.entity_id, before: row.before, after: row.after, requestId: row.request_id,
  }));
}
