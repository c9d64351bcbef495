import { randomBytes } from 'node:crypto';
import { type UpdateDefinition, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { officialCalendar } from '../calendar/official.js';
import { DomainError, forbidden, invalid, notFound } from '../domain/errors.js';
import type { PlanTemplate } from '../domain/plan-template.js';
import type { Principal } from '../domain/principal.js';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../domain/reminders.js';
import type {
  CancelPlanRequest, EvaluationRequest, PauseRequest, PlanActor, RecordVisitRequest, RescheduleRequest, SendBackRequest,
} from '../domain/station-plan-machine.js';
import {
  daysOverdue, fullPlanMirror, initialPlanState, type PlanSchedule, type PlanStatus, type StationPlanInput, type SupervisionPolicy,
  type TaskEvidence,
} from '../domain/station-plan.js';
import type { Stage } from '../domain/types.js';
import { DAY_MS, shanghaiDate } from '../domain/time.js';
import { workflowIds } from '../domain/workflow-ids.js';
import { workflowUiUrl } from '../runtime.js';
import { recordAudit } from '../store/repositories/audit.js';
import { manualForCommunity } from '../store/repositories/manual.js';
import { inScope, orgAncestors, scopedCommunityIds } from '../store/repositories/org-unit.js';
import {
  findCenterSupervisorId, getActivePlanId, getLatestPlan, getLatestPlanId, getPlanCommunity, getStationLeadId,
  listOperatingStationIds, listOverdueTasks, listPlanSummaries, recordPlanStart, type OverdueTaskPosition, type PlanRecord,
} from '../store/repositories/station-plan.js';
import { CommunityIdKey, StageKey } from '../temporal/search-attributes.js';
import { planQueries, planUpdates, STATION_PLAN_WORKFLOW, type StationPlanStatusView } from '../../workflows/station-plan.messages.js';
import type { ServiceDeps } from './deps.js';

// The station plan's operations, one per API route, plus the start the rollout and the CLI share.
// Starting builds the workflow's input from the records store (the newest manual version, the
// station lead and the center supervisor, the official calendar) and starts
// `station-plan:<communityId>`; changes go to the running workflow as updates; reads come from the
// records store. Every operation checks the caller's scope here, and refuses with domain errors.

export type PlanServiceDeps = Pick<ServiceDeps, 'store' | 'temporal' | 'config' | 'clock'>;

export interface StartStationPlanArgs {
  communityId: string;
  /** YYYY-MM-DD; today in Asia/Shanghai when omitted. */
  startedOn?: string;
  actor: string;
  requestId?: string;
}

/** Plan settings a caller may override (tests run whole plans in seconds with these). */
export interface StationPlanOverrides {
  template?: PlanTemplate;
  schedule?: PlanSchedule;
  reminderPolicy?: ReminderPolicy;
  supervision?: SupervisionPolicy;
  signOffReminderMs?: number;
  reopenDueWorkingDays?: number;
  taskQueue?: string;
}

/** The defaults for a real plan: working days of the official calendar, due at 17:30. */
export const DEFAULT_PLAN_SETTINGS = {
  dueTime: '17:30',
  supervision: { intervalWorkingDays: 20, count: 3 } satisfies SupervisionPolicy,
  signOffReminderMs: 2 * DAY_MS,
  reopenDueWorkingDays: 5,
};

export type PlanStartErrorCode = 'not_found' | 'no_station' | 'no_supervisor' | 'no_template';

/**
 * The plan cannot start: an unknown community (not found, reason `community_not_found`), no
 * operating station, no supervisor or no template (conflicts, reasons `plan_no_station`,
 * `plan_no_supervisor`, `plan_no_template`).
 */
export class PlanStartError extends DomainError {
  constructor(readonly code: PlanStartErrorCode, message: string, communityId: string) {
    super(code === 'not_found' ? 'not_found' : 'conflict', message, {
      reason: code === 'not_found' ? 'community_not_found' : `plan_${code}`,
      values: { communityId },
    });
    this.name = 'PlanStartError';
  }
}

/** A plan already runs for the station (the workflow id is taken by a running execution): reason `plan_already_running`. */
export class PlanAlreadyRunningError extends DomainError {
  constructor(readonly communityId: string, readonly workflowId: string, readonly runId: string | undefined, readonly planId: string | undefined) {
    super('conflict', `a station plan is already running for ${communityId} (${workflowId})`, {
      reason: 'plan_already_running',
      values: { communityId, workflowId, planId: planId ?? null },
      details: { workflowId, runId: runId ?? null, planId: planId ?? null },
    });
    this.name = 'PlanAlreadyRunningError';
  }
}

export interface StartedPlan {
  workflowId: string;
  runId: string;
  planId: string;
}

/** Builds a plan's workflow input from the records store. Throws PlanStartError when it cannot. */
export async function buildStationPlanInput(
  deps: Pick<PlanServiceDeps, 'store' | 'clock'>,
  args: StartStationPlanArgs,
  overrides: StationPlanOverrides = {},
): Promise<StationPlanInput> {
  const { db } = deps.store;
  const { communityId } = args;
  const community = await getPlanCommunity(db, communityId);
  if (!community) throw new PlanStartError('not_found', `community ${communityId} not found`, communityId);
  if (community.stationStatus !== 'operating') {
    throw new PlanStartError('no_station', `community ${communityId} has no operating station (${community.stationStatus ?? 'none'})`, communityId);
  }
  // The newest published version of the station's manual; the plan keeps it while it runs.
  const template = overrides.template ?? await manualForCommunity(db, await orgAncestors(db, communityId));
  if (!template) throw new PlanStartError('no_template', 'no plan template is loaded: load the default data or add one', communityId);
  const lead = await getStationLeadId(db, communityId);
  // The supervisor of the center above the station: the nearest org unit with one.
  const supervisorId = await findCenterSupervisorId(db, communityId);
  if (!supervisorId) throw new PlanStartError('no_supervisor', `no active center supervisor above ${communityId}`, communityId);

  const startedOn = args.startedOn ?? shanghaiDate(deps.clock());
  return {
    planId: `${workflowIds.stationPlan(communityId)}:${startedOn}:${randomBytes(4).toString('hex')}`,
    communityId,
    communityName: community.name,
    startedOn,
    template,
    schedule: overrides.schedule ?? { mode: 'calendar', calendar: officialCalendar(Number(startedOn.slice(0, 4))), dueTime: DEFAULT_PLAN_SETTINGS.dueTime },
    reminderPolicy: overrides.reminderPolicy ?? DEFAULT_REMINDER_POLICY,
    recipients: { stationLeadId: lead ?? null, supervisorId },
    supervision: overrides.supervision ?? DEFAULT_PLAN_SETTINGS.supervision,
    signOffReminderMs: overrides.signOffReminderMs ?? DEFAULT_PLAN_SETTINGS.signOffReminderMs,
    reopenDueWorkingDays: overrides.reopenDueWorkingDays ?? DEFAULT_PLAN_SETTINGS.reopenDueWorkingDays,
    startedBy: args.actor,
  };
}

/**
 * Starts the station's plan. Throws PlanAlreadyRunningError when one runs (the id reuse policy
 * lets a new plan follow a completed or cancelled one), PlanStartError when it cannot start.
 * Writes the plan's first records-store snapshot and the audit entry in one transaction.
 */
export async function startStationPlan(
  deps: PlanServiceDeps,
  args: StartStationPlanArgs,
  overrides: StationPlanOverrides = {},
): Promise<StartedPlan> {
  const input = await buildStationPlanInput(deps, args, overrides);
  const workflowId = workflowIds.stationPlan(args.communityId);
  let runId: string;
  try {
    const handle = await deps.temporal.workflow.start(STATION_PLAN_WORKFLOW, {
      taskQueue: overrides.taskQueue ?? deps.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: CommunityIdKey, value: args.communityId },
        { key: StageKey, value: input.template.stages[0]?.stage ?? 'guide' },
      ],
      memo: { planId: input.planId },
    });
    runId = handle.firstExecutionRunId;
  } catch (error) {
    // Not a conversion to HTTP: the running plan's ids are what the caller needs (and bulk start counts it).
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw await alreadyRunning(deps, args.communityId, workflowId);
    throw error;
  }

  // The workflow mirrors itself from its first step; this snapshot (revision 0, so any write of
  // the workflow's wins) lets a read right after the start see the plan.
  const state = initialPlanState(input, deps.clock().getTime());
  await recordPlanStart(deps.store.db, fullPlanMirror(state, input, workflowId), runId, {
    actor: args.actor, action: 'start', entity: 'station_plan', entityId: input.planId,
    after: { workflowId, runId, communityId: args.communityId, startedOn: input.startedOn, template: `${input.template.id}@${input.template.version}` },
    requestId: args.requestId,
  });
  return { workflowId, runId, planId: input.planId };
}

async function alreadyRunning(deps: PlanServiceDeps, communityId: string, workflowId: string): Promise<PlanAlreadyRunningError> {
  let runId: string | undefined;
  let planId: string | undefined;
  try {
    const description = await deps.temporal.workflow.getHandle(workflowId).describe();
    runId = description.runId;
    planId = (description.memo?.planId as string | undefined) ?? undefined;
  } catch {
    // The conflict still stands without the run's details.
  }
  planId ??= await getActivePlanId(deps.store.db, communityId);
  return new PlanAlreadyRunningError(communityId, workflowId, runId, planId);
}

export interface BulkStartResult {
  communityId: string;
  outcome: 'started' | 'already_running' | 'failed';
  workflowId: string;
  runId?: string;
  planId?: string;
  error?: string;
}

/** Starts plans for every operating station among `communityIds` (of one street, if given), one answer per station. */
export async function startStationPlans(
  deps: PlanServiceDeps,
  args: { communityIds: string[]; streetId?: string; startedOn?: string; actor: string; requestId?: string },
  overrides: StationPlanOverrides = {},
): Promise<BulkStartResult[]> {
  const stations = await listOperatingStationIds(deps.store.db, { communityIds: args.communityIds, streetId: args.streetId });
  const results: BulkStartResult[] = [];
  for (const communityId of stations) {
    const workflowId = workflowIds.stationPlan(communityId);
    try {
      const started = await startStationPlan(deps, { communityId, startedOn: args.startedOn, actor: args.actor, requestId: args.requestId }, overrides);
      results.push({ communityId, outcome: 'started', ...started });
    } catch (error) {
      if (error instanceof PlanAlreadyRunningError) {
        results.push({ communityId, outcome: 'already_running', workflowId, runId: error.runId, planId: error.planId });
      } else if (error instanceof PlanStartError) {
        results.push({ communityId, outcome: 'failed', workflowId, error: error.message });
      } else {
        throw error;
      }
    }
  }
  return results;
}

// ── The API's operations ─────────────────────────────────────────────────────────────────────

/** A caller of the API: who, and the request id the audit log keeps. */
export interface PlanCaller {
  principal: Principal;
  requestId?: string;
}

/** Refuses a community that does not exist or lies outside the caller's scope, alike (404, reason `community_not_found`). */
async function assertCommunityInScope(deps: PlanServiceDeps, principal: Principal, communityId: string): Promise<void> {
  const community = await getPlanCommunity(deps.store.db, communityId);
  if (!community || !(await inScope(deps.store.db, principal, communityId))) {
    throw notFound(`community ${communityId}`, { reason: 'community_not_found', values: { communityId } });
  }
}

/** The latest plan of every station in the caller's scope (of one street, if asked), summarised. */
export async function listStationPlans(
  deps: PlanServiceDeps,
  principal: Principal,
  query: { status?: PlanStatus; stage?: Stage; streetId?: string },
) {
  const communityIds = await scopedCommunityIds(deps.store.db, principal);
  return { items: await listPlanSummaries(deps.store.db, { communityIds, streetId: query.streetId, status: query.status, stage: query.stage, now: deps.clock() }) };
}

/** Starts plans for every operating station in the caller's scope (or one street of it), with counts by outcome. */
export async function startScopedStationPlans(deps: PlanServiceDeps, caller: PlanCaller, body: { startedOn?: string; streetId?: string }) {
  const { principal } = caller;
  if (body.streetId && !(await inScope(deps.store.db, principal, body.streetId))) {
    throw forbidden(`street ${body.streetId} is outside your scope`, { reason: 'street_out_of_scope', values: { streetId: body.streetId } });
  }
  const communityIds = await scopedCommunityIds(deps.store.db, principal);
  const items = await startStationPlans(deps, { communityIds, streetId: body.streetId, startedOn: body.startedOn, actor: principal.name, requestId: caller.requestId });
  return {
    items,
    started: items.filter((item) => item.outcome === 'started').length,
    alreadyRunning: items.filter((item) => item.outcome === 'already_running').length,
    failed: items.filter((item) => item.outcome === 'failed').length,
  };
}

/** Starts one station's plan for the caller, with a link to it in the Temporal UI when that is configured. */
export async function startScopedStationPlan(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, body: { startedOn?: string }) {
  await assertCommunityInScope(deps, caller.principal, communityId);
  const started = await startStationPlan(deps, { communityId, startedOn: body.startedOn, actor: caller.principal.name, requestId: caller.requestId });
  return { communityId, ...started, temporalUi: workflowUiUrl(deps.config, started.workflowId, deps.temporal) ?? null };
}

/** The station's latest plan from the records store; viewers see its shape and progress, never who did what or what the evidence says. */
export async function readStationPlan(deps: PlanServiceDeps, principal: Principal, communityId: string) {
  await assertCommunityInScope(deps, principal, communityId);
  const plan = await getLatestPlan(deps.store.db, communityId);
  if (!plan) throw notFound(`station plan for ${communityId}`, { reason: 'plan_not_found', values: { communityId } });
  return planForReader(plan, principal.role === 'viewer');
}

const LIVE_QUERY_DEADLINE_MS = 3000;

/**
 * The station's latest plan as its workflow sees it now (the getStatus query), with the records
 * store as the fallback when the workflow cannot answer (it has ended and its history is gone, or
 * Temporal is unreachable): `source` says which. One query for one station, never a fan-out.
 */
export async function readLiveStationPlan(deps: PlanServiceDeps, principal: Principal, communityId: string) {
  await assertCommunityInScope(deps, principal, communityId);
  const plan = await getLatestPlan(deps.store.db, communityId);
  if (!plan) throw notFound(`station plan for ${communityId}`, { reason: 'plan_not_found', values: { communityId } });
  let live: StationPlanStatusView | undefined;
  try {
    // A real-time deadline (not the service clock): a worker that is down must not hold the page.
    const handle = deps.temporal.workflow.getHandle(plan.workflowId ?? workflowIds.stationPlan(communityId));
    live = await deps.temporal.withDeadline(Date.now() + LIVE_QUERY_DEADLINE_MS, () => handle.query(planQueries.getStatus));
  } catch {
    // The store's copy answers instead; `source` tells the reader.
  }
  const asOf = deps.clock().toISOString();
  if (!live || live.planId !== plan.planId) return { source: 'store' as const, asOf, ...planForReader(plan, principal.role === 'viewer') };
  const merged: PlanRecord = {
    ...plan,
    status: live.status, currentStage: live.currentStage, pausedAt: live.pausedAt, pausedTotalMs: live.pausedTotalMs,
    cancellation: live.cancellation, completedAt: live.completedAt, evaluation: live.evaluation, report: live.report,
    stages: live.stages.map(({ blockers: _blockers, ...stage }) => stage),
    tasks: live.tasks,
    visits: live.visits,
  };
  return { source: 'workflow' as const, asOf, ...planForReader(merged, principal.role === 'viewer') };
}

function planForReader(plan: PlanRecord, viewer: boolean) {
  const { startedBy: _by, stationLeadId: _lead, supervisorId: _supervisor, revision: _revision, ...rest } = plan;
  if (!viewer) return rest;
  return {
    ...rest,
    cancellation: rest.cancellation ? { ...rest.cancellation, by: null } : null,
    stages: rest.stages.map((stage) => ({
      ...stage, signedOffBy: null, comments: null, sendBacks: stage.sendBacks.map((s) => ({ ...s, by: null, comments: null })),
    })),
    tasks: rest.tasks.map((task) => ({ ...task, completedBy: null, evidence: null })),
    visits: rest.visits.map((visit) => ({ ...visit, recordedBy: null, notes: null })),
    evaluation: rest.evaluation
      ? { scores: rest.evaluation.scores, average: rest.evaluation.average, qualities: rest.evaluation.qualities ?? null, at: rest.evaluation.at }
      : null,
    events: rest.events.map((event) => ({ ...event, by: null, detail: {} })),
  };
}

/**
 * Sends one update to the station's running plan and audits it. A community outside the caller's
 * scope, or one that never had a plan, is not found; a plan that has ended, or an update the
 * workflow refuses, fails with Temporal's error, which the API maps in one place.
 */
async function changePlan<Ret, Arg extends PlanActor>(
  deps: PlanServiceDeps,
  caller: PlanCaller,
  communityId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  request: Omit<Arg, keyof PlanActor>,
  audit: { action: string; entityId?: string },
): Promise<Ret> {
  const { principal } = caller;
  await assertCommunityInScope(deps, principal, communityId);
  if (!(await getLatestPlanId(deps.store.db, communityId))) {
    throw notFound(`station plan for ${communityId}`, { reason: 'plan_not_found', values: { communityId } });
  }
  const arg = { ...request, by: principal.name, workerId: principal.workerId } as Arg;
  const result = await deps.temporal.workflow.getHandle(workflowIds.stationPlan(communityId)).executeUpdate(update, { args: [arg] });
  await recordAudit(deps.store.db, {
    actor: principal.name, action: audit.action, entity: 'station_plan', entityId: audit.entityId ?? communityId,
    after: arg, requestId: caller.requestId,
  });
  return result;
}

export function completePlanTask(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, taskId: string, evidence: TaskEvidence) {
  return changePlan(deps, caller, communityId, planUpdates.completeTask,
    { taskId, evidence: { note: evidence.note, links: evidence.links } }, { action: 'complete_task', entityId: `${communityId}:${taskId}` });
}

export function signOffPlanStage(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, stage: Stage, body: { comments?: string }) {
  return changePlan(deps, caller, communityId, planUpdates.signOff,
    { stage, comments: body.comments ?? null }, { action: 'sign_off', entityId: `${communityId}:${stage}` });
}

export function sendBackPlanStage(
  deps: PlanServiceDeps, caller: PlanCaller, communityId: string, stage: Stage, body: Omit<SendBackRequest, keyof PlanActor | 'stage'>,
) {
  return changePlan(deps, caller, communityId, planUpdates.sendBack,
    { stage, comments: body.comments, reopenTaskIds: body.reopenTaskIds, dueInWorkingDays: body.dueInWorkingDays },
    { action: 'send_back', entityId: `${communityId}:${stage}` });
}

export function recordPlanVisit(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, body: Omit<RecordVisitRequest, keyof PlanActor>) {
  return changePlan(deps, caller, communityId, planUpdates.recordVisit,
    { visitNo: body.visitNo, notes: body.notes, followUps: body.followUps }, { action: 'record_visit' });
}

export function submitPlanEvaluation(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, body: Omit<EvaluationRequest, keyof PlanActor>) {
  return changePlan(deps, caller, communityId, planUpdates.submitEvaluation,
    { scores: body.scores, ...(body.qualities ? { qualities: body.qualities } : {}), comments: body.comments }, { action: 'evaluate' });
}

export function pauseStationPlan(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, body: { reason?: string }) {
  return changePlan(deps, caller, communityId, planUpdates.pause, { reason: body.reason ?? null } satisfies Omit<PauseRequest, keyof PlanActor>, { action: 'pause' });
}

export function resumeStationPlan(deps: PlanServiceDeps, caller: PlanCaller, communityId: string) {
  return changePlan(deps, caller, communityId, planUpdates.resume, {}, { action: 'resume' });
}

export function rescheduleStationPlan(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, body: { deltaWorkingDays: number; reason?: string }) {
  return changePlan(deps, caller, communityId, planUpdates.reschedule,
    { deltaWorkingDays: body.deltaWorkingDays, reason: body.reason ?? null } satisfies Omit<RescheduleRequest, keyof PlanActor>, { action: 'reschedule' });
}

export function cancelStationPlan(deps: PlanServiceDeps, caller: PlanCaller, communityId: string, body: { reason: string }) {
  return changePlan(deps, caller, communityId, planUpdates.cancel, { reason: body.reason } satisfies Omit<CancelPlanRequest, keyof PlanActor>, { action: 'cancel' });
}

// ── The overdue list ─────────────────────────────────────────────────────────────────────────

/** The opaque page cursor: where the last page ended, in the list's order. */
function encodeCursor(position: OverdueTaskPosition): string {
  return Buffer.from(JSON.stringify([position.dueAt.toISOString(), position.planId, position.taskId])).toString('base64url');
}

function decodeCursor(cursor: string): OverdueTaskPosition {
  try {
    const [dueAt, planId, taskId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof dueAt === 'string' && typeof planId === 'string' && typeof taskId === 'string' && !Number.isNaN(Date.parse(dueAt))) {
      return { dueAt: new Date(dueAt), planId, taskId };
    }
  } catch {
    // Refused below, like any cursor this list did not give.
  }
  throw invalid([{ path: 'query.cursor', message: 'not a cursor this list gave' }], { reason: 'invalid_cursor' });
}

/**
 * Overdue tasks of the running plans in the caller's scope, oldest due first, a page at a time,
 * with the escalation rounds sent for each so far. Names no person, so every reader sees the same.
 */
export async function listOverduePlanTasks(deps: PlanServiceDeps, principal: Principal, query: { limit: number; cursor?: string }) {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const communityIds = await scopedCommunityIds(deps.store.db, principal);
  const now = deps.clock();
  // One row more than the page says whether another page follows.
  const rows = await listOverdueTasks(deps.store.db, { communityIds, now, after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      communityId: row.communityId,
      communityName: row.communityName,
      planId: row.planId,
      stage: row.stage,
      taskId: row.taskId,
      title: row.title,
      dueAt: row.dueAt.toISOString(),
      daysOverdue: daysOverdue(row.dueAt.getTime(), now.getTime()),
      escalationRounds: row.escalationRounds,
      required: row.required,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}
