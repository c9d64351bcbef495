import { randomBytes } from 'node:crypto';
import {
  ActivityFailure, ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import { inScope, orgAncestors, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import type { Principal } from '../domain/principal.js';
import { ApiError, conflict, forbidden, invalidRequest, notFound, type FieldProblem } from '../api/errors.js';
import type { ServiceDeps as AppDeps } from './deps.js';
import { checkCohort, checkSessions, overlaps, type CohortWorker, type CycleSession } from '../domain/training-cycle.js';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../domain/reminders.js';
import type { AssessmentBody, AttendanceBody, LaunchCycleBody, ParticipantsBody } from '../schemas/training-cycle.js';
import { recordAudit } from '../store/repositories/audit.js';
import * as training from '../store/repositories/training-cycle.js';
import { CycleIdKey } from '../temporal/search-attributes.js';
import { DEFAULT_FAN_OUT, TRAINING_CYCLE_WORKFLOW, trainingUpdates, type CycleAddition, type TrainingCycleInput } from '../../workflows/training-cycle.messages.js';
import { ErrorType } from '../domain/errors.js';
import { ladderUpdates, type AssessmentResult, type AttendanceResult } from '../../workflows/worker-ladder.messages.js';
import { workflowIds } from '../domain/workflow-ids.js';

// The training pipeline's API side: validation that answers with every problem at once, records
// written with their audit entry, and the messages to the running workflows.

const SECOND = 1000;

/** Positions that make up a station's social-work team (a cohort by station takes these). */
export const TEAM_POSITIONS = ['social_worker', 'station_lead'] as const;

// ── Temporal answers → API errors ─────────────────────────────────────────────────────────────

/** Maps a failed update or a missing workflow to the API's error shape. */
export function fromTemporal(error: unknown, ended: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof WorkflowExecutionAlreadyStartedError) return conflict('a workflow with this id is already running');
  if (error instanceof WorkflowNotFoundError) return conflict(ended);
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure) {
      if (cause.type === ErrorType.NotFound) return new ApiError('not_found', cause.message);
      if (cause.type === ErrorType.InvalidInput) return new ApiError('invalid_request', cause.message, [{ path: 'body', message: cause.message }]);
      return conflict(cause.message, { reason: cause.message });
    }
    if (cause instanceof ActivityFailure) return new ApiError('unavailable', 'the records store did not take the change; retry shortly', undefined, { 'Retry-After': '5' });
    return conflict(error.message);
  }
  if (error instanceof Error && /workflow execution already completed/i.test(error.message)) return conflict(ended);
  throw error;
}

async function guard<T>(work: () => Promise<T>, ended: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw fromTemporal(error, ended);
  }
}

// ── who may see and change a cycle ───────────────────────────────────────────────────────────

type CycleRow = NonNullable<Awaited<ReturnType<typeof training.getCycleRow>>>;

/** Finds a cycle the caller may see; everyone else gets 404 (a cycle's existence is not leaked). */
export async function visibleCycle(deps: AppDeps, principal: Principal, cycleId: string): Promise<CycleRow> {
  const cycle = await training.getCycleRow(deps.store.db, cycleId);
  if (!cycle) throw notFound(`training cycle ${cycleId}`);
  if (await inScope(deps.store.db, principal, cycle.org_unit_id)) return cycle;
  if (principal.role === 'station_lead' || principal.role === 'social_worker') {
    if (principal.role === 'social_worker' && principal.workerId) {
      if (await training.getEnrolment(deps.store.db, cycleId, principal.workerId)) return cycle;
    }
    if (principal.role === 'station_lead') {
      const communities = await scopedCommunityIds(deps.store.db, principal);
      if (communities.length > 0) {
        const any = await deps.store.db.selectFrom('enrolments as e').innerJoin('workers as w', 'w.id', 'e.worker_id')
          .select('e.worker_id').where('e.cycle_id', '=', cycleId).where('w.community_id', 'in', communities).executeTakeFirst();
        if (any) return cycle;
      }
    }
  }
  throw notFound(`training cycle ${cycleId}`);
}

/** A cycle the caller may change (supervisors and admins over its org unit). */
async function manageableCycle(deps: AppDeps, principal: Principal, cycleId: string): Promise<CycleRow> {
  const cycle = await training.getCycleRow(deps.store.db, cycleId);
  if (!cycle || !(await inScope(deps.store.db, principal, cycle.org_unit_id))) throw notFound(`training cycle ${cycleId}`);
  return cycle;
}

function requireRunning(cycle: CycleRow) {
  if (cycle.status !== 'running') throw conflict(`training cycle ${cycle.id} is ${cycle.status}`, { status: cycle.status });
}

/** Whether a principal may record attendance or assessments for a worker in a session. */
async function mayRecordFor(deps: AppDeps, principal: Principal, cycle: CycleRow, worker: { community_id: string | null; org_unit_id: string }, trainer?: string): Promise<boolean> {
  if (principal.role === 'admin' || principal.role === 'supervisor') return inScope(deps.store.db, principal, cycle.org_unit_id);
  if (principal.role === 'station_lead') {
    if (trainer !== undefined && principal.workerId !== null && trainer === principal.workerId) return true;
    return inScope(deps.store.db, principal, worker.community_id ?? worker.org_unit_id);
  }
  return false;
}

// ── cohorts ──────────────────────────────────────────────────────────────────────────────────

interface ResolvedCohort {
  workers: CohortWorker[];
  problems: FieldProblem[];
}

/** Turns stations and listed workers into cohort workers (deduplicated), with every problem found. */
async function resolveCohort(deps: AppDeps, principal: Principal, cohort: { stationIds: string[]; workerIds: string[] }, prefix: string): Promise<ResolvedCohort> {
  const db = deps.store.db;
  const problems: FieldProblem[] = [];
  const chosen = new Map<string, string>();
  const scope = new Set(await subtreeIds(db, principal.scopeId));
  for (const [index, stationId] of cohort.stationIds.entries()) {
    const path = `${prefix}.stationIds.${index}`;
    const station = await db.selectFrom('stations').select(['community_id', 'status'])
      .where((eb) => eb.or([eb('community_id', '=', stationId), eb('id', '=', stationId)])).executeTakeFirst();
    if (!station) {
      problems.push({ path, message: `no station for ${stationId}` });
      continue;
    }
    if (!scope.has(station.community_id)) {
      problems.push({ path, message: `station ${stationId} is outside your scope` });
      continue;
    }
    if (station.status !== 'operating') problems.push({ path, message: `station ${stationId} is ${station.status}, not operating` });
    const team = await db.selectFrom('workers').select('id')
      .where('community_id', '=', station.community_id).where('active', '=', true).where('position', 'in', [...TEAM_POSITIONS])
      .orderBy('id').execute();
    if (team.length === 0) problems.push({ path, message: `station ${stationId} has no active social workers` });
    for (const member of team) if (!chosen.has(member.id)) chosen.set(member.id, path);
  }
  const listed = cohort.workerIds.length === 0 ? [] : await db.selectFrom('workers').select(['id', 'active', 'org_unit_id', 'community_id'])
    .where('id', 'in', cohort.workerIds).execute();
  for (const [index, workerId] of cohort.workerIds.entries()) {
    const path = `${prefix}.workerIds.${index}`;
    const worker = listed.find((row) => row.id === workerId);
    if (!worker) problems.push({ path, message: `unknown worker ${workerId}` });
    else if (!worker.active) problems.push({ path, message: `worker ${workerId} is inactive` });
    else if (!scope.has(worker.community_id ?? worker.org_unit_id)) problems.push({ path, message: `worker ${workerId} is outside your scope` });
    else if (!chosen.has(workerId)) chosen.set(workerId, path);
  }
  const levels = await training.levelsOf(db, [...chosen.keys()]);
  return {
    workers: [...chosen.entries()].map(([workerId, path]) => ({ workerId, path, levels: levels.get(workerId) ?? {} })),
    problems,
  };
}

function newCycleId(): string {
  return `cyc-${randomBytes(5).toString('hex')}`;
}

function toReminderPolicy(input: LaunchCycleBody['reminderPolicy']): ReminderPolicy {
  if (!input) return { ...DEFAULT_REMINDER_POLICY, overdueRepeatMs: null, escalation: null };
  return {
    offsetsMs: input.offsetsSeconds.map((value) => value * SECOND),
    quietHours: input.quietHours,
    workingDaysOnly: input.workingDaysOnly,
    overdueRepeatMs: null,
    escalation: null,
  };
}

// ── launch ───────────────────────────────────────────────────────────────────────────────────

export interface LaunchedCycle {
  id: string;
  workflowId: string;
  status: 'running';
  sessions: number;
  enrolled: number;
}

/**
 * Validates a launch completely (org unit, cohort, sessions, the ladder rule, overlaps, capacity)
 * and answers every problem at once; only a clean request writes the cycle and starts its workflow.
 */
export async function launchCycle(deps: AppDeps, principal: Principal, body: LaunchCycleBody, requestId: string): Promise<LaunchedCycle> {
  const db = deps.store.db;
  const problems: FieldProblem[] = [];
  const cycleId = body.id ?? newCycleId();
  const orgUnitId = body.orgUnitId ?? principal.scopeId;
  const unit = await db.selectFrom('org_units').select('id').where('id', '=', orgUnitId).executeTakeFirst();
  if (!unit) problems.push({ path: 'body.orgUnitId', message: `unknown org unit ${orgUnitId}` });
  else if (!(await inScope(db, principal, orgUnitId))) problems.push({ path: 'body.orgUnitId', message: `org unit ${orgUnitId} is outside your scope` });
  if (body.id && (await training.getCycleRow(db, body.id))) throw conflict(`training cycle ${body.id} already exists`);

  const sessions: CycleSession[] = body.sessions.map((session, index) => ({ ...session, id: session.id ?? `${cycleId}-s${index + 1}` }));
  const takenIds = await db.selectFrom('sessions').select('id').where('id', 'in', sessions.map((s) => s.id)).execute();
  sessions.forEach((session, index) => {
    if (takenIds.some((row) => row.id === session.id)) problems.push({ path: `body.sessions.${index}.id`, message: `session id ${session.id} is already used` });
  });

  const catalog = await training.catalogLevels(db);
  const now = deps.clock().getTime();
  const sessionPath = (index: number) => `body.sessions.${index}`;
  problems.push(...checkSessions(sessions, catalog, now, sessionPath));
  const cohort = await resolveCohort(deps, principal, body.cohort, 'body.cohort');
  problems.push(...cohort.problems);
  if (cohort.workers.length === 0 && cohort.problems.length === 0) problems.push({ path: 'body.cohort', message: 'name at least one station or worker' });
  const checked = checkCohort({ sessions, sessionPath, workers: cohort.workers, catalog, now });
  problems.push(...checked.problems);
  if (problems.length > 0) throw invalidRequest(problems);

  const fanOut = { ...DEFAULT_FAN_OUT, ...body.fanOut };
  const definition: training.CycleDefinition = {
    name: body.name,
    cohort: body.cohort,
    sessions,
    rules: {
      passMark: body.assessment.passMark,
      assessmentWindowMs: body.assessment.assessmentWindowSeconds * SECOND,
      retakeWindowMs: body.assessment.retakeWindowSeconds * SECOND,
      attendanceGraceMs: body.assessment.attendanceGraceSeconds * SECOND,
      checkInOpensMs: body.assessment.checkInOpensSeconds * SECOND,
      lateAfterMs: body.assessment.lateAfterSeconds * SECOND,
    },
    reminderPolicy: toReminderPolicy(body.reminderPolicy),
    fanOut,
    supervisorId: principal.workerId,
  };
  const workflowId = workflowIds.trainingCycle(cycleId);
  const input: TrainingCycleInput = { cycleId, fanOut };
  // The workflow starts inside the transaction: a failed start writes nothing, and the workflow's
  // first read retries until the commit is visible.
  await guard(() => db.transaction().execute(async (trx) => {
    await training.insertCycle(trx, {
      id: cycleId, orgUnitId, createdBy: principal.name, definition,
      enrolments: cohort.workers.map((worker) => ({ workerId: worker.workerId, sessionIds: checked.plans.get(worker.workerId) ?? [], levels: worker.levels })),
    });
    await recordAudit(trx, {
      actor: principal.name, action: 'launch', entity: 'training_cycle', entityId: cycleId, requestId,
      after: { name: body.name, orgUnitId, cohort: body.cohort, sessions: sessions.length, enrolled: cohort.workers.length, fanOut },
    });
    await deps.temporal.workflow.start(TRAINING_CYCLE_WORKFLOW, {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: CycleIdKey, value: cycleId }],
    });
  }), `training cycle ${cycleId} already exists`);
  return { id: cycleId, workflowId, status: 'running', sessions: sessions.length, enrolled: cohort.workers.length };
}

// ── participants ─────────────────────────────────────────────────────────────────────────────

function storedSessions(rows: Awaited<ReturnType<typeof training.listSessions>>): CycleSession[] {
  return rows.filter((row) => row.status !== 'cancelled').map((row) => ({
    id: row.id, dimension: row.dimension_key, level: row.level, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(),
    place: row.place, trainer: row.trainer, capacity: row.capacity,
  }));
}

/** Adds and withdraws participants of a running cycle; additions pass the same checks as a launch. */
export async function changeParticipants(deps: AppDeps, principal: Principal, cycleId: string, body: ParticipantsBody, requestId: string) {
  const db = deps.store.db;
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const problems: FieldProblem[] = [];
  if (body.add.stationIds.length === 0 && body.add.workerIds.length === 0 && body.withdraw.length === 0) {
    throw invalidRequest([{ path: 'body', message: 'add or withdraw at least one worker' }]);
  }
  const cohort = await resolveCohort(deps, principal, body.add, 'body.add');
  problems.push(...cohort.problems);
  const existing = cohort.workers.length === 0 ? [] : await db.selectFrom('enrolments').select(['worker_id', 'status'])
    .where('cycle_id', '=', cycleId).where('worker_id', 'in', cohort.workers.map((w) => w.workerId)).execute();
  const fresh = cohort.workers.filter((worker) => {
    const found = existing.find((row) => row.worker_id === worker.workerId);
    if (!found) return true;
    // Listed workers who are already in are a mistake; a station's members already in are simply kept.
    if (worker.path.includes('workerIds')) {
      problems.push({
        path: worker.path,
        message: found.status === 'withdrawn' || found.status === 'cancelled'
          ? `worker ${worker.workerId} was ${found.status} from this cycle and cannot rejoin it`
          : `worker ${worker.workerId} is already in this cycle (${found.status})`,
      });
    }
    return false;
  });
  const sessions = storedSessions(await training.listSessions(db, cycleId));
  const checked = checkCohort({
    sessions, sessionPath: (i) => `sessions.${sessions[i]?.id ?? i}`, workers: fresh,
    catalog: await training.catalogLevels(db), now: deps.clock().getTime(),
    alreadyTaking: await training.sessionTakers(db, cycleId), upcomingOnly: true,
  });
  problems.push(...checked.problems);
  const enrolled = body.withdraw.length === 0 ? [] : await db.selectFrom('enrolments').select(['worker_id', 'status'])
    .where('cycle_id', '=', cycleId).where('worker_id', 'in', body.withdraw).execute();
  body.withdraw.forEach((workerId, index) => {
    const row = enrolled.find((e) => e.worker_id === workerId);
    if (!row) problems.push({ path: `body.withdraw.${index}`, message: `worker ${workerId} is not in this cycle` });
    else if (row.status !== 'enrolled') problems.push({ path: `body.withdraw.${index}`, message: `worker ${workerId} is ${row.status}, not enrolled` });
  });
  if (problems.length > 0) throw invalidRequest(problems);

  const add: CycleAddition[] = fresh.map((worker) => ({ workerId: worker.workerId, sessionIds: checked.plans.get(worker.workerId) ?? [], levels: worker.levels }));
  const result = await guard(() => deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.changeParticipants, {
    args: [{ add, withdraw: body.withdraw, by: principal.name, reason: body.reason ?? null }],
  }), `training cycle ${cycleId} has ended`);
  await db.transaction().execute(async (trx) => {
    await recordAudit(trx, { actor: principal.name, action: 'change_participants', entity: 'training_cycle', entityId: cycleId, requestId, after: { ...result, reason: body.reason ?? null } });
  });
  return result;
}

// ── sessions ─────────────────────────────────────────────────────────────────────────────────

/** Moves a session after checking the new time against the past, the ladder's order and each taker's other sessions. */
export async function moveSession(deps: AppDeps, principal: Principal, cycleId: string, sessionId: string, body: { startsAt: string; endsAt: string; place?: string; reason?: string | null }, requestId: string) {
  const db = deps.store.db;
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const rows = await training.listSessions(db, cycleId);
  const session = rows.find((row) => row.id === sessionId);
  if (!session) throw notFound(`session ${sessionId} in cycle ${cycleId}`);
  const now = deps.clock().getTime();
  if (session.status === 'cancelled') throw conflict(`session ${sessionId} is cancelled`);
  if (session.starts_at.getTime() <= now) throw conflict(`session ${sessionId} has already started`);
  const start = Date.parse(body.startsAt);
  const end = Date.parse(body.endsAt);
  const problems: FieldProblem[] = [];
  if (end <= start) problems.push({ path: 'body.endsAt', message: 'must be after startsAt' });
  if (start <= now) problems.push({ path: 'body.startsAt', message: 'is in the past' });
  const others = rows.filter((row) => row.id !== sessionId && row.status !== 'cancelled');
  for (const other of others.filter((row) => row.dimension_key === session.dimension_key)) {
    if (other.level === session.level - 1 && other.ends_at.getTime() > start) {
      problems.push({ path: 'body.startsAt', message: `level ${session.level} would start before level ${other.level} session ${other.id} ends` });
    }
    if (other.level === session.level + 1 && other.starts_at.getTime() < end) {
      problems.push({ path: 'body.endsAt', message: `level ${session.level} would end after level ${other.level} session ${other.id} starts` });
    }
  }
  const takers = new Set(await training.workersTakingSession(db, cycleId, sessionId, ['enrolled']));
  for (const other of others) {
    if (!overlaps({ start, end }, { start: other.starts_at.getTime(), end: other.ends_at.getTime() })) continue;
    const both = (await training.workersTakingSession(db, cycleId, other.id, ['enrolled'])).filter((id) => takers.has(id));
    if (both.length > 0) problems.push({ path: 'body.startsAt', message: `overlaps session ${other.id} for ${both.length} worker(s) who take both: ${both.slice(0, 5).join(', ')}` });
  }
  if (problems.length > 0) throw invalidRequest(problems);
  const result = await guard(() => deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.changeSession, {
    args: [{ sessionId, action: 'move', startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString(), place: body.place, by: principal.name, reason: body.reason ?? null }],
  }), `training cycle ${cycleId} has ended`);
  await recordAudit(db, {
    actor: principal.name, action: 'move_session', entity: 'session', entityId: sessionId, requestId,
    before: { startsAt: session.starts_at.toISOString(), endsAt: session.ends_at.toISOString(), place: session.place },
    after: { startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString(), place: body.place ?? session.place, reason: body.reason ?? null },
  });
  return result;
}

export async function cancelSession(deps: AppDeps, principal: Principal, cycleId: string, sessionId: string, reason: string, requestId: string) {
  const db = deps.store.db;
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const session = (await training.listSessions(db, cycleId)).find((row) => row.id === sessionId);
  if (!session) throw notFound(`session ${sessionId} in cycle ${cycleId}`);
  if (session.status === 'cancelled') throw conflict(`session ${sessionId} is already cancelled`);
  if (session.ends_at.getTime() <= deps.clock().getTime()) throw conflict(`session ${sessionId} has already ended`);
  const result = await guard(() => deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.changeSession, {
    args: [{ sessionId, action: 'cancel', by: principal.name, reason }],
  }), `training cycle ${cycleId} has ended`);
  await recordAudit(db, { actor: principal.name, action: 'cancel_session', entity: 'session', entityId: sessionId, requestId, before: { status: session.status }, after: { status: 'cancelled', reason } });
  return result;
}

export async function cancelCycle(deps: AppDeps, principal: Principal, cycleId: string, reason: string, requestId: string) {
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const result = await guard(() => deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.cancelCycle, {
    args: [{ reason, by: principal.name }],
  }), `training cycle ${cycleId} has ended`);
  await recordAudit(deps.store.db, { actor: principal.name, action: 'cancel', entity: 'training_cycle', entityId: cycleId, requestId, before: { status: 'running' }, after: { status: 'cancelled', reason } });
  return result;
}

// ── attendance, assessments, check-in ────────────────────────────────────────────────────────

async function enrolledWorker(deps: AppDeps, cycleId: string, workerId: string) {
  return deps.store.db.selectFrom('enrolments as e').innerJoin('workers as w', 'w.id', 'e.worker_id')
    .select(['e.worker_id', 'e.status', 'e.plan', 'w.community_id', 'w.org_unit_id'])
    .where('e.cycle_id', '=', cycleId).where('e.worker_id', '=', workerId).executeTakeFirst();
}

/** Records a session's attendance for several workers; each goes to the worker's ladder. */
export async function recordAttendance(deps: AppDeps, principal: Principal, cycleId: string, body: AttendanceBody, requestId: string) {
  const cycle = await visibleCycle(deps, principal, cycleId);
  const session = (await training.listSessions(deps.store.db, cycleId)).find((row) => row.id === body.sessionId);
  if (!session) throw invalidRequest([{ path: 'body.sessionId', message: `no session ${body.sessionId} in cycle ${cycleId}` }]);
  const problems: FieldProblem[] = [];
  for (const [index, record] of body.records.entries()) {
    const path = `body.records.${index}.workerId`;
    const enrolment = await enrolledWorker(deps, cycleId, record.workerId);
    if (!enrolment) problems.push({ path, message: `worker ${record.workerId} is not in this cycle` });
    else if (!enrolment.plan.includes(body.sessionId)) problems.push({ path, message: `worker ${record.workerId} does not take session ${body.sessionId}` });
    else if (!(await mayRecordFor(deps, principal, cycle, enrolment, session.trainer))) throw forbidden(`you may not record attendance for worker ${record.workerId}`);
  }
  if (problems.length > 0) throw invalidRequest(problems);
  requireRunning(cycle);
  const recorded: AttendanceResult[] = [];
  const failed: Array<{ workerId: string; code: string; message: string }> = [];
  for (const record of body.records) {
    try {
      recorded.push(await guard(() => deps.temporal.workflow.getHandle(workflowIds.workerLadder(cycleId, record.workerId)).executeUpdate(ladderUpdates.recordAttendance, {
        args: [{ sessionId: body.sessionId, status: record.status, source: 'trainer', recordedBy: principal.workerId ?? principal.name }],
      }), `worker ${record.workerId}'s ladder in cycle ${cycleId} has ended`));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      failed.push({ workerId: record.workerId, code: error.code, message: error.message });
    }
  }
  if (recorded.length > 0) {
    await recordAudit(deps.store.db, { actor: principal.name, action: 'record_attendance', entity: 'session', entityId: body.sessionId, requestId, after: { cycleId, recorded } });
  }
  if (failed.length > 0) {
    throw conflict(`${failed.length} of ${body.records.length} attendance record(s) were refused: ${failed.map((f) => `${f.workerId}: ${f.message}`).join('; ')}`, { recorded, failed });
  }
  return { sessionId: body.sessionId, recorded };
}

export async function recordAssessment(deps: AppDeps, principal: Principal, cycleId: string, body: AssessmentBody, requestId: string): Promise<AssessmentResult & { workerId: string }> {
  const cycle = await visibleCycle(deps, principal, cycleId);
  const enrolment = await enrolledWorker(deps, cycleId, body.workerId);
  if (!enrolment) throw invalidRequest([{ path: 'body.workerId', message: `worker ${body.workerId} is not in this cycle` }]);
  const trainers = (await training.listSessions(deps.store.db, cycleId))
    .filter((row) => row.dimension_key === body.dimension && row.level === body.level).map((row) => row.trainer);
  const allowed = await mayRecordFor(deps, principal, cycle, enrolment) || (principal.role === 'station_lead' && principal.workerId !== null && trainers.includes(principal.workerId));
  if (!allowed) throw forbidden(`you may not record assessments for worker ${body.workerId}`);
  requireRunning(cycle);
  const result = await guard(() => deps.temporal.workflow.getHandle(workflowIds.workerLadder(cycleId, body.workerId)).executeUpdate(ladderUpdates.recordAssessment, {
    args: [{ dimension: body.dimension, level: body.level, score: body.score, assessor: body.assessor ?? principal.name }],
  }), `worker ${body.workerId}'s ladder in cycle ${cycleId} has ended`);
  await recordAudit(deps.store.db, {
    actor: principal.name, action: 'record_assessment', entity: 'enrolment', entityId: `${cycleId}:${body.workerId}`, requestId,
    after: { dimension: body.dimension, level: body.level, score: body.score, ...result },
  });
  return { workerId: body.workerId, ...result };
}

/** A worker checks in to their own session, inside its window (present, or late after the grace). */
export async function checkIn(deps: AppDeps, principal: Principal, cycleId: string, sessionId: string, requestId: string): Promise<AttendanceResult> {
  if (!principal.workerId) throw forbidden('check-in needs a token that acts for a worker');
  const workerId = principal.workerId;
  await visibleCycle(deps, principal, cycleId);
  const enrolment = await enrolledWorker(deps, cycleId, workerId);
  if (!enrolment) throw notFound(`your enrolment in cycle ${cycleId}`);
  if (!enrolment.plan.includes(sessionId)) throw invalidRequest([{ path: 'body.sessionId', message: `you do not take session ${sessionId}` }]);
  const result = await guard(() => deps.temporal.workflow.getHandle(workflowIds.workerLadder(cycleId, workerId)).executeUpdate(ladderUpdates.recordAttendance, {
    args: [{ sessionId, source: 'check_in', recordedBy: workerId }],
  }), `your ladder in cycle ${cycleId} has ended`);
  await recordAudit(deps.store.db, { actor: principal.name, action: 'check_in', entity: 'session', entityId: sessionId, requestId, after: result });
  return result;
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/** A cycle's progress from the records store, with participants only for callers allowed to see them. */
export async function cycleDetail(deps: AppDeps, principal: Principal, cycleId: string) {
  const cycle = await visibleCycle(deps, principal, cycleId);
  const db = deps.store.db;
  let participantsIn: string[] | 'all' | 'none' = 'none';
  let workerId: string | undefined;
  if (principal.role === 'admin' || principal.role === 'supervisor') participantsIn = 'all';
  else if (principal.role === 'station_lead') participantsIn = await scopedCommunityIds(db, principal);
  else if (principal.role === 'social_worker' && principal.workerId) {
    participantsIn = 'all';
    workerId = principal.workerId;
  }
  const progress = await training.cycleProgress(db, cycleId, { participantsIn, workerId });
  return {
    id: cycle.id,
    name: cycle.name,
    orgUnitId: cycle.org_unit_id,
    status: cycle.status,
    workflowId: workflowIds.trainingCycle(cycle.id),
    createdBy: cycle.created_by,
    createdAt: cycle.created_at.toISOString(),
    endedAt: cycle.ended_at?.toISOString() ?? null,
    cancelReason: cycle.cancel_reason,
    sessions: progress.sessions,
    participants: progress.participants,
    assessments: progress.assessments,
    ...(progress.workers ? { workers: progress.workers } : {}),
    report: (cycle.report as training.CycleReport | null) ?? null,
  };
}

export async function listVisibleCycles(deps: AppDeps, principal: Principal, query: { status?: 'running' | 'completed' | 'cancelled'; limit: number; offset: number }) {
  const db = deps.store.db;
  if (principal.role === 'social_worker') {
    if (!principal.workerId) return [];
    return training.listCycles(db, { workerId: principal.workerId, ...query });
  }
  // A cycle belongs to an org unit: callers see cycles of units inside their scope and above it
  // (a station lead sees the street's cycles their station takes part in).
  const units = [...new Set([...(await subtreeIds(db, principal.scopeId)), ...(principal.role === 'station_lead' ? await orgAncestors(db, principal.scopeId) : [])])];
  const cycles = await training.listCycles(db, { orgUnitIds: units, ...query });
  if (principal.role !== 'station_lead') return cycles;
  const visible: typeof cycles = [];
  for (const cycle of cycles) {
    try {
      await visibleCycle(deps, principal, cycle.id);
      visible.push(cycle);
    } catch {
      // not one of this station's cycles
    }
  }
  return visible;
}

