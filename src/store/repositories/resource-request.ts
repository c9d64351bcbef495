import { type Kysely, type Selectable, sql } from 'kysely';
import type { MatchKind, RequestPhase } from '../../domain/resource-request.js';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { subtreeOf } from './org-unit.js';

// Resource requests, their matches and events: the query side of the resourceRequest workflow.
// Every write is keyed by a business key (request id, request id + match id, request id + step),
// so a retried activity writes nothing twice.

export interface ResourceRequestRecord {
  id: string;
  communityId: string;
  communityName: { zh: string; en: string };
  workflowId: string;
  theme: string;
  need: string;
  quantity: number;
  unit: string;
  matchBy: string;
  neededBy: string;
  phase: RequestPhase;
  openedBy: string;
  delivery: { note: string; link: string | null; by: string; at: string } | null;
  closeNote: string | null;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
}

type RequestRow = Selectable<Database['resource_requests']> & { name_zh: string; name_en: string };

const toRequest = (row: RequestRow): ResourceRequestRecord => ({
  id: row.id, communityId: row.community_id, communityName: { zh: row.name_zh, en: row.name_en }, workflowId: row.workflow_id, theme: row.theme,
  need: row.need, quantity: row.quantity, unit: row.unit, matchBy: row.match_by.toISOString(), neededBy: row.needed_by.toISOString(), phase: row.phase,
  openedBy: row.opened_by, delivery: (row.delivery as ResourceRequestRecord['delivery']) ?? null, closeNote: row.close_note, cancelReason: row.cancel_reason,
  createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(),
});

function requests(db: Kysely<Database>) {
  return db.selectFrom('resource_requests as r').innerJoin('org_units as o', 'o.id', 'r.community_id').selectAll('r').select(['o.name_zh', 'o.name_en']);
}

export interface NewResourceRequest {
  id: string;
  communityId: string;
  workflowId: string;
  theme: string;
  need: string;
  quantity: number;
  unit: string;
  matchBy: Date;
  neededBy: Date;
  openedBy: string;
}

/** Writes a new request; false when its id is taken (nothing written). */
export async function insertResourceRequest(db: Kysely<Database>, request: NewResourceRequest, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('resource_requests').values({
      id: request.id, community_id: request.communityId, workflow_id: request.workflowId, theme: request.theme, need: request.need, quantity: request.quantity,
      unit: request.unit, match_by: request.matchBy, needed_by: request.neededBy, phase: 'open', opened_by: request.openedBy, delivery: null, close_note: null, cancel_reason: null,
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) return false;
    await recordAudit(trx, audit);
    return true;
  });
}

/** Removes a request whose workflow never started (nothing can refer to it yet). */
export async function deleteUnstartedResourceRequest(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('resource_requests').where('id', '=', id).where('phase', '=', 'open')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('resource_request_events').select('step').where('request_id', '=', id)))).execute();
}

export async function getResourceRequest(db: Kysely<Database>, id: string): Promise<ResourceRequestRecord | undefined> {
  const row = await requests(db).where('r.id', '=', id).executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

/** Requests of stations in a scope's subtree (or of the given communities), newest first. */
export async function listResourceRequests(db: Kysely<Database>, filter: { scopeId: string; communityId?: string; phase?: RequestPhase; limit: number }): Promise<ResourceRequestRecord[]> {
  let query = requests(db).where('r.community_id', 'in', subtreeOf(filter.scopeId)).orderBy('r.created_at', 'desc').orderBy('r.id').limit(filter.limit);
  if (filter.communityId) query = query.where('r.community_id', '=', filter.communityId);
  if (filter.phase) query = query.where('r.phase', '=', filter.phase);
  return (await query.execute()).map(toRequest);
}

/** Counts for a scope, by phase and theme, and how many are past their date undelivered: no need, no names. */
export async function resourceRequestSummary(db: Kysely<Database>, scopeId: string, now: Date) {
  const rows = await db.selectFrom('resource_requests').where('community_id', 'in', subtreeOf(scopeId))
    .select(['phase', 'theme', sql<number>`count(*)::int`.as('count'),
      sql<number>`count(*) filter (where needed_by < ${now} and phase in ('open', 'matched', 'confirmed'))::int`.as('overdue')])
    .groupBy(['phase', 'theme']).orderBy('phase').orderBy('theme').execute();
  return rows.map((row) => ({ phase: row.phase, theme: row.theme, count: Number(row.count), overdue: Number(row.overdue) }));
}

export interface RequestMatchRecord {
  matchId: string;
  kind: MatchKind;
  name: string;
  ref: string;
  quantity: number | null;
  status: 'pending' | 'proposed' | 'confirmed' | 'declined';
  note: string;
  addedBy: string;
  answeredBy: string | null;
  updatedAt: string;
}

/** Writes matches the service is about to propose (status `pending` until the workflow takes them). */
export async function insertPendingMatches(db: Kysely<Database>, requestId: string, matches: Array<{ matchId: string; kind: MatchKind; name: string; ref: string; quantity: number | null }>, by: string): Promise<void> {
  await db.insertInto('resource_request_matches').values(matches.map((match) => ({
    request_id: requestId, match_id: match.matchId, kind: match.kind, name: match.name, ref: match.ref, quantity: match.quantity, status: 'pending' as const, added_by: by, answered_by: null,
  }))).onConflict((oc) => oc.columns(['request_id', 'match_id']).doNothing()).execute();
}

/** Removes matches the workflow refused (still pending). */
export async function deletePendingMatches(db: Kysely<Database>, requestId: string, matchIds: string[]): Promise<void> {
  if (matchIds.length === 0) return;
  await db.deleteFrom('resource_request_matches').where('request_id', '=', requestId).where('match_id', 'in', matchIds).where('status', '=', 'pending').execute();
}

/** A request's matches the workflow has taken, in the order they were added. */
export async function listRequestMatches(db: Kysely<Database>, requestId: string): Promise<RequestMatchRecord[]> {
  const rows = await db.selectFrom('resource_request_matches').select(['match_id', 'kind', 'name', 'ref', 'quantity', 'status', 'note', 'added_by', 'answered_by', 'updated_at']).where('request_id', '=', requestId).where('status', '!=', 'pending')
    .orderBy('seq').execute();
  return rows.map((row) => ({
    matchId: row.match_id, kind: row.kind, name: row.name, ref: row.ref, quantity: row.quantity, status: row.status, note: row.note, addedBy: row.added_by,
    answeredBy: row.answered_by, updatedAt: row.updated_at.toISOString(),
  }));
}

/**
 * Records a step of the request once (keyed by its step name) and sets what it changes: the phase,
 * matches proposed or answered, the delivery, closing or cancellation.
 */
export async function recordResourceRequestStep(db: Kysely<Database>, input: {
  requestId: string; step: string; at: Date; actor: string | null; detail: unknown; phase?: RequestPhase; proposed?: string[];
  answer?: { matchId: string; status: 'confirmed' | 'declined'; note: string }; delivery?: unknown; closeNote?: string; cancelReason?: string;
}): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('resource_request_events').values({
      request_id: input.requestId, step: input.step, at: input.at, actor: input.actor, detail: JSON.stringify(input.detail),
    }).onConflict((oc) => oc.columns(['request_id', 'step']).doNothing()).returning('step').executeTakeFirst();
    if (!inserted) return;
    if (input.proposed && input.proposed.length > 0) {
      await trx.updateTable('resource_request_matches').set({ status: 'proposed', updated_at: input.at })
        .where('request_id', '=', input.requestId).where('match_id', 'in', input.proposed).execute();
    }
    if (input.answer) {
      await trx.updateTable('resource_request_matches').set({ status: input.answer.status, note: input.answer.note, answered_by: input.actor, updated_at: input.at })
        .where('request_id', '=', input.requestId).where('match_id', '=', input.answer.matchId).execute();
    }
    await trx.updateTable('resource_requests').set({
      updated_at: input.at,
      ...(input.phase ? { phase: input.phase } : {}),
      ...(input.delivery !== undefined ? { delivery: JSON.stringify(input.delivery) } : {}),
      ...(input.closeNote !== undefined ? { close_note: input.closeNote } : {}),
      ...(input.cancelReason !== undefined ? { cancel_reason: input.cancelReason } : {}),
    }).where('id', '=', input.requestId).execute();
  });
}

export interface RequestEventRecord {
  step: string;
  at: string;
  actor: string | null;
  detail: unknown;
}

export async function listRequestEvents(db: Kysely<Database>, requestId: string): Promise<RequestEventRecord[]> {
  const rows = await db.selectFrom('resource_request_events').selectAll().where('request_id', '=', requestId).orderBy('at').orderBy('step').execute();
  return rows.map((row) => ({ step: row.step, at: row.at.toISOString(), actor: row.actor, detail: row.detail }));
}
