import { randomUUID } from 'node:crypto';
import {
  caseResults, DEFAULT_RUBRIC, DEFAULT_SPREAD_THRESHOLD, proposeSelection, type CaseCallInput, type CaseContent, type CaseKind, type PanelMember, type Rubric,
} from '../domain/case-call.js';
import { conflict, forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { workflowIds } from '../domain/workflow-ids.js';
import type { OpenCaseCallBody, SaveCaseBody } from '../schemas/case-call.js';
import { listAttachments } from '../store/repositories/attachment.js';
import {
  deleteUnstartedCaseCall, getCallCase, getCaseCall, insertCaseCall, listCallCases, listCallEvents, listCaseCalls, listCaseReviews,
  workerStations, type CallCaseRecord, type CaseCallRecord,
} from '../store/repositories/case-call.js';
import { inScope, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import { listOperatingStationIds } from '../store/repositories/station-plan.js';
import { CASE_CALL_WORKFLOW, caseCallUpdates } from '../../workflows/case-call.messages.js';
import { renderCollectionPdf } from './case-collection-pdf.js';
import type { ServiceDeps } from './deps.js';

// Case calls: the center opens a call (its record first, then the caseCall workflow), stations
// save and submit cases, the panel scores, a supervisor selects and publishes. Every change goes
// through the workflow, which checks phases and deadlines; this module checks who may ask.

const DAY_MS = 86_400_000;
const ORGANISERS = new Set(['admin', 'supervisor']);

type Visibility = 'organiser' | 'station' | 'viewer';

function visibility(principal: Principal): Visibility {
  if (ORGANISERS.has(principal.role)) return 'organiser';
  return principal.role === 'viewer' ? 'viewer' : 'station';
}

/** The project's default rubric, for the form that opens a call. */
export function defaultRubric(): Rubric {
  return DEFAULT_RUBRIC;
}

/** A call the principal may see: opened in their subtree, or open to a station in it; viewers see published calls only. */
async function callInScope(deps: ServiceDeps, principal: Principal, callId: string): Promise<CaseCallRecord> {
  const call = await getCaseCall(deps.store.db, callId);
  const missing = () => notFound(`case call ${callId}`, { reason: 'case_call_not_found', values: { callId } });
  if (!call) throw missing();
  if (principal.role === 'viewer' && call.phase !== 'published') throw missing();
  if (await inScope(deps.store.db, principal, call.orgUnitId)) return call;
  const mine = await scopedCommunityIds(deps.store.db, principal);
  if (call.stationIds.some((id) => mine.includes(id))) return call;
  throw missing();
}

function callView(call: CaseCallRecord, principal: Principal) {
  const base = {
    id: call.id, orgUnitId: call.orgUnitId, workflowId: call.workflowId, title: call.title, kinds: call.kinds, stationIds: call.stationIds,
    submissionDeadline: call.submissionDeadline, reviewDeadline: call.reviewDeadline, rubric: call.rubric, selectPerKind: call.selectPerKind,
    spreadThreshold: call.spreadThreshold, phase: call.phase, createdAt: call.createdAt, publishedAt: call.publishedAt,
  };
  if (principal.role === 'viewer') return base;
  return { ...base, panel: call.panel, openedBy: call.openedBy, cancelReason: call.cancelReason, selection: call.selection };
}

export async function openCaseCall(deps: ServiceDeps, principal: Principal, body: OpenCaseCallBody, requestId?: string) {
  const db = deps.store.db;
  const orgUnitId = body.orgUnitId ?? principal.scopeId;
  if (!(await inScope(db, principal, orgUnitId))) throw notFound(`org unit ${orgUnitId}`, { reason: 'org_unit_not_found', values: { orgUnitId } });
  const now = deps.clock().getTime();
  const submissionDeadline = Date.parse(body.submissionDeadline);
  const reviewDeadline = Date.parse(body.reviewDeadline);
  if (submissionDeadline <= now) throw invalid([{ path: 'body.submissionDeadline', message: 'must be in the future' }], { reason: 'deadline_past' });

  const under = await subtreeIds(db, orgUnitId);
  let stationIds = body.stationIds;
  if (stationIds) {
    const outside = stationIds.filter((id) => !under.includes(id));
    if (outside.length > 0) throw invalid(outside.map((id) => ({ path: 'body.stationIds', message: `${id} is not a community under ${orgUnitId}` })), { reason: 'station_not_in_scope' });
  } else {
    stationIds = await listOperatingStationIds(db, { communityIds: under });
    if (stationIds.length === 0) throw invalid([{ path: 'body.stationIds', message: `no operating station under ${orgUnitId}` }], { reason: 'no_stations' });
  }

  const stations = await workerStations(db, body.panel);
  const panel: PanelMember[] = [];
  for (const [index, reviewerId] of body.panel.entries()) {
    if (!stations.has(reviewerId)) throw invalid([{ path: `body.panel.${index}`, message: `no worker ${reviewerId}` }], { reason: 'reviewer_not_found', values: { reviewerId } });
    panel.push({ reviewerId, stationId: stations.get(reviewerId) ?? null });
  }
  const rubric: Rubric = body.rubric
    ? { source: 'call', criteria: body.rubric.map((criterion) => ({ ...criterion, name: { zh: criterion.name.zh, en: criterion.name.en ?? criterion.name.zh } })) }
    : DEFAULT_RUBRIC;

  const id = body.id ?? `call-${randomUUID()}`;
  const workflowId = workflowIds.caseCall(id);
  const title = { zh: body.title.zh, en: body.title.en ?? body.title.zh };
  const created = await insertCaseCall(db, {
    id, orgUnitId, workflowId, title, kinds: body.kinds, stationIds, submissionDeadline: new Date(submissionDeadline), reviewDeadline: new Date(reviewDeadline),
    rubric, panel, selectPerKind: body.selectPerKind, spreadThreshold: body.spreadThreshold ?? DEFAULT_SPREAD_THRESHOLD, openedBy: principal.name,
  }, { actor: principal.name, action: 'open', entity: 'case_call', entityId: id, after: { ...body, stationIds }, requestId });
  if (!created) throw invalid([{ path: 'body.id', message: `case call ${id} already exists` }], { reason: 'case_call_exists', values: { callId: id } });

  const input: CaseCallInput = {
    callId: id, title, kinds: body.kinds, orgUnitId, stationIds, submissionDeadline, reviewDeadline, rubric, panel, selectPerKind: body.selectPerKind,
    openedBy: principal.name, reminderOffsetsMs: (body.reminderOffsetsSeconds ?? [3 * 86_400, 86_400]).map((seconds) => seconds * 1000),
    spreadThreshold: body.spreadThreshold ?? DEFAULT_SPREAD_THRESHOLD,
  };
  try {
    await deps.temporal.workflow.start(CASE_CALL_WORKFLOW, {
      workflowId, taskQueue: deps.config.TEMPORAL_TASK_QUEUE, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowExecutionTimeout: `${Math.ceil((reviewDeadline - now) / DAY_MS) + 365} days`,
    });
  } catch (error) {
    await deleteUnstartedCaseCall(db, id);
    throw error;
  }
  return callView((await getCaseCall(db, id))!, principal);
}

export async function listCaseCallsFor(deps: ServiceDeps, principal: Principal, filter: { phase?: CaseCallRecord['phase'] }) {
  const communityIds = await scopedCommunityIds(deps.store.db, principal);
  const phase = principal.role === 'viewer' ? 'published' : filter.phase;
  if (principal.role === 'viewer' && filter.phase && filter.phase !== 'published') return { items: [] };
  const calls = await listCaseCalls(deps.store.db, { scopeId: principal.scopeId, communityIds, phase });
  return { items: calls.map((call) => callView(call, principal)) };
}

const reviewClosed = (call: CaseCallRecord) => call.phase === 'selection' || call.phase === 'published';

/** Which cases of a call the principal sees: organisers all, a station its own (and, on the panel, those in review), viewers the published selection. */
function visibleCases(call: CaseCallRecord, principal: Principal, cases: CallCaseRecord[], mine: string[]): CallCaseRecord[] {
  switch (visibility(principal)) {
    case 'organiser':
      return cases;
    case 'viewer': {
      const selected = call.selection?.caseIds ?? [];
      return cases.filter((entry) => selected.includes(entry.id) && entry.status === 'submitted');
    }
    case 'station': {
      const onPanel = call.panel.some((member) => member.reviewerId === principal.workerId);
      return cases.filter((entry) => mine.includes(entry.communityId) || (onPanel && entry.status === 'submitted' && call.phase !== 'submission')
        || (call.phase === 'published' && (call.selection?.caseIds ?? []).includes(entry.id)));
    }
  }
}

export async function getCaseCallFor(deps: ServiceDeps, principal: Principal, callId: string) {
  const db = deps.store.db;
  const call = await callInScope(deps, principal, callId);
  const mine = await scopedCommunityIds(db, principal);
  const cases = visibleCases(call, principal, await listCallCases(db, callId), mine);
  const all = await listCaseReviews(db, callId);
  const totals: Record<string, Record<string, number>> = {};
  for (const review of all) totals[review.caseId] = { ...totals[review.caseId], [review.reviewerId]: review.total };
  const submitted = (await listCallCases(db, callId)).map((entry) => ({ caseId: entry.id, stationId: entry.communityId, kind: entry.kind, title: entry.title, status: entry.status, revision: entry.revision }));
  const results = reviewClosed(call) ? caseResults({ cases: submitted, totals }, call.spreadThreshold).filter((result) => cases.some((entry) => entry.id === result.caseId)) : null;
  const proposed = reviewClosed(call) && visibility(principal) === 'organiser' ? proposeSelection(caseResults({ cases: submitted, totals }, call.spreadThreshold), call.kinds, call.selectPerKind) : null;
  // Scores stay with their reviewer until the review closes; then organisers read them all. Viewers never read comments.
  const reviews = visibility(principal) === 'viewer' ? [] : all.filter((review) => review.reviewerId === principal.workerId || (reviewClosed(call) && visibility(principal) === 'organiser'));
  const member = call.panel.find((candidate) => candidate.reviewerId === principal.workerId);
  const toScore = call.phase === 'review' && member
    ? submitted.filter((entry) => entry.status === 'submitted' && entry.stationId !== member.stationId && !all.some((review) => review.caseId === entry.caseId && review.reviewerId === member.reviewerId)).map((entry) => entry.caseId)
    : [];
  const events = visibility(principal) === 'viewer' ? [] : await listCallEvents(db, callId);
  return {
    ...callView(call, principal),
    cases: cases.map(({ content: _content, savedBy: _savedBy, callId: _callId, ...summary }) => summary),
    results, proposed, reviews, toScore, events,
  };
}

const oneDecimal = (values: number[]) => (values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10);

/**
 * Each case's scores once the review has closed, for the cases the principal sees (as the call's
 * results): the weighted mean (0–100), each criterion's mean on its own scale, the spread between
 * reviewers and its flag, and the place in the selection. Aggregates only: no reviewer, no single
 * score, no comment, no case text. Before the review closes the scores stay with their reviewers.
 */
export async function caseScoresFor(deps: ServiceDeps, principal: Principal, callId: string) {
  const db = deps.store.db;
  const call = await callInScope(deps, principal, callId);
  if (!reviewClosed(call)) {
    throw conflict(`the scores of case call ${callId} stay with their reviewers until the review closes`, { reason: 'case_scores_not_final', values: { callId, phase: call.phase } });
  }
  const all = await listCallCases(db, callId);
  const visible = visibleCases(call, principal, all, await scopedCommunityIds(db, principal));
  const reviews = await listCaseReviews(db, callId);
  const totals: Record<string, Record<string, number>> = {};
  for (const review of reviews) totals[review.caseId] = { ...totals[review.caseId], [review.reviewerId]: review.total };
  const submitted = all.map((entry) => ({ caseId: entry.id, stationId: entry.communityId, kind: entry.kind, title: entry.title, status: entry.status, revision: entry.revision }));
  const selection = call.selection?.caseIds ?? [];
  const items = caseResults({ cases: submitted, totals }, call.spreadThreshold).flatMap((result) => {
    const entry = visible.find((candidate) => candidate.id === result.caseId);
    if (!entry) return [];
    const own = reviews.filter((review) => review.caseId === result.caseId);
    const criteria = Object.fromEntries(call.rubric.criteria.map((criterion) => [
      criterion.key, oneDecimal(own.map((review) => review.scores[criterion.key]).filter((score): score is number => typeof score === 'number')),
    ]));
    const place = selection.indexOf(result.caseId);
    return [{
      caseId: result.caseId, title: entry.title, communityId: entry.communityId, communityName: entry.communityName, kind: entry.kind,
      reviews: result.reviews, mean: result.mean, criteria, spread: result.spread, spreadFlagged: result.spreadFlagged, selected: place >= 0 ? place + 1 : null,
    }];
  });
  return { call: { id: call.id, title: call.title, phase: call.phase, rubric: call.rubric }, spreadThreshold: call.spreadThreshold, items };
}

function caseView(entry: CallCaseRecord, principal: Principal) {
  const { content, savedBy, ...summary } = entry;
  return { ...summary, ...content, ...(principal.role === 'viewer' ? {} : { savedBy }) };
}

export async function getCallCaseFor(deps: ServiceDeps, principal: Principal, callId: string, caseId: string) {
  const call = await callInScope(deps, principal, callId);
  const entry = await getCallCase(deps.store.db, caseId);
  const mine = await scopedCommunityIds(deps.store.db, principal);
  if (!entry || entry.callId !== callId || visibleCases(call, principal, [entry], mine).length === 0) {
    throw notFound(`case ${caseId}`, { reason: 'case_not_found', values: { callId, caseId } });
  }
  return caseView(entry, principal);
}

async function update<R>(deps: ServiceDeps, call: CaseCallRecord, run: (handle: ReturnType<ServiceDeps['temporal']['workflow']['getHandle']>) => Promise<R>): Promise<R> {
  return run(deps.temporal.workflow.getHandle(call.workflowId));
}

export async function saveCase(deps: ServiceDeps, principal: Principal, callId: string, body: SaveCaseBody) {
  const db = deps.store.db;
  const call = await callInScope(deps, principal, callId);
  if (!(await inScope(db, principal, body.communityId))) throw notFound(`community ${body.communityId}`, { reason: 'community_not_found', values: { communityId: body.communityId } });
  const caseId = body.caseId ?? `case-${randomUUID()}`;
  const existing = body.caseId ? await getCallCase(db, body.caseId) : undefined;
  if (existing && (existing.callId !== callId || existing.communityId !== body.communityId)) {
    throw notFound(`case ${caseId}`, { reason: 'case_not_found', values: { callId, caseId } });
  }
  // The workflow carries the ids of the case's files, never the files.
  const files = await listAttachments(db, { scopeId: principal.scopeId, ownerKind: 'case', ownerId: caseId, limit: 500 });
  const content: CaseContent = {
    background: body.background, needsAssessment: body.needsAssessment, process: body.process, outcomes: body.outcomes, reflection: body.reflection,
    serviceRecordIds: body.serviceRecordIds, attachmentIds: files.map((file) => file.id),
  };
  await update(deps, call, (handle) => handle.executeUpdate(caseCallUpdates.saveCase, {
    args: [{ caseId, stationId: body.communityId, kind: body.kind as CaseKind, title: body.title, submit: body.submit, by: principal.name, content }],
  }));
  return getCallCaseFor(deps, principal, callId, caseId);
}

/** A case the principal may change: their station's, or any for organisers. */
async function ownCase(deps: ServiceDeps, principal: Principal, callId: string, caseId: string) {
  const call = await callInScope(deps, principal, callId);
  const entry = await getCallCase(deps.store.db, caseId);
  if (!entry || entry.callId !== callId || !(await inScope(deps.store.db, principal, entry.communityId))) {
    throw notFound(`case ${caseId}`, { reason: 'case_not_found', values: { callId, caseId } });
  }
  return { call, entry };
}

export async function withdrawCase(deps: ServiceDeps, principal: Principal, callId: string, caseId: string, reason: string) {
  const { call } = await ownCase(deps, principal, callId, caseId);
  await update(deps, call, (handle) => handle.executeUpdate(caseCallUpdates.withdrawCase, { args: [{ caseId, by: principal.name, reason }] }));
  return getCallCaseFor(deps, principal, callId, caseId);
}

/**
 * The station of a case the principal reviews — they are on its call's panel and the case is in
 * review or after it — or undefined. A reviewer reads such a case's files beside its text even
 * when the case comes from a station outside their scope.
 */
export async function reviewedCaseStation(deps: Pick<ServiceDeps, 'store'>, principal: Principal, caseId: string): Promise<string | undefined> {
  const entry = await getCallCase(deps.store.db, caseId);
  if (!entry || entry.status !== 'submitted' || !principal.workerId) return undefined;
  const call = await getCaseCall(deps.store.db, entry.callId);
  if (!call || call.phase === 'submission' || !call.panel.some((member) => member.reviewerId === principal.workerId)) return undefined;
  return entry.communityId;
}

/** The case as an attachment owner (for uploads): the principal's station's case. */
export async function caseAttachmentOwner(deps: ServiceDeps, principal: Principal, callId: string, caseId: string) {
  const { entry } = await ownCase(deps, principal, callId, caseId);
  return { kind: 'case' as const, id: entry.id, orgUnitId: entry.communityId };
}

export async function scoreCase(deps: ServiceDeps, principal: Principal, callId: string, caseId: string, body: { scores: Record<string, number>; comment: string }) {
  const call = await callInScope(deps, principal, callId);
  if (!principal.workerId || !call.panel.some((member) => member.reviewerId === principal.workerId)) {
    throw forbidden('only the call\'s reviewers score its cases, each with their own token', { reason: 'not_on_panel', values: { callId } });
  }
  const reviewerId = principal.workerId;
  return update(deps, call, (handle) => handle.executeUpdate(caseCallUpdates.scoreCase, { args: [{ caseId, reviewerId, scores: body.scores, comment: body.comment }] }));
}

async function organiserCall(deps: ServiceDeps, principal: Principal, callId: string) {
  const call = await callInScope(deps, principal, callId);
  if (!(await inScope(deps.store.db, principal, call.orgUnitId))) throw forbidden('only the organisers of the call may do this', { reason: 'not_organiser', values: { callId } });
  return call;
}

export async function extendDeadline(deps: ServiceDeps, principal: Principal, callId: string, body: { phase: 'submission' | 'review'; deadline: string; reason: string }) {
  const call = await organiserCall(deps, principal, callId);
  await update(deps, call, (handle) => handle.executeUpdate(caseCallUpdates.extendDeadline, { args: [{ phase: body.phase, deadline: Date.parse(body.deadline), reason: body.reason, by: principal.name }] }));
  return getCaseCallFor(deps, principal, callId);
}

export async function selectCases(deps: ServiceDeps, principal: Principal, callId: string, body: { caseIds: string[]; reason: string }) {
  const call = await organiserCall(deps, principal, callId);
  await update(deps, call, (handle) => handle.executeUpdate(caseCallUpdates.select, { args: [{ caseIds: body.caseIds, reason: body.reason, by: principal.name }] }));
  return getCaseCallFor(deps, principal, callId);
}

export async function publishCollection(deps: ServiceDeps, principal: Principal, callId: string) {
  const call = await organiserCall(deps, principal, callId);
  await update(deps, call, (handle) => handle.executeUpdate(caseCallUpdates.publish, { args: [{ by: principal.name }] }));
  return getCaseCallFor(deps, principal, callId);
}

export async function cancelCaseCall(deps: ServiceDeps, principal: Principal, callId: string, reason: string) {
  const call = await organiserCall(deps, principal, callId);
  await update(deps, call, (handle) => handle.executeUpdate(caseCallUpdates.cancel, { args: [{ reason, by: principal.name }] }));
  return getCaseCallFor(deps, principal, callId);
}

/** The published collection: the selected cases in the chosen order, with their station, kind and mean score. */
export async function collectionFor(deps: ServiceDeps, principal: Principal, callId: string) {
  const call = await callInScope(deps, principal, callId);
  if (call.phase !== 'published' || !call.selection) {
    throw notFound(`the collection of case call ${callId}`, { reason: 'collection_not_published', values: { callId, phase: call.phase } });
  }
  const order = call.selection.caseIds;
  const cases = await listCallCases(deps.store.db, callId, { caseIds: order });
  const reviews = await listCaseReviews(deps.store.db, callId);
  const items = order.map((caseId, index) => {
    const entry = cases.find((candidate) => candidate.id === caseId && candidate.status === 'submitted');
    if (!entry) return undefined;
    const totals = reviews.filter((review) => review.caseId === caseId).map((review) => review.total);
    const mean = totals.length > 0 ? Math.round((totals.reduce((a, b) => a + b, 0) / totals.length) * 10) / 10 : null;
    const { savedBy: _savedBy, ...view } = caseView(entry, principal) as ReturnType<typeof caseView> & { savedBy?: string };
    return { ...view, order: index + 1, mean };
  }).filter((item) => item !== undefined);
  return { callId, title: call.title, publishedAt: call.publishedAt, items };
}

/** The published collection as a PDF (Chinese text in an embedded font). */
export async function collectionPdfFor(deps: ServiceDeps, principal: Principal, callId: string): Promise<{ content: Buffer; fileName: string }> {
  const collection = await collectionFor(deps, principal, callId);
  return { content: await renderCollectionPdf(collection), fileName: `${collection.title.zh}.pdf` };
}
