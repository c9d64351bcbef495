import { type Kysely, sql } from 'kysely';
import type { PlanTemplate, TaskGuidance } from '../../domain/plan-template.js';
import type { PlanEvaluation, PlanMirror, PlanReport, PlanStatus, TaskEvidence, VisitStatus } from '../../domain/station-plan.js';
import type { PlanStageView, PlanTaskView } from '../../domain/station-plan-view.js';
import type { Localized, MainTask, Stage } from '../../domain/types.js';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { orgAncestors } from './org-unit.js';

// The station plan's records: written only by applyPlanMirror (the workflow's activity and the
// service's first snapshot), read by the API and dashboards, which never ask Temporal per station.
// Also what starting a plan reads: the community and its station, the station lead, the center
// supervisor above it, the latest template.

const at = (ms: number | null) => (ms === null ? null : new Date(ms));
const json = (value: unknown) => JSON.stringify(value);

export type MirrorOutcome = 'applied' | 'stale';

/**
 * Applies one mirror of a plan in the caller's transaction. A mirror older than what the store
 * holds is skipped; the same revision again (an activity retry) rewrites the same values.
 */
export async function applyPlanMirror(db: Kysely<Database>, mirror: PlanMirror): Promise<MirrorOutcome> {
  const { plan } = mirror;
  const existing = await db.selectFrom('plans').select(['revision']).where('id', '=', plan.id).forUpdate().executeTakeFirst();
  if (existing && existing.revision > mirror.revision) return 'stale';
  const values = {
    community_id: plan.communityId,
    workflow_id: plan.workflowId,
    template_id: plan.templateId,
    template_version: plan.templateVersion,
    started_on: plan.startedOn,
    started_by: plan.startedBy,
    status: plan.status,
    current_stage: plan.currentStage,
    station_lead_id: plan.stationLeadId,
    supervisor_id: plan.supervisorId,
    paused_at: at(plan.pausedAt),
    paused_total_ms: plan.pausedTotalMs,
    cancelled_at: at(plan.cancellation?.at ?? null),
    cancelled_by: plan.cancellation?.by ?? null,
    cancel_reason: plan.cancellation?.reason ?? null,
    completed_at: at(plan.completedAt),
    revision: mirror.revision,
    ...(plan.evaluation !== undefined ? { evaluation: plan.evaluation === null ? null : json(plan.evaluation) } : {}),
    ...(plan.report !== undefined ? { report: plan.report === null ? null : json(plan.report) } : {}),
  };
  await db.insertInto('plans').values({ id: plan.id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();

  for (const stage of mirror.stages) {
    const row = {
      status: stage.status,
      started_at: at(stage.startedAt),
      sign_off_requested_at: at(stage.signOffRequestedAt),
      signed_off_at: at(stage.signedOffAt),
      signed_off_by: stage.signedOffBy,
      comments: stage.comments,
      send_backs: json(stage.sendBacks.map((s) => ({ ...s, at: new Date(s.at).toISOString() }))),
    };
    await db.insertInto('plan_stages').values({ plan_id: plan.id, stage: stage.stage, ...row })
      .onConflict((oc) => oc.columns(['plan_id', 'stage']).doUpdateSet(row))
      .execute();
  }

  for (const task of mirror.tasks) {
    const row = {
      stage: task.stage,
      main_task: task.mainTask,
      title_zh: task.title.zh,
      title_en: task.title.en,
      required: task.required,
      source: task.source,
      due_at: at(task.dueAt),
      status: task.status,
      completed_at: at(task.completedAt),
      completed_by: task.completedBy,
      evidence: task.evidence === null ? null : json(task.evidence),
      reopened: task.reopened,
      escalation_rounds: task.escalationRounds,
      sort_order: task.sortOrder,
    };
    // Guidance is written with the task's first row only: it is the template's, and static.
    await db.insertInto('plan_tasks')
      .values({ plan_id: plan.id, task_id: task.id, ...row, guidance: task.guidance ? json(task.guidance) : null })
      .onConflict((oc) => oc.columns(['plan_id', 'task_id']).doUpdateSet(row))
      .execute();
  }

  for (const visit of mirror.visits) {
    const row = {
      due_at: at(visit.dueAt),
      status: visit.status,
      recorded_at: at(visit.recordedAt),
      recorded_by: visit.recordedBy,
      notes: visit.notes,
      follow_up_task_ids: json(visit.followUpTaskIds),
    };
    await db.insertInto('plan_visits').values({ plan_id: plan.id, visit_no: visit.no, ...row })
      .onConflict((oc) => oc.columns(['plan_id', 'visit_no']).doUpdateSet(row))
      .execute();
  }

  if (mirror.events.length > 0) {
    await db.insertInto('plan_events')
      .values(mirror.events.map((event) => ({
        plan_id: plan.id, seq: event.seq, at: new Date(event.at), type: event.type, actor: event.by, detail: json(event.detail),
      })))
      .onConflict((oc) => oc.columns(['plan_id', 'seq']).doNothing())
      .execute();
  }
  return 'applied';
}

/** Applies one mirror of a plan in a transaction of its own (the workflow's `mirrorPlan` activity). */
export function writePlanMirror(db: Kysely<Database>, mirror: PlanMirror): Promise<MirrorOutcome> {
  return db.transaction().execute((trx) => applyPlanMirror(trx, mirror));
}

/**
 * The plan's first snapshot right after its workflow started (revision 0, so any write of the
 * workflow's wins), its run id and the audit entry, in one transaction.
 */
export async function recordPlanStart(db: Kysely<Database>, mirror: PlanMirror, runId: string, audit: AuditEntry): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await applyPlanMirror(trx, mirror);
    await trx.updateTable('plans').set({ run_id: runId }).where('id', '=', mirror.plan.id).execute();
    await recordAudit(trx, audit);
  });
}

// The records mirror the workflow's live view field for field (the view adds what blocks sign-off).
export type PlanTaskRecord = PlanTaskView;
export type PlanStageRecord = Omit<PlanStageView, 'blockers'>;

export interface PlanVisitRecord {
  no: number;
  dueAt: string | null;
  status: VisitStatus;
  recordedAt: string | null;
  recordedBy: string | null;
  notes: string | null;
  followUpTaskIds: string[];
}

export interface PlanEventRecord {
  seq: number;
  at: string;
  type: string;
  by: string | null;
  detail: unknown;
}

export interface PlanRecord {
  planId: string;
  workflowId: string | null;
  communityId: string;
  template: { id: string; version: number };
  status: PlanStatus;
  currentStage: Stage | null;
  startedOn: string;
  startedBy: string | null;
  stationLeadId: string | null;
  supervisorId: string | null;
  pausedAt: string | null;
  pausedTotalMs: number;
  cancellation: { at: string; by: string | null; reason: string | null } | null;
  completedAt: string | null;
  evaluation: PlanEvaluation | null;
  report: PlanReport | null;
  revision: number;
  updatedAt: string;
  stages: PlanStageRecord[];
  tasks: PlanTaskRecord[];
  visits: PlanVisitRecord[];
  events: PlanEventRecord[];
}

const iso = (value: Date | null) => value?.toISOString() ?? null;

const DEFAULT_STAGE_NAMES: Record<Stage, Localized> = {
  guide: { zh: '指导', en: 'Guide' },
  support: { zh: '支持', en: 'Support' },
  supervise: { zh: '督导', en: 'Supervise' },
};
const STAGE_ORDER: Record<Stage, number> = { guide: 0, support: 1, supervise: 2 };

/** The latest plan of a community (running or not), whole, or undefined when it never had one. */
export async function getLatestPlan(db: Kysely<Database>, communityId: string, options: { events?: number } = {}): Promise<PlanRecord | undefined> {
  const planId = await getLatestPlanId(db, communityId);
  return planId ? getPlan(db, planId, options) : undefined;
}

/** The id of a community's latest plan (running or not), or undefined when it never had one. */
export async function getLatestPlanId(db: Kysely<Database>, communityId: string): Promise<string | undefined> {
  const row = await db.selectFrom('plans').select('id').where('community_id', '=', communityId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return row?.id;
}

export async function getPlan(db: Kysely<Database>, planId: string, options: { events?: number } = {}): Promise<PlanRecord | undefined> {
  const plan = await db.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirst();
  if (!plan) return undefined;
  const [stages, tasks, visits, events, template] = await Promise.all([
    db.selectFrom('plan_stages').selectAll().where('plan_id', '=', planId).execute(),
    db.selectFrom('plan_tasks').selectAll().where('plan_id', '=', planId).orderBy('sort_order').orderBy('task_id').execute(),
    db.selectFrom('plan_visits').selectAll().where('plan_id', '=', planId).orderBy('visit_no').execute(),
    db.selectFrom('plan_events').selectAll().where('plan_id', '=', planId).orderBy('seq', 'desc').limit(options.events ?? 50).execute(),
    db.selectFrom('plan_templates').select('body').where('id', '=', plan.template_id).where('version', '=', plan.template_version).executeTakeFirst(),
  ]);
  const stageNames = new Map((template?.body as PlanTemplate | undefined)?.stages.map((s) => [s.stage, s.name]) ?? []);
  return {
    planId: plan.id,
    workflowId: plan.workflow_id,
    communityId: plan.community_id,
    template: { id: plan.template_id, version: plan.template_version },
    status: plan.status,
    currentStage: plan.current_stage,
    startedOn: plan.started_on,
    startedBy: plan.started_by,
    stationLeadId: plan.station_lead_id,
    supervisorId: plan.supervisor_id,
    pausedAt: iso(plan.paused_at),
    pausedTotalMs: Number(plan.paused_total_ms),
    cancellation: plan.cancelled_at ? { at: plan.cancelled_at.toISOString(), by: plan.cancelled_by, reason: plan.cancel_reason } : null,
    completedAt: iso(plan.completed_at),
    evaluation: (plan.evaluation as PlanEvaluation | null) ?? null,
    report: (plan.report as PlanReport | null) ?? null,
    revision: plan.revision,
    updatedAt: plan.updated_at.toISOString(),
    stages: stages.sort((a, b) => STAGE_ORDER[a.stage] - STAGE_ORDER[b.stage]).map((stage) => ({
      stage: stage.stage,
      name: stageNames.get(stage.stage) ?? DEFAULT_STAGE_NAMES[stage.stage],
      status: stage.status,
      startedAt: iso(stage.started_at),
      signOffRequestedAt: iso(stage.sign_off_requested_at),
      signedOffAt: iso(stage.signed_off_at),
      signedOffBy: stage.signed_off_by,
      comments: stage.comments,
      sendBacks: stage.send_backs as PlanStageRecord['sendBacks'],
    })),
    tasks: tasks.map((task) => ({
      id: task.task_id,
      stage: task.stage,
      mainTask: task.main_task as MainTask | null,
      title: { zh: task.title_zh, en: task.title_en },
      guidance: (task.guidance as TaskGuidance | null) ?? null,
      required: task.required,
      source: task.source,
      status: task.status,
      dueAt: iso(task.due_at),
      completedAt: iso(task.completed_at),
      completedBy: task.completed_by,
      evidence: (task.evidence as TaskEvidence | null) ?? null,
      reopened: task.reopened,
    })),
    visits: visits.map((visit) => ({
      no: visit.visit_no,
      dueAt: iso(visit.due_at),
      status: visit.status,
      recordedAt: iso(visit.recorded_at),
      recordedBy: visit.recorded_by,
      notes: visit.notes,
      followUpTaskIds: visit.follow_up_task_ids as string[],
    })),
    events: events.reverse().map((event) => ({ seq: event.seq, at: event.at.toISOString(), type: event.type, by: event.actor, detail: event.detail })),
  };
}

/** The plan of a community that is running or paused, if any. */
export async function getActivePlanId(db: Kysely<Database>, communityId: string): Promise<string | undefined> {
  const row = await db.selectFrom('plans').select('id').where('community_id', '=', communityId).where('status', 'in', ['running', 'paused'])
    .orderBy('created_at', 'desc').executeTakeFirst();
  return row?.id;
}

export interface PlanSummary {
  planId: string;
  communityId: string;
  communityName: Localized;
  status: PlanStatus;
  currentStage: Stage | null;
  startedOn: string;
  templateVersion: number;
  tasks: { total: number; done: number; open: number; overdue: number };
  nextDueAt: string | null;
  awaitingSignOff: boolean;
  updatedAt: string;
}

/**
 * The latest plan of each community in `communityIds` (of one street, if given), summarised for
 * lists and dashboards: one query, whatever the number of stations.
 */
export async function listPlanSummaries(
  db: Kysely<Database>,
  filter: { communityIds: string[]; streetId?: string; status?: PlanStatus; stage?: Stage; now: Date },
): Promise<PlanSummary[]> {
  if (filter.communityIds.length === 0) return [];
  let query = db.selectFrom('plans as p')
    .innerJoin('communities as c', 'c.id', 'p.community_id')
    .select([
      'p.id', 'p.community_id', 'c.name_zh', 'c.name_en', 'p.status', 'p.current_stage', 'p.started_on', 'p.template_version', 'p.updated_at',
      sql<number>`(SELECT count(*) FROM plan_tasks t WHERE t.plan_id = p.id)`.as('total'),
      sql<number>`(SELECT count(*) FROM plan_tasks t WHERE t.plan_id = p.id AND t.status = 'done')`.as('done'),
      sql<number>`(SELECT count(*) FROM plan_tasks t WHERE t.plan_id = p.id AND t.status = 'open')`.as('open'),
      sql<number>`(SELECT count(*) FROM plan_tasks t WHERE t.plan_id = p.id AND t.status = 'open' AND t.due_at < ${filter.now})`.as('overdue'),
      sql<Date | null>`(SELECT min(t.due_at) FROM plan_tasks t WHERE t.plan_id = p.id AND t.status = 'open')`.as('next_due_at'),
      sql<boolean>`EXISTS (SELECT 1 FROM plan_stages s WHERE s.plan_id = p.id AND s.status = 'awaiting_sign_off')`.as('awaiting_sign_off'),
    ])
    .where('p.community_id', 'in', filter.communityIds)
    // The latest plan per community only.
    .where(({ not, exists, selectFrom }) => not(exists(
      selectFrom('plans as newer').select('newer.id')
        .whereRef('newer.community_id', '=', 'p.community_id')
        .where(sql<boolean>`(newer.created_at, newer.id) > (p.created_at, p.id)`),
    )))
    .orderBy('p.community_id');
  if (filter.streetId) query = query.where('c.street_id', '=', filter.streetId);
  if (filter.status) query = query.where('p.status', '=', filter.status);
  if (filter.stage) query = query.where('p.current_stage', '=', filter.stage);
  const rows = await query.execute();
  return rows.map((row) => ({
    planId: row.id,
    communityId: row.community_id,
    communityName: { zh: row.name_zh, en: row.name_en },
    status: row.status,
    currentStage: row.current_stage,
    startedOn: row.started_on,
    templateVersion: row.template_version,
    tasks: { total: Number(row.total), done: Number(row.done), open: Number(row.open), overdue: Number(row.overdue) },
    nextDueAt: row.next_due_at ? new Date(row.next_due_at).toISOString() : null,
    awaitingSignOff: Boolean(row.awaiting_sign_off),
    updatedAt: row.updated_at.toISOString(),
  }));
}

export interface PlanCommunity {
  id: string;
  streetId: string;
  name: Localized;
  /** The community's station's status; null when it has none. */
  stationStatus: string | null;
}

/** A community with its station's status, as starting a plan needs it; undefined when unknown. */
export async function getPlanCommunity(db: Kysely<Database>, communityId: string): Promise<PlanCommunity | undefined> {
  const row = await db.selectFrom('communities as c').leftJoin('stations as s', 's.community_id', 'c.id')
    .select(['c.id', 'c.street_id', 'c.name_zh', 'c.name_en', 's.status as station_status'])
    .where('c.id', '=', communityId).executeTakeFirst();
  return row ? { id: row.id, streetId: row.street_id, name: { zh: row.name_zh, en: row.name_en }, stationStatus: row.station_status ?? null } : undefined;
}

/** The community's active station lead (the first by id when there are several), if any. */
export async function getStationLeadId(db: Kysely<Database>, communityId: string): Promise<string | undefined> {
  const row = await db.selectFrom('workers').select('id')
    .where('community_id', '=', communityId).where('position', '=', 'station_lead').where('active', '=', true)
    .orderBy('id').executeTakeFirst();
  return row?.id;
}

/** The active center supervisor nearest above an org unit (its own unit first, then up the tree), if any. */
export async function findCenterSupervisorId(db: Kysely<Database>, orgUnitId: string): Promise<string | undefined> {
  const ancestors = await orgAncestors(db, orgUnitId);
  if (ancestors.length === 0) return undefined;
  const supervisors = await db.selectFrom('workers').select(['id', 'org_unit_id'])
    .where('position', '=', 'center_supervisor').where('active', '=', true).where('org_unit_id', 'in', ancestors)
    .orderBy('id').execute();
  return ancestors.map((unit) => supervisors.find((s) => s.org_unit_id === unit)).find((s) => s !== undefined)?.id;
}

/** The communities among `communityIds` (of one street, if given) whose station is operating, by id. */
export async function listOperatingStationIds(db: Kysely<Database>, filter: { communityIds: string[]; streetId?: string }): Promise<string[]> {
  if (filter.communityIds.length === 0) return [];
  let query = db.selectFrom('stations as s').innerJoin('communities as c', 'c.id', 's.community_id').select('s.community_id')
    .where('s.status', '=', 'operating').where('s.community_id', 'in', filter.communityIds).orderBy('s.community_id');
  if (filter.streetId) query = query.where('c.street_id', '=', filter.streetId);
  return (await query.execute()).map((row) => row.community_id);
}

export interface OverdueTaskRecord {
  communityId: string;
  communityName: Localized;
  planId: string;
  stage: Stage;
  taskId: string;
  title: Localized;
  dueAt: Date;
  escalationRounds: number;
  required: boolean;
}

/** Where a page of the overdue list starts: after this task, in the list's order. */
export interface OverdueTaskPosition {
  dueAt: Date;
  planId: string;
  taskId: string;
}

/**
 * Open tasks of running plans in `communityIds` whose due time is before `now`, oldest first (then
 * by plan and task, so the order is total and a page boundary stable), `limit` of them after
 * `after`. Read through plan_tasks_open_due_idx, a page at a time.
 */
export async function listOverdueTasks(
  db: Kysely<Database>,
  filter: { communityIds: string[]; now: Date; after?: OverdueTaskPosition; limit: number },
): Promise<OverdueTaskRecord[]> {
  if (filter.communityIds.length === 0) return [];
  let query = db.selectFrom('plan_tasks as t')
    .innerJoin('plans as p', 'p.id', 't.plan_id')
    .innerJoin('communities as c', 'c.id', 'p.community_id')
    .select([
      'p.community_id', 'c.name_zh', 'c.name_en', 't.plan_id', 't.stage', 't.task_id', 't.title_zh', 't.title_en', 't.due_at',
      't.escalation_rounds', 't.required',
    ])
    .where('t.status', '=', 'open')
    .where('t.due_at', '<', filter.now)
    .where('p.status', '=', 'running')
    .where('p.community_id', 'in', filter.communityIds)
    .orderBy('t.due_at').orderBy('t.plan_id').orderBy('t.task_id')
    .limit(filter.limit);
  const after = filter.after;
  if (after) {
    query = query.where(sql<boolean>`(t.due_at, t.plan_id, t.task_id) > (${after.dueAt.toISOString()}::timestamptz, ${after.planId}, ${after.taskId})`);
  }
  const rows = await query.execute();
  return rows.map((row) => ({
    communityId: row.community_id,
    communityName: { zh: row.name_zh, en: row.name_en },
    planId: row.plan_id,
    stage: row.stage,
    taskId: row.task_id,
    title: { zh: row.title_zh, en: row.title_en },
    dueAt: row.due_at!,
    escalationRounds: row.escalation_rounds,
    required: row.required,
  }));
}
