import { ALL_ROLES, route } from '../route.js';
import { digestRunView, runDigestBody, summaryQuery, summaryView } from '../../schemas/report.js';
import { runDigestNow } from '../../services/digest.js';
import { summaryReport } from '../../services/report.js';

// The summary report (the figures the source report gives) and running the digest by hand.
// Aggregates only: every role may read the summary of its scope.

export const reportRoutes = [
  route({
    method: 'get',
    path: '/api/reports/summary',
    etag: true,
    summary: 'Summary figures: centers, stations operating, communities remaining, residents served by theme and station, plans by stage, training completion',
    tag: 'reports',
    roles: ALL_ROLES,
    query: summaryQuery,
    response: summaryView,
    handler: async ({ deps, principal, query }) => summaryReport(deps, principal, query.streetId),
  }),
  route({
    method: 'post',
    path: '/api/digest/run',
    summary: 'Send the weekly digest now, through its schedule (every street in scope, or one)',
    tag: 'reports',
    roles: ['admin', 'supervisor'],
    body: runDigestBody,
    example: { streetId: 'cn-bj-xicheng-zhanlanlu' },
    response: digestRunView,
    status: 202,
    handler: async ({ deps, principal, body, requestId }) => runDigestNow(deps, principal, body.streetId, requestId),
  }),
];
