import { ALL_ROLES, route } from '../route.js';
import {
  addMatchesBody, cancelRequestBody, closeRequestBody, deliverBody, openResourceRequestBody, requestIdParams, requestMatchParams,
  resourceRequestDetailView, resourceRequestListQuery, resourceRequestListView, resourceRequestSummaryView, respondMatchBody,
} from '../../schemas/resource-request.js';
import {
  addMatches, cancelResourceRequest, closeResourceRequest, getResourceRequestFor, listResourceRequestsFor, openResourceRequest, recordDelivery,
  resourceRequestSummaryFor, respondMatch,
} from '../../services/resource-request.js';

// Resource requests (资源链接): a station asks, the center matches parties or resources, each
// answers, the station records the delivery and closes it. Rules: src/services/resource-request.ts
// (who may ask) and src/domain/resource-request.ts (phases, reminders), run by the resourceRequest workflow.

const TAG = 'resource requests';
const CENTER = ['admin', 'supervisor'] as const;
const STATIONS = ['admin', 'supervisor', 'station_lead'] as const;

export const resourceRequestRoutes = [
  route({
    method: 'get', path: '/api/resource-requests/summary', summary: 'Resource requests in your scope counted by phase and theme, and how many are overdue (no needs, no names)', tag: TAG,
    roles: ALL_ROLES, response: resourceRequestSummaryView,
    handler: async ({ deps, principal }) => resourceRequestSummaryFor(deps, principal),
  }),
  route({
    method: 'get', path: '/api/resource-requests', summary: "Resource requests of the stations in your scope (a station lead: their station's)", tag: TAG,
    roles: STATIONS, query: resourceRequestListQuery, response: resourceRequestListView,
    handler: async ({ deps, principal, query }) => listResourceRequestsFor(deps, principal, query),
  }),
  route({
    method: 'post', path: '/api/resource-requests', summary: "Open a station's resource request: need, theme, quantity, needed-by date (starts its workflow)", tag: TAG,
    roles: STATIONS, body: openResourceRequestBody, response: resourceRequestDetailView, status: 201,
    example: { communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', theme: 'elderly', need: '独居老人助餐志愿者', quantity: 6, unit: '人', neededBy: '2030-05-20T09:00:00+08:00' },
    handler: async ({ deps, principal, body, requestId }) => openResourceRequest(deps, principal, body, requestId),
  }),
  route({
    method: 'get', path: '/api/resource-requests/:requestId', summary: 'A resource request with its matches and its record of events', tag: TAG,
    roles: STATIONS, params: requestIdParams, response: resourceRequestDetailView,
    handler: async ({ deps, principal, params }) => getResourceRequestFor(deps, principal, params.requestId),
  }),
  route({
    method: 'post', path: '/api/resource-requests/:requestId/matches', summary: 'Match parties or resources to a request, each by kind and name (free text until the five-party registry exists)', tag: TAG,
    roles: CENTER, params: requestIdParams, body: addMatchesBody, response: resourceRequestDetailView,
    example: { matches: [{ kind: 'social_org', name: '展览路为老服务社', ref: '010-0000-0000' }, { kind: 'volunteer', name: '楼门志愿队', quantity: 4 }] },
    handler: async ({ deps, principal, params, body }) => addMatches(deps, principal, params.requestId, body),
  }),
  route({
    method: 'post', path: '/api/resource-requests/:requestId/matches/:matchId/answer', summary: "Record a matched party's answer: confirmed, or declined with the reason", tag: TAG,
    roles: CENTER, params: requestMatchParams, body: respondMatchBody, response: resourceRequestDetailView, example: { response: 'confirmed', note: '每周二、四各 3 人' },
    handler: async ({ deps, principal, params, body }) => respondMatch(deps, principal, params.requestId, params.matchId, body),
  }),
  route({
    method: 'post', path: '/api/resource-requests/:requestId/deliver', summary: 'Record the delivery with its evidence (a note and a link), once a match has confirmed', tag: TAG,
    roles: STATIONS, params: requestIdParams, body: deliverBody, response: resourceRequestDetailView, example: { note: '6 名志愿者已到岗，首周送餐 42 份' },
    handler: async ({ deps, principal, params, body }) => recordDelivery(deps, principal, params.requestId, body),
  }),
  route({
    method: 'post', path: '/api/resource-requests/:requestId/close', summary: 'Close a delivered request, with a note (ends its workflow)', tag: TAG,
    roles: STATIONS, params: requestIdParams, body: closeRequestBody, response: resourceRequestDetailView, example: { note: '老人反馈良好' },
    handler: async ({ deps, principal, params, body }) => closeResourceRequest(deps, principal, params.requestId, body),
  }),
  route({
    method: 'post', path: '/api/resource-requests/:requestId/cancel', summary: 'Cancel a request before its delivery, with the reason (recorded)', tag: TAG,
    roles: CENTER, params: requestIdParams, body: cancelRequestBody, response: resourceRequestDetailView, example: { reason: '街道已协调解决' },
    handler: async ({ deps, principal, params, body }) => cancelResourceRequest(deps, principal, params.requestId, body),
  }),
];
