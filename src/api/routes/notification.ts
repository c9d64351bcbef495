import { ALL_ROLES, route } from '../route.js';
import { failuresQuery, failuresView, inboxItemView, inboxQuery, inboxView, notificationIdParams } from '../../schemas/notification.js';
import { listDeliveryFailures, markInboxItemRead, readInbox } from '../../services/notification.js';

export const notificationRoutes = [
  route({
    method: 'get',
    path: '/api/notifications',
    etag: true,
    summary: 'An inbox, newest first: your own, or (supervisors, admins) a worker\'s in your scope with ?recipientId=',
    tag: 'notifications',
    roles: ALL_ROLES,
    query: inboxQuery,
    response: inboxView,
    handler: ({ deps, principal, query, requestId }) => readInbox(deps, principal, query, requestId),
  }),
  route({
    method: 'post',
    path: '/api/notifications/:notificationId/read',
    summary: 'Marks one of your inbox notifications read',
    tag: 'notifications',
    roles: ALL_ROLES,
    params: notificationIdParams,
    response: inboxItemView,
    handler: ({ deps, principal, params, requestId }) => markInboxItemRead(deps, principal, params.notificationId, requestId),
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
    handler: ({ deps, principal, query }) => listDeliveryFailures(deps, principal, query),
  }),
];
