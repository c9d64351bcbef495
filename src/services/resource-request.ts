import { randomUUID } from 'node:crypto';
import { REQUEST_PHASES, type MatchKind, type RequestPhase, type ResourceRequestInput } from '../domain/resource-request.js';
import { conflict, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { workflowIds } from '../domain/workflow-ids.js';
import type { OpenResourceRequestBody } from '../schemas/resource-request.js';
import { inScope } from '../store/repositories/org-unit.js';
import {
  deletePendingMatches, deleteUnstartedResourceRequest, getResourceRequest, insertPendingMatches, insertResourceRequest, listRequestEvents,
  listRequestMatches, listResourceRequests, resourceRequestSummary, type ResourceRequestRecord,
} from '../store/repositories/resource-request.js';
import { RESOURCE_REQUEST_WORKFLOW, resourceRequestUpdates } from '../../workflows/resource-request.messages.js';
import type { ServiceDeps } from './deps.js';

// Resource requests (资源链接): a station lead opens a request for their station (its record first,
// then the resourceRequest workflow); the center's supervisors match parties or resources and
// record each one's answer; the station records the delivery with evidence and closes it.
// Every change goes through the workflow, which checks the phase; this module checks who may ask.

const DAY_MS = 86_400_000;

/** A request in the principal's scope (its station's community in their subtree), else not found. */
async function requestInScope(deps: ServiceDeps, principal: Principal, requestId: string): Promise<ResourceRequestRecord> {
  const request = await getResourceRequest(deps.store.db, requestId);
  if (!request || !(await inScope(deps.store.db, principal, request.communityId))) {
    throw notFound(`resource request ${requestId}`, { reason: 'resource_request_not_found', values: { requestId } });
  }
  return request;
}

export async function openResourceRequest(deps: ServiceDeps, principal: Principal, body: OpenResourceRequestBody, auditRequestId?: string) {
  const db = deps.store.db;
  if (!(await inScope(db, principal, body.communityId))) throw notFound(`community ${body.communityId}`, { reason: 'community_not_found', values: { communityId: body.communityId } });
  const now = deps.clock().getTime();
  const neededBy = Date.parse(body.neededBy);
  if (neededBy <= now) throw invalid([{ path: 'body.neededBy', message: 'must be in the future' }], { reason: 'needed_by_past' });
  const matchBy = body.matchBy ? Date.parse(body.matchBy) : now + Math.floor((neededBy - now) / 2);
  if (matchBy <= now) throw invalid([{ path: 'body.matchBy', message: 'must be in the future' }], { reason: 'needed_by_past' });
  if (matchBy > neededBy) throw invalid([{ path: 'body.matchBy', message: 'must not be after neededBy' }], { reason: 'match_by_after_needed_by' });

  const id = body.id ?? `rr-${randomUUID()}`;
  const workflowId = workflowIds.resourceRequest(id);
  const created = await insertResourceRequest(db, {
    id, communityId: body.communityId, workflowId, theme: body.theme, need: body.need, quantity: body.quantity, unit: body.unit,
    matchBy: new Date(matchBy), neededBy: new Date(neededBy), openedBy: principal.name,
  }, { actor: principal.name, action: 'open', entity: 'resource_request', entityId: id, after: { ...body, need: undefined }, requestId: auditRequestId });
  if (!created) throw invalid([{ path: 'body.id', message: `resource request ${id} already exists` }], { reason: 'resource_request_exists', values: { requestId: id } });

  const input: ResourceRequestInput = {
    requestId: id, stationId: body.communityId, theme: body.theme, quantity: body.quantity, matchBy, neededBy, openedBy: principal.name,
    reminderOffsetsMs: (body.reminderOffsetsSeconds ?? [3 * 86_400, 86_400]).map((seconds) => seconds * 1000),
  };
  try {
    await deps.temporal.workflow.start(RESOURCE_REQUEST_WORKFLOW, {
      workflowId, taskQueue: deps.config.TEMPORAL_TASK_QUEUE, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowExecutionTimeout: `${Math.ceil((neededBy - now) / DAY_MS) + 365} days`,
    });
  } catch (error) {
    await deleteUnstartedResourceRequest(db, id);
    throw error;
  }
  return getResourceRequestFor(deps, principal, id);
}

export async function listResourceRequestsFor(deps: ServiceDeps, principal: Principal, filter: { phase?: RequestPhase; communityId?: string }) {
  if (filter.communityId && !(await inScope(deps.store.db, principal, filter.communityId))) return { items: [] };
  return { items: await listResourceRequests(deps.store.db, { scopeId: principal.scopeId, ...filter, limit: 500 }) };
}

/** Counts in the principal's scope by phase and theme, and how many are past their date undelivered: no need, no names. */
export async function resourceRequestSummaryFor(deps: ServiceDeps, principal: Principal) {
  const rows = await resourceRequestSummary(deps.store.db, principal.scopeId, deps.clock());
  const byTheme = new Map<string, number>();
  for (const row of rows) byTheme.set(row.theme, (byTheme.get(row.theme) ?? 0) + row.count);
  return {
    total: rows.reduce((sum, row) => sum + row.count, 0),
    overdue: rows.reduce((sum, row) => sum + row.overdue, 0),
    byPhase: REQUEST_PHASES.map((phase) => ({ phase, count: rows.filter((row) => row.phase === phase).reduce((sum, row) => sum + row.count, 0) })),
    byTheme: [...byTheme].map(([theme, count]) => ({ theme, count })),
  };
}

export async function getResourceRequestFor(deps: ServiceDeps, principal: Principal, requestId: string) {
  const request = await requestInScope(deps, principal, requestId);
  return { ...request, matches: await listRequestMatches(deps.store.db, requestId), events: await listRequestEvents(deps.store.db, requestId) };
}

/** A request that can still change: a closed or cancelled one's workflow has ended. */
async function liveRequest(deps: ServiceDeps, principal: Principal, requestId: string): Promise<ResourceRequestRecord> {
  const request = await requestInScope(deps, principal, requestId);
  if (request.phase === 'closed' || request.phase === 'cancelled') {
    throw conflict(`resource request ${requestId} is ${request.phase}`, { reason: 'request_wrong_phase', values: { phase: request.phase, expected: 'open,matched,confirmed,delivered' } });
  }
  return request;
}

function handle(deps: ServiceDeps, request: ResourceRequestRecord) {
  return deps.temporal.workflow.getHandle(request.workflowId);
}

/** Proposes parties or resources; their names are written to the store first and only ids and kinds go to the workflow. */
export async function addMatches(deps: ServiceDeps, principal: Principal, requestId: string, body: { matches: Array<{ kind: MatchKind; name: string; ref: string; quantity?: number }> }) {
  const request = await liveRequest(deps, principal, requestId);
  const matches = body.matches.map((match) => ({ matchId: `m-${randomUUID()}`, kind: match.kind, name: match.name, ref: match.ref, quantity: match.quantity ?? null }));
  await insertPendingMatches(deps.store.db, requestId, matches, principal.name);
  try {
    await handle(deps, request).executeUpdate(resourceRequestUpdates.addMatches, { args: [{ matches: matches.map(({ matchId, kind }) => ({ matchId, kind })), by: principal.name }] });
  } catch (error) {
    await deletePendingMatches(deps.store.db, requestId, matches.map((match) => match.matchId));
    throw error;
  }
  return getResourceRequestFor(deps, principal, requestId);
}

/** Records a matched party's answer (the party is not a user: the center records it). */
export async function respondMatch(deps: ServiceDeps, principal: Principal, requestId: string, matchId: string, body: { response: 'confirmed' | 'declined'; note: string }) {
  const request = await liveRequest(deps, principal, requestId);
  await handle(deps, request).executeUpdate(resourceRequestUpdates.respond, { args: [{ matchId, response: body.response, note: body.note, by: principal.name }] });
  return getResourceRequestFor(deps, principal, requestId);
}

export async function recordDelivery(deps: ServiceDeps, principal: Principal, requestId: string, body: { note: string; link?: string }) {
  const request = await liveRequest(deps, principal, requestId);
  await handle(deps, request).executeUpdate(resourceRequestUpdates.deliver, { args: [{ note: body.note, link: body.link ?? null, by: principal.name }] });
  return getResourceRequestFor(deps, principal, requestId);
}

export async function closeResourceRequest(deps: ServiceDeps, principal: Principal, requestId: string, body: { note: string }) {
  const request = await liveRequest(deps, principal, requestId);
  await handle(deps, request).executeUpdate(resourceRequestUpdates.close, { args: [{ note: body.note, by: principal.name }] });
  return getResourceRequestFor(deps, principal, requestId);
}

export async function cancelResourceRequest(deps: ServiceDeps, principal: Principal, requestId: string, body: { reason: string }) {
  const request = await liveRequest(deps, principal, requestId);
  await handle(deps, request).executeUpdate(resourceRequestUpdates.cancel, { args: [{ reason: body.reason, by: principal.name }] });
  return getResourceRequestFor(deps, principal, requestId);
}
