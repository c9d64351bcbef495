import { type Kysely, type Selectable, sql } from 'kysely';
import type { CaseContent, CaseKind, PanelMember, Rubric } from '../../domain/case-call.js';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { subtreeOf } from './org-unit.js';

// Case calls, their cases, reviews and events: the query side of the caseCall workflow. Every
// write is keyed by a business key (call id, case id + revision, case id + reviewer, call id +
// step), so a retried activity writes nothing twice.


export interface CaseCallRecord {
  id: string;
  orgUnitId: string;
  workflowId: string;
  title: { zh: string; en: string };
  kinds: CaseKind[];
  stationIds: string[];
  submissionDeadline: string;
  reviewDeadline: string;
  rubric: Rubric;
  panel: PanelMember[];
  selectPerKind: number;
  /** A case whose reviewers' totals differ by more than this is flagged. */
  spreadThreshold: number;
  phase: 'submission' | 'review' | 'selection' | 'published' | 'cancelled';
  openedBy: string;
  selection: { caseIds: string[]; proposed: string[]; reason: string; by: string; at: string } | null;
  publishedAt: string | null;
  cancelReason: string | null;
  createdAt: string;
}

type CallRow = Selectable<Database['case_calls']>;

const toCall = (row: CallRow): CaseCallRecord => ({
  id: row.id, orgUnitId: row.org_unit_id, workflowId: row.workflow_id, title: { zh: row.title_zh, en: row.title_en },
  kinds: row.kinds as CaseKind[], stationIds: row.station_ids, submissionDeadline: row.submission_deadline.toISOString(),
  reviewDeadline: row.review_deadline.toISOString(), rubric: row.rubric as Rubric, panel: row.panel as PanelMember[], selectPerKind: row.select_per_kind,
  spreadThreshold: Number(row.spread_threshold), phase: row.phase, openedBy: row.opened_by, selection: (row.selection as CaseCallRecord['selection']) ?? null,
  publishedAt: row.published_at?.toISOString() ?? null, cancelReason: row.cancel_reason, createdAt: row.created_at.toISOString(),
});

export interface NewCaseCall {
  id: string;
  orgUnitId: string;
  workflowId: string;
  title: { zh: string; en: string };
  kinds: CaseKind[];
  stationIds: string[];
  submissionDeadline: Date;
  reviewDeadline: Date;
  rubric: Rubric;
  panel: PanelMember[];
  selectPerKind: number;
  /** Default 20 (the column's default). */
  spreadThreshold?: number;
  openedBy: string;
}

/** Writes a new call; false when its id is taken (nothing written). */
export async function insertCaseCall(db: Kysely<Database>, call: NewCaseCall, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('case_calls').values({
      id: call.id, org_unit_id: call.orgUnitId, workflow_id: call.workflowId, title_zh: call.title.zh, title_en: call.title.en,
      kinds: JSON.stringify(call.kinds), station_ids: JSON.stringify(call.stationIds), submission_deadline: call.submissionDeadline,
      review_deadline: call.reviewDeadline, rubric: JSON.stringify(call.rubric), panel: JSON.stringify(call.panel), select_per_kind: call.selectPerKind,
      ...(call.spreadThreshold !== undefined ? { spread_threshold: call.spreadThreshold } : {}), phase: 'submission', opened_by: call.openedBy, selection: null, published_at: null, cancel_reason: null,
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) return false;
    await recordAudit(trx, audit);
    return true;
  });
}

/** Removes a call whose workflow never started (no cases, reviews or events can exist yet). */
export async function deleteUnstartedCaseCall(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('case_calls').where('id', '=', id).where('phase', '=', 'submission')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('call_cases').select('id').where('call_id', '=', id)))).execute();
}

export async function getCaseCall(db: Kysely<Database>, id: string): Promise<CaseCallRecord | undefined> {
  const row = await db.selectFrom('case_calls').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toCall(row) : undefined;
}

/** Calls opened in a scope's subtree, or open to one of its stations, newest first. */
export async function listCaseCalls(db: Kysely<Database>, filter: { scopeId: string; communityIds: string[]; phase?: CaseCallRecord['phase'] }): Promise<CaseCallRecord[]> {
  let query = db.selectFrom('case_calls').selectAll()
    .where((eb) => eb.or([
      eb('org_unit_id', 'in', subtreeOf(filter.scopeId)),
      ...(filter.communityIds.length > 0 ? [sql<boolean>`station_ids ?| ${sql.val(filter.communityIds)}::text[]`] : []),
    ]))
    .orderBy('created_at', 'desc').orderBy('id').limit(200);
  if (filter.phase) query = query.where('phase', '=', filter.phase);
  return (await query.execute()).map(toCall);
}

export interface CallCaseRecord {
  id: string;
  callId: string;
  communityId: string;
  communityName: { zh: string; en: string };
  kind: CaseKind;
  title: string;
  content: CaseContent;
  status: 'draft' | 'submitted' | 'withdrawn';
  revision: number;
  savedBy: string;
  updatedAt: string;
}

export async function listCallCases(db: Kysely<Database>, callId: string, filter: { caseIds?: string[]; communityIds?: string[] } = {}): Promise<CallCaseRecord[]> {
  if (filter.caseIds?.length === 0 || filter.communityIds?.length === 0) return [];
  let query = db.selectFrom('call_cases as k').innerJoin('org_units as o', 'o.id', 'k.community_id')
    .select(['k.id', 'k.call_id', 'k.community_id', 'o.name_zh', 'o.name_en', 'k.kind', 'k.title', 'k.content', 'k.status', 'k.revision', 'k.saved_by', 'k.updated_at'])
    .where('k.call_id', '=', callId).orderBy('k.kind').orderBy('k.community_id').orderBy('k.id');
  if (filter.caseIds) query = query.where('k.id', 'in', filter.caseIds);
  if (filter.communityIds) query = query.where('k.community_id', 'in', filter.communityIds);
  return (await query.execute()).map((row) => ({
    id: row.id, callId: row.call_id, communityId: row.community_id, communityName: { zh: row.name_zh, en: row.name_en }, kind: row.kind,
    title: row.title, content: row.content as CaseContent, status: row.status, revision: row.revision, savedBy: row.saved_by, updatedAt: row.updated_at.toISOString(),
  }));
}

export async function getCallCase(db: Kysely<Database>, caseId: string): Promise<CallCaseRecord | undefined> {
  const row = await db.selectFrom('call_cases').select('call_id').where('id', '=', caseId).executeTakeFirst();
  return row ? (await listCallCases(db, row.call_id, { caseIds: [caseId] }))[0] : undefined;
}

/** Writes a case's revision; an older or equal revision (a retry) changes nothing. */
export async function saveCallCase(db: Kysely<Database>, input: {
  id: string; callId: string; communityId: string; kind: CaseKind; title: string; content: CaseContent; status: 'draft' | 'submitted'; revision: number; savedBy: string; at: Date;
}): Promise<void> {
  await db.insertInto('call_cases').values({
    id: input.id, call_id: input.callId, community_id: input.communityId, kind: input.kind, title: input.title, content: JSON.stringify(input.content),
    status: input.status, revision: input.revision, saved_by: input.savedBy, updated_at: input.at,
  }).onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
    kind: eb.ref('excluded.kind'), title: eb.ref('excluded.title'), content: eb.ref('excluded.content'), status: eb.ref('excluded.status'),
    revision: eb.ref('excluded.revision'), saved_by: eb.ref('excluded.saved_by'), updated_at: eb.ref('excluded.updated_at'),
  })).where('call_cases.revision', '<', input.revision)).execute();
}

export async function markCaseWithdrawn(db: Kysely<Database>, input: { callId: string; caseId: string; by: string; reason: string; at: Date }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('call_cases').set({ status: 'withdrawn', updated_at: input.at }).where('id', '=', input.caseId).execute();
    await insertEvent(trx, { callId: input.callId, step: `withdraw:${input.caseId}`, at: input.at, actor: input.by, detail: { caseId: input.caseId, reason: input.reason } });
  });
}

export async function saveCaseReview(db: Kysely<Database>, input: { callId: string; caseId: string; reviewerId: string; scores: Record<string, number>; comment: string; total: number; at: Date }): Promise<void> {
  await db.insertInto('case_reviews').values({
    case_id: input.caseId, reviewer_id: input.reviewerId, call_id: input.callId, scores: JSON.stringify(input.scores), comment: input.comment,
    total: input.total, scored_at: input.at,
  }).onConflict((oc) => oc.columns(['case_id', 'reviewer_id']).doUpdateSet((eb) => ({
    scores: eb.ref('excluded.scores'), comment: eb.ref('excluded.comment'), total: eb.ref('excluded.total'), scored_at: eb.ref('excluded.scored_at'),
  }))).execute();
}

export interface CaseReviewRecord {
  caseId: string;
  reviewerId: string;
  scores: Record<string, number>;
  comment: string;
  total: number;
  scoredAt: string;
}

export async function listCaseReviews(db: Kysely<Database>, callId: string, filter: { reviewerId?: string } = {}): Promise<CaseReviewRecord[]> {
  let query = db.selectFrom('case_reviews').selectAll().where('call_id', '=', callId).orderBy('case_id').orderBy('reviewer_id');
  if (filter.reviewerId) query = query.where('reviewer_id', '=', filter.reviewerId);
  return (await query.execute()).map((row) => ({
    caseId: row.case_id, reviewerId: row.reviewer_id, scores: row.scores, comment: row.comment, total: Number(row.total), scoredAt: row.scored_at.toISOString(),
  }));
}

async function insertEvent(db: Kysely<Database>, event: { callId: string; step: string; at: Date; actor: string | null; detail: unknown }): Promise<boolean> {
  const inserted = await db.insertInto('case_call_events').values({ call_id: event.callId, step: event.step, at: event.at, actor: event.actor, detail: JSON.stringify(event.detail) })
    .onConflict((oc) => oc.columns(['call_id', 'step']).doNothing()).returning('step').executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Records a step of the call once (keyed by its step name) and sets what it changes: the phase,
 * the deadlines, the selection, publication or cancellation.
 */
export async function recordCallStep(db: Kysely<Database>, input: {
  callId: string; step: string; at: Date; actor: string | null; detail: unknown;
  phase?: CaseCallRecord['phase']; submissionDeadline?: Date; reviewDeadline?: Date; selection?: unknown; publishedAt?: Date; cancelReason?: string;
}): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await insertEvent(trx, input))) return;
    await trx.updateTable('case_calls').set({
      updated_at: input.at,
      ...(input.phase ? { phase: input.phase } : {}),
      ...(input.submissionDeadline ? { submission_deadline: input.submissionDeadline } : {}),
      ...(input.reviewDeadline ? { review_deadline: input.reviewDeadline } : {}),
      ...(input.selection !== undefined ? { selection: JSON.stringify(input.selection) } : {}),
      ...(input.publishedAt ? { published_at: input.publishedAt } : {}),
      ...(input.cancelReason !== undefined ? { cancel_reason: input.cancelReason } : {}),
    }).where('id', '=', input.callId).execute();
  });
}

export interface CallEventRecord {
  step: string;
  at: string;
  actor: string | null;
  detail: unknown;
}

export async function listCallEvents(db: Kysely<Database>, callId: string): Promise<CallEventRecord[]> {
  const rows = await db.selectFrom('case_call_events').selectAll().where('call_id', '=', callId).orderBy('at').orderBy('step').execute();
  return rows.map((row) => ({ step: row.step, at: row.at.toISOString(), actor: row.actor, detail: row.detail }));
}

/** The community of each worker's station (null when they have none): a reviewer never scores their own. */
export async function workerStations(db: Kysely<Database>, workerIds: string[]): Promise<Map<string, string | null>> {
  if (workerIds.length === 0) return new Map();
  const rows = await db.selectFrom('workers').select(['id', 'community_id']).where('id', 'in', workerIds).execute();
  return new Map(rows.map((row) => [row.id, row.community_id]));
}
