import { forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { deliveryFailureReason } from '../domain/delivery-failure.js';
import { recordAudit } from '../store/repositories/audit.js';
import { getNotification, inboxItem, listFailures, listInbox, markRead } from '../store/repositories/notification.js';
import { subtreeIds } from '../store/repositories/org-unit.js';
import { getWorker } from '../store/repositories/worker.js';
import type { ServiceDeps } from './deps.js';

// The in-app inbox (every notification is also there) and the failed deliveries for the dashboard.

const READ_OTHERS: ReadonlySet<string> = new Set(['admin', 'supervisor']);

/** Whose inbox a request reads: one's own, or (supervisors, admins) someone's in scope. */
async function inboxOwner(deps: ServiceDeps, principal: Principal, recipientId: string | undefined): Promise<string> {
  if (!recipientId || recipientId === principal.workerId) {
    if (principal.workerId) return principal.workerId;
    throw invalid([{ path: 'query.recipientId', message: 'required for a token without a worker' }], { reason: 'inbox_recipient_required' });
  }
  if (!READ_OTHERS.has(principal.role)) {
    throw forbidden(`role ${principal.role} may read only its own inbox`, { reason: 'inbox_of_another', values: { role: principal.role } });
  }
  const worker = await getWorker(deps.store.db, recipientId);
  const units = await subtreeIds(deps.store.db, principal.scopeId);
  if (!worker || !units.includes(worker.orgUnitId)) throw notFound(`worker ${recipientId}`, { reason: 'worker_not_found', values: { workerId: recipientId } });
  return worker.id;
}

export interface InboxFilter {
  recipientId?: string;
  unread?: boolean;
  kind?: string;
  limit: number;
  offset: number;
}

/** An inbox, newest first; reading someone else's is audited. */
export async function readInbox(deps: ServiceDeps, principal: Principal, filter: InboxFilter, requestId: string) {
  const recipientId = await inboxOwner(deps, principal, filter.recipientId);
  const page = await listInbox(deps.store.db, { recipientId, unread: filter.unread, kind: filter.kind, limit: filter.limit, offset: filter.offset });
  if (recipientId !== principal.workerId) {
    await recordAudit(deps.store.db, { actor: principal.name, action: 'read', entity: 'inbox', entityId: recipientId, requestId });
  }
  return { recipientId, ...page };
}

/** Marks one of the caller's own inbox notifications read (once); audited. */
export async function markInboxItemRead(deps: ServiceDeps, principal: Principal, notificationId: string, requestId: string) {
  const row = await getNotification(deps.store.db, notificationId);
  // Someone else's notification is as good as missing: its id tells nothing.
  if (!row || row.channel !== 'inbox' || !principal.workerId || row.recipient_id !== principal.workerId) {
    throw notFound(`notification ${notificationId}`, { reason: 'notification_not_found', values: { notificationId } });
  }
  if (row.read_at) return inboxItem(row);
  const updated = await deps.store.db.transaction().execute(async (trx) => {
    const after = await markRead(trx, row.id, deps.clock());
    await recordAudit(trx, { actor: principal.name, action: 'read', entity: 'notification', entityId: row.id, before: { readAt: null }, after: { readAt: after.read_at }, requestId });
    return after;
  });
  return inboxItem(updated);
}

/** Deliveries that failed for good (or are being retried) for workers in the caller's scope. */
export async function listDeliveryFailures(
  deps: ServiceDeps,
  principal: Principal,
  filter: { status: 'failed' | 'retrying'; channel?: 'email' | 'wecom'; limit: number; offset: number },
) {
  const orgUnitIds = await subtreeIds(deps.store.db, principal.scopeId);
  const failures = await listFailures(deps.store.db, { orgUnitIds, ...filter });
  return { ...failures, items: failures.items.map((item) => ({ ...item, reason: deliveryFailureReason(item.lastError) })) };
}
