import { subtreeIds } from '../../store/repositories/org-unit.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { ALL_ROLES, route, type AppDeps } from '../route.js';
import type { Principal } from '../../domain/principal.js';
import { failuresQuery, failuresView, inboxItemView, inboxQuery, inboxView, notificationIdParams } from '../../schemas/notification.js';
import { recordAudit } from '../../store/repositories/audit.js';
import { getNotification, inboxItem, listFailures, listInbox, markRead } from '../../store/repositories/notification.js';

// The in-app inbox (every notification is also there) and the failed deliveries for the dashboard.

const READ_OTHERS: ReadonlySet<string> = new Set(['admin', 'supervisor']);

/** Whose inbox a request reads: one's own, or (supervisors, admins) someone's in scope. */
async function inboxOwner(deps: AppDeps, principal: Principal, recipientId: string | undefined): Promise<string> {
  if (!recipientId || recipientId === principal.workerId) {
    if (principal.workerId) return principal.workerId;
    throw new ApiError('invalid_request', 'your token acts for no worker: name an inbox with recipientId', [{ path: 'query.recipientId', message: 'required for a token without a worker' }]);
  }
  if (!READ_OTHERS.has(principal.role)) throw forbidden(`role ${principal.role} may read only its own inbox`);
  const worker = await deps.store.db.selectFrom('workers').select(['id', 'org_unit_id']).where('id', '=', recipientId).executeTakeFirst();
  const units = await subtreeIds(deps.store.db, principal.scopeId);
  if (!worker || !units.includes(worker.org_unit_id)) throw notFound(`worker ${recipientId}`);
  return worker.id;
}

export const notificationRoutes = [
  route({
    method: 'get',
    path: '/api/notifications',
    summary: 'An inbox, newest first: your own, or (supervisors, admins) a worker\'s in your scope with ?recipientId=',
    tag: 'notifications',
    roles: ALL_ROLES,
    query: inboxQuery,
    response: inboxView,
    handler: async ({ deps, principal, query, requestId }) => {
      const recipientId = await inboxOwner(deps, principal, query.recipientId);
      const page = await listInbox(deps.store.db, { recipientId, unread: query.unread, kind: query.kind, limit: query.limit, offset: query.offset });
      if (recipientId !== principal.workerId) {
        await recordAudit(deps.store.db, { actor: principal.name, action: 'read', entity: 'inbox', entityId: recipientId, requestId });
      }
      return { recipientId, ...page };
    },
  }),
  route({
    method: 'post',
    path: '/api/notifications/:notificationId/read',
    summary: 'Marks one of your inbox notifications read',
    tag: 'notifications',
    roles: ALL_ROLES,
    params: notificationIdParams,
    response: inboxItemView,
    handler: async ({ deps, principal, params, requestId }) => {
      const row = await getNotification(deps.store.db, params.notificationId);
      // Someone else's notification is as good as missing: its id tells nothing.
      if (!row || row.channel !== 'inbox' || !principal.workerId || row.recipient_id !== principal.workerId) throw notFound(`notification ${params.notificationId}`);
      if (row.read_at) return inboxItem(row);
      const updated = await deps.store.db.transaction().execute(async (trx) => {
        const after = await markRead(trx, row.id, deps.clock());
        await recordAudit(trx, { actor: principal.name, action: 'read', entity: 'notification', entityId: row.id, before: { readAt: null }, after: { readAt: after.read_at }, requestId });
        return after;
      });
      return inboxItem(updated);
    },
  }),
  route({
    method: 'get',
    path: '/api/notifications/failures',
    summary: 'Deliveries that failed for good (or are being retried) for workers in your scope, for the dashboard',
    tag: 'notifications',
    roles: ['admin', 'supervisor'],
    personalData: true,
    query: failuresQuery,
    response: failuresView,
    handler: async ({ deps, principal, query }) => {
      const orgUnitIds = await subtreeIds(deps.store.db, principal.scopeId);
      return listFailures(deps.store.db, { orgUnitIds, status: query.status, channel: query.channel, limit: query.limit, offset: query.offset });
    },
  }),
];
