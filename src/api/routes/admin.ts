import { ALL_ROLES, route } from '../route.js';
import {
  auditQuery, auditView, meView, seedBody, seedView, tokenCreateBody, tokenCreatedView, tokenIdParams, tokenListView, tokenRevokedView,
} from '../../schemas/admin.js';
import { issueToken, listTokens, revokeToken } from '../../services/api-token.js';
import { listAuditEntries } from '../../services/audit.js';
import { seedDefaultData } from '../../services/seed.js';
import { describeCaller } from '../../services/session.js';

export const adminRoutes = [
  route({
    method: 'get',
    path: '/api/me',
    summary: "The caller's role, scope and worker (the dashboard's and `shegong whoami`'s view of a token)",
    tag: 'admin',
    roles: ALL_ROLES,
    response: meView,
    handler: ({ deps, principal }) => describeCaller(deps, principal),
  }),
  route({
    method: 'post',
    path: '/api/admin/seed',
    summary: "Load the default data (Zhanlanlu Street, its city and district, the shared catalogs); admins scoped to that city only; idempotent, never overwrites a street's own edits",
    tag: 'admin',
    roles: ['admin'],
    body: seedBody,
    example: { today: '2026-11-28' },
    response: seedView,
    handler: ({ deps, principal, body, requestId }) => seedDefaultData(deps, principal, body.today, requestId),
  }),
  route({
    method: 'post',
    path: '/api/tokens',
    summary: 'Create an API token within your scope (for a worker in your scope); the token is in this answer only',
    tag: 'admin',
    roles: ['admin'],
    body: tokenCreateBody,
    example: { name: 'center supervisor', role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu', workerId: 'w-zhanlanlu-supervisor-01' },
    response: tokenCreatedView,
    status: 201,
    handler: ({ deps, principal, body, requestId }) => issueToken(deps, principal, body, requestId),
  }),
  route({
    method: 'get',
    path: '/api/tokens',
    summary: 'List the API tokens scoped inside your subtree (never the secrets)',
    tag: 'admin',
    roles: ['admin'],
    response: tokenListView,
    handler: async ({ deps, principal }) => ({ items: await listTokens(deps, principal) }),
  }),
  route({
    method: 'post',
    path: '/api/tokens/:tokenId/revoke',
    summary: 'Revoke an API token scoped inside your subtree',
    tag: 'admin',
    roles: ['admin'],
    params: tokenIdParams,
    response: tokenRevokedView,
    handler: ({ deps, principal, params, requestId }) => revokeToken(deps, principal, params.tokenId, requestId),
  }),
  route({
    method: 'get',
    path: '/api/audit',
    summary: "The audit log of actors scoped inside your subtree, newest first, filterable (entries may hold other people's data: reads are audited)",
    tag: 'admin',
    roles: ['admin'],
    personalData: true,
    query: auditQuery,
    response: auditView,
    handler: async ({ deps, principal, query }) => ({
      items: await listAuditEntries(deps, principal, {
        ...query,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      }),
    }),
  }),
];
