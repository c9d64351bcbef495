import { randomBytes } from 'node:crypto';
import {
  ActivityFailure, ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import { conflict, ErrorType, forbidden, invalid, notFound, type DomainErrorKind, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../domain/reminders.js';
import { checkCohort, checkSessionMove, checkSessions, sessionsOverlapping, type CohortWorker, type CycleSession, type SessionSpan } from '../domain/training-cycle.js';
import { workflowIds } from '../domain/workflow-ids.js';
import type { AssessmentBody, AttendanceBody, LaunchCycleBody, MoveSessionBody, ParticipantsBody } from '../schemas/training-cycle.js';
import { recordAudit } from '../store/repositories/audit.js';
import { inScope, orgAncestors, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import * as training from '../store/repositories/training-cycle.js';
import { getWorker } from '../store/repositories/worker.js';
import { CycleIdKey } from '../temporal/search-attributes.js';
import { DEFAULT_FAN_OUT, TRAINING_CYCLE_WORKFLOW, trainingUpdates, type CycleAddition, type TrainingCycleInput } from '../../workflows/training-cycle.messages.js';
import { ladderUpdates, type AssessmentResult, type AttendanceResult } from '../../workflows/worker-ladder.messages.js';
import type { ServiceDeps } from './deps.js';

// The training pipeline's operations: validation that answers with every problem at once, records
// written with their audit entry, and the messages to the running workflows. Refusals are domain
// errors; Temporal failures propagate to the API's one mapping (src/api/errors.ts).

const SECOND = 1000;

// ── who may see and change a cycle ───────────────────────────────────────────────────────────

type CycleRow = NonNullable<Awaited<ReturnType<typeof training.getCycleRow>>>;

const cycleNotFound = (cycleId: string) => notFound(`training cycle ${cycleId}`, { reason: 'cycle_not_found', values: { cycleId } });

/** Whether a principal may see a cycle: its org unit in scope, or (leads, workers) a part in it. */
async function mayView(deps: ServiceDeps, principal: Principal, cycle: CycleRow): Promise<boolean> {
  const db = deps.store.db;
  if (await inScope(db, principal, cycle.org_unit_id)) return true;
  if (principal.role === 'social_worker' && principal.workerId) return (await training.getEnrolment(db, cycle.id, principal.workerId)) !== undefined;
  if (principal.role === 'station_lead') return training.cycleHasWorkerIn(db, cycle.id, await scopedCommunityIds(db, principal));
  return false;
}

/** Finds a cycle the caller may see; everyone else gets not found (a cycle's existence is not leaked). */
async function visibleCycle(deps: ServiceDeps, principal: Principal, cycleId: string): Promise<CycleRow> {
  const cycle = await training.getCycleRow(deps.store.db, cycleId);
  if (!cycle || !(await mayView(deps, principal, cycle))) throw cycleNotFound(cycleId);
  return cycle;
}

/** A cycle the caller may change (supervisors and admins over its org unit). */
async function manageableCycle(deps: ServiceDeps, principal: Principal, cycleId: string): Promise<CycleRow> {
  const cycle = await training.getCycleRow(deps.store.db, cycleId);
  if (!cycle || !(await inScope(deps.store.db, principal, cycle.org_unit_id))) throw cycleNotFound(cycleId);
  return cycle;
}

function requireRunning(cycle: CycleRow) {
  if (cycle.status !== 'running') {
    throw conflict(`training cycle ${cycle.id} is ${cycle.status}`, { reason: 'cycle_not_running', values: { cycleId: cycle.id, status: cycle.status }, details: { status: cycle.status } });
  }
}

/** Whether a principal may record attendance or assessments for a worker in a session. */
async function mayRecordFor(deps: ServiceDeps, principal: Principal, cycle: CycleRow, worker: { community_id: string | null; org_unit_id: string }, trainer?: string): Promise<boolean> {
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
async function resolveCohort(deps: ServiceDeps, principal: Principal, cohort: { stationIds: string[]; workerIds: string[] }, prefix: string): Promise<ResolvedCohort> {
  const db = deps.store.db;
  const problems: FieldProblem[] = [];
  const chosen = new Map<string, string>();
  const scope = new Set(await subtreeIds(db, principal.scopeId));
  for (const [index, stationId] of cohort.stationIds.entries()) {
    const path = `${prefix}.stationIds.${index}`;
    const station = await training.findStation(db, stationId);
    if (!station) {
      problems.push({ path, message: `no station for ${stationId}`, code: 'station_not_found', values: { stationId } });
      continue;
    }
    if (!scope.has(station.community_id)) {
      problems.push({ path, message: `station ${stationId} is outside your scope`, code: 'station_outside_scope', values: { stationId } });
      continue;
    }
    if (station.status !== 'operating') problems.push({ path, message: `station ${stationId} is ${station.status}, not operating`, code: 'station_not_operating', values: { stationId, status: station.status } });
    const team = await training.stationTeam(db, station.community_id);
    if (team.length === 0) problems.push({ path, message: `station ${stationId} has no active social workers`, code: 'station_without_workers', values: { stationId } });
    for (const memberId of team) if (!chosen.has(memberId)) chosen.set(memberId, path);
  }
  const listed = await training.cohortCandidates(db, cohort.workerIds);
  for (const [index, workerId] of cohort.workerIds.entries()) {
    const path = `${prefix}.workerIds.${index}`;
    const worker = listed.find((row) => row.id === workerId);
    if (!worker) problems.push({ path, message: `unknown worker ${workerId}`, code: 'worker_unknown', values: { workerId } });
    else if (!worker.active) problems.push({ path, message: `worker ${workerId} is inactive`, code: 'worker_inactive', values: { workerId } });
    else if (!scope.has(worker.community_id ?? worker.org_unit_id)) problems.push({ path, message: `worker ${workerId} is outside your scope`, code: 'worker_outside_scope', values: { workerId } });
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

function toDefinition(body: LaunchCycleBody, sessions: CycleSession[], principal: Principal): training.CycleDefinition {
  return {
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
    fanOut: { ...DEFAULT_FAN_OUT, ...body.fanOut },
    supervisorId: principal.workerId,
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
 * and answers every problem at once. A clean launch writes the cycle's records and commits them,
 * then starts its workflow, so the workflow never runs without its records. A start that fails
 * is recorded on the cycle (cancelled, with the reason) and the error goes to the caller.
 */
export async function launchCycle(deps: ServiceDeps, principal: Principal, body: LaunchCycleBody, requestId: string): Promise<LaunchedCycle> {
  const db = deps.store.db;
  const problems: FieldProblem[] = [];
  const cycleId = body.id ?? newCycleId();
  const exists = () => conflict(`training cycle ${cycleId} already exists`, { reason: 'cycle_exists', values: { cycleId } });
  const orgUnitId = body.orgUnitId ?? principal.scopeId;
  if (!(await training.orgUnitExists(db, orgUnitId))) problems.push({ path: 'body.orgUnitId', message: `unknown org unit ${orgUnitId}`, code: 'org_unit_unknown', values: { orgUnitId } });
  else if (!(await inScope(db, principal, orgUnitId))) problems.push({ path: 'body.orgUnitId', message: `org unit ${orgUnitId} is outside your scope`, code: 'org_unit_outside_scope', values: { orgUnitId } });
  if (body.id && (await training.getCycleRow(db, body.id))) throw exists();

  const sessions: CycleSession[] = body.sessions.map((session, index) => ({ ...session, id: session.id ?? `${cycleId}-s${index + 1}` }));
  const taken = await training.takenSessionIds(db, sessions.map((s) => s.id));
  sessions.forEach((session, index) => {
    if (taken.has(session.id)) problems.push({ path: `body.sessions.${index}.id`, message: `session id ${session.id} is already used`, code: 'session_id_taken', values: { sessionId: session.id } });
  });

  const catalog = await training.catalogLevels(db);
  const now = deps.clock().getTime();
  const sessionPath = (index: number) => `body.sessions.${index}`;
  problems.push(...checkSessions(sessions, catalog, now, sessionPath));
  const cohort = await resolveCohort(deps, principal, body.cohort, 'body.cohort');
  problems.push(...cohort.problems);
  if (cohort.workers.length === 0 && cohort.problems.length === 0) problems.push({ path: 'body.cohort', message: 'name at least one station or worker', code: 'cohort_empty' });
  const checked = checkCohort({ sessions, sessionPath, workers: cohort.workers, catalog, now });
  problems.push(...checked.problems);
  if (problems.length > 0) throw invalid(problems);

  const definition = toDefinition(body, sessions, principal);
  const written = await training.insertLaunchedCycle(db, {
    id: cycleId, orgUnitId, createdBy: principal.name, definition,
    enrolments: cohort.workers.map((worker) => ({ workerId: worker.workerId, sessionIds: checked.plans.get(worker.workerId) ?? [], levels: worker.levels })),
  }, {
    actor: principal.name, action: 'launch', entity: 'training_cycle', entityId: cycleId, requestId,
    after: { name: body.name, orgUnitId, cohort: body.cohort, sessions: sessions.length, enrolled: cohort.workers.length, fanOut: definition.fanOut },
  });
  if (!written) throw exists();

  const workflowId = workflowIds.trainingCycle(cycleId);
  await startCycleWorkflow(deps, { cycleId, fanOut: definition.fanOut }, requestId);
  return { id: cycleId, workflowId, status: 'running', sessions: sessions.length, enrolled: cohort.workers.length };
}

/**
 * Starts a cycle whose records are committed. The id is never reused (REJECT_DUPLICATE), so a
 * start cannot land on another cycle's history. When the start fails, a workflow that exists
 * after all (the answer was lost, not the start) counts as started; otherwise the failure is
 * recorded on the cycle, and the error (Temporal unavailable, id taken) goes to the caller.
 */
async function startCycleWorkflow(deps: ServiceDeps, input: TrainingCycleInput, requestId: string): Promise<void> {
  const workflowId = workflowIds.trainingCycle(input.cycleId);
  try {
    await deps.temporal.workflow.start(TRAINING_CYCLE_WORKFLOW, {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [{ key: CycleIdKey, value: input.cycleId }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) && (await workflowExists(deps, workflowId))) return;
    const reason = `the workflow did not start: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
    try {
      await training.recordCycleNotStarted(deps.store.db, input.cycleId, reason, deps.clock());
    } catch (recordError) {
      deps.logger.error({ cycleId: input.cycleId, requestId, error: String(recordError) }, 'a cycle whose workflow did not start could not be marked cancelled');
    }
    deps.logger.warn({ cycleId: input.cycleId, requestId, error: String(error) }, 'training cycle workflow did not start; the cycle is recorded cancelled');
    throw error;
  }
}

async function workflowExists(deps: ServiceDeps, workflowId: string): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(workflowId).describe();
    return true;
  } catch {
    return false;
  }
}

// ── participants ─────────────────────────────────────────────────────────────────────────────

function storedSessions(rows: Awaited<ReturnType<typeof training.listSessions>>): CycleSession[] {
  return rows.filter((row) => row.status !== 'cancelled').map((row) => ({
    id: row.id, dimension: row.dimension_key, level: row.level, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(),
    place: row.place, trainer: row.trainer, capacity: row.capacity,
  }));
}

/** Adds and withdraws participants of a running cycle; additions pass the same checks as a launch. */
export async function changeParticipants(deps: ServiceDeps, principal: Principal, cycleId: string, body: ParticipantsBody, requestId: string) {
  const db = deps.store.db;
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  if (body.add.stationIds.length === 0 && body.add.workerIds.length === 0 && body.withdraw.length === 0) {
    throw invalid([{ path: 'body', message: 'add or withdraw at least one worker', code: 'participants_change_empty' }]);
  }
  const problems: FieldProblem[] = [];
  const cohort = await resolveCohort(deps, principal, body.add, 'body.add');
  problems.push(...cohort.problems);
  const existing = await training.enrolmentStatuses(db, cycleId, cohort.workers.map((w) => w.workerId));
  const fresh = cohort.workers.filter((worker) => {
    const status = existing.get(worker.workerId);
    if (!status) return true;
    // Listed workers who are already in are a mistake; a station's members already in are simply kept.
    if (worker.path.includes('workerIds')) {
      problems.push({
        path: worker.path,
        message: status === 'withdrawn' || status === 'cancelled'
          ? `worker ${worker.workerId} was ${status} from this cycle and cannot rejoin it`
          : `worker ${worker.workerId} is already in this cycle (${status})`,
        code: status === 'withdrawn' || status === 'cancelled' ? 'worker_cannot_rejoin' : 'worker_already_in_cycle',
        values: { workerId: worker.workerId, status },
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
  const enrolled = await training.enrolmentStatuses(db, cycleId, body.withdraw);
  body.withdraw.forEach((workerId, index) => {
    const status = enrolled.get(workerId);
    if (!status) problems.push({ path: `body.withdraw.${index}`, message: `worker ${workerId} is not in this cycle`, code: 'worker_not_in_cycle', values: { workerId } });
    else if (status !== 'enrolled') problems.push({ path: `body.withdraw.${index}`, message: `worker ${workerId} is ${status}, not enrolled`, code: 'worker_not_enrolled', values: { workerId, status } });
  });
  if (problems.length > 0) throw invalid(problems);

  const add: CycleAddition[] = fresh.map((worker) => ({ workerId: worker.workerId, sessionIds: checked.plans.get(worker.workerId) ?? [], levels: worker.levels }));
  const result = await deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.changeParticipants, {
    args: [{ add, withdraw: body.withdraw, by: principal.name, reason: body.reason ?? null }],
  });
  await recordAudit(db, { actor: principal.name, action: 'change_participants', entity: 'training_cycle', entityId: cycleId, requestId, after: { ...result, reason: body.reason ?? null } });
  return result;
}

// ── sessions ─────────────────────────────────────────────────────────────────────────────────

/** A stored session of a cycle, or not found. */
async function cycleSession(deps: ServiceDeps, cycleId: string, sessionId: string) {
  const rows = await training.listSessions(deps.store.db, cycleId);
  const session = rows.find((row) => row.id === sessionId);
  if (!session) throw notFound(`session ${sessionId} in cycle ${cycleId}`, { reason: 'session_not_found', values: { cycleId, sessionId } });
  return { session, rows };
}

const spanOf = (row: Awaited<ReturnType<typeof training.listSessions>>[number]): SessionSpan => ({
  id: row.id, dimension: row.dimension_key, level: row.level, start: row.starts_at.getTime(), end: row.ends_at.getTime(),
});

/** Moves a session after checking the new time against the past, the ladder's order and each taker's other sessions. */
export async function moveSession(deps: ServiceDeps, principal: Principal, cycleId: string, sessionId: string, body: MoveSessionBody, requestId: string) {
  const db = deps.store.db;
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const { session, rows } = await cycleSession(deps, cycleId, sessionId);
  const now = deps.clock().getTime();
  const values = { cycleId, sessionId };
  if (session.status === 'cancelled') throw conflict(`session ${sessionId} is cancelled`, { reason: 'session_cancelled', values });
  if (session.starts_at.getTime() <= now) throw conflict(`session ${sessionId} has already started`, { reason: 'session_already_started', values: { ...values, startsAt: session.starts_at.toISOString() } });
  const start = Date.parse(body.startsAt);
  const end = Date.parse(body.endsAt);
  const others = rows.filter((row) => row.id !== sessionId && row.status !== 'cancelled').map(spanOf);
  const takersOf = new Map<string, string[]>();
  for (const other of sessionsOverlapping(others, start, end)) takersOf.set(other.id, await training.workersTakingSession(db, cycleId, other.id, ['enrolled']));
  const takers = new Set(await training.workersTakingSession(db, cycleId, sessionId, ['enrolled']));
  const problems = checkSessionMove({ session: spanOf(session), others, start, end, now, takers, takersOf });
  if (problems.length > 0) throw invalid(problems);
  const result = await deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.changeSession, {
    args: [{ sessionId, action: 'move', startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString(), place: body.place, by: principal.name, reason: body.reason ?? null }],
  });
  await recordAudit(db, {
    actor: principal.name, action: 'move_session', entity: 'session', entityId: sessionId, requestId,
    before: { startsAt: session.starts_at.toISOString(), endsAt: session.ends_at.toISOString(), place: session.place },
    after: { startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString(), place: body.place ?? session.place, reason: body.reason ?? null },
  });
  return result;
}

export async function cancelSession(deps: ServiceDeps, principal: Principal, cycleId: string, sessionId: string, reason: string, requestId: string) {
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const { session } = await cycleSession(deps, cycleId, sessionId);
  const values = { cycleId, sessionId };
  if (session.status === 'cancelled') throw conflict(`session ${sessionId} is already cancelled`, { reason: 'session_cancelled', values });
  if (session.ends_at.getTime() <= deps.clock().getTime()) throw conflict(`session ${sessionId} has already ended`, { reason: 'session_already_ended', values: { ...values, endsAt: session.ends_at.toISOString() } });
  const result = await deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.changeSession, {
    args: [{ sessionId, action: 'cancel', by: principal.name, reason }],
  });
  await recordAudit(deps.store.db, { actor: principal.name, action: 'cancel_session', entity: 'session', entityId: sessionId, requestId, before: { status: session.status }, after: { status: 'cancelled', reason } });
  return result;
}

/**
 * Takes a session's cancellation back, before the session was due: it is scheduled again at the
 * time it had, each worker taking it gets its reminders back and is told. Refused when its time
 * now clashes (a session moved into it meanwhile, the ladder's order), or when another session of
 * its level has already ended (the level's assessment may be open: add a session instead).
 */
export async function restoreSession(deps: ServiceDeps, principal: Principal, cycleId: string, sessionId: string, reason: string, requestId: string) {
  const db = deps.store.db;
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const { session, rows } = await cycleSession(deps, cycleId, sessionId);
  const now = deps.clock().getTime();
  const values = { cycleId, sessionId };
  if (session.status !== 'cancelled') throw conflict(`session ${sessionId} is not cancelled`, { reason: 'session_not_cancelled', values });
  if (session.starts_at.getTime() <= now) throw conflict(`session ${sessionId} was due at ${session.starts_at.toISOString()}: a cancellation is taken back only before that`, { reason: 'session_restore_too_late', values: { ...values, startsAt: session.starts_at.toISOString() } });
  const others = rows.filter((row) => row.id !== sessionId && row.status !== 'cancelled').map(spanOf);
  const ended = others.find((other) => other.dimension === session.dimension_key && other.level === session.level && other.end <= now);
  if (ended) throw conflict(`session ${ended.id} of the same level has ended, so the level's assessment may be open`, { reason: 'session_restore_level_ended', values: { ...values, endedSessionId: ended.id } });
  const span = spanOf(session);
  const takersOf = new Map<string, string[]>();
  for (const other of sessionsOverlapping(others, span.start, span.end)) takersOf.set(other.id, await training.workersTakingSession(db, cycleId, other.id, ['enrolled']));
  const takers = new Set(await training.workersTakingSession(db, cycleId, sessionId, ['enrolled']));
  const problems = checkSessionMove({ session: span, others, start: span.start, end: span.end, now, takers, takersOf });
  if (problems.length > 0) {
    throw conflict(`session ${sessionId} cannot come back at its time: ${problems.map((problem) => problem.message).join('; ')}`, {
      reason: 'session_restore_clashes', values, problems: problems.map((problem) => ({ ...problem, path: 'session' })),
    });
  }
  const result = await deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.changeSession, {
    args: [{ sessionId, action: 'restore', by: principal.name, reason }],
  });
  await recordAudit(db, { actor: principal.name, action: 'restore_session', entity: 'session', entityId: sessionId, requestId, before: { status: 'cancelled', reason: session.change_reason }, after: { status: 'scheduled', reason } });
  return result;
}

export async function cancelCycle(deps: ServiceDeps, principal: Principal, cycleId: string, reason: string, requestId: string) {
  const cycle = await manageableCycle(deps, principal, cycleId);
  requireRunning(cycle);
  const result = await deps.temporal.workflow.getHandle(workflowIds.trainingCycle(cycleId)).executeUpdate(trainingUpdates.cancelCycle, {
    args: [{ reason, by: principal.name }],
  });
  await recordAudit(deps.store.db, { actor: principal.name, action: 'cancel', entity: 'training_cycle', entityId: cycleId, requestId, before: { status: 'running' }, after: { status: 'cancelled', reason } });
  return result;
}

// ── attendance, assessments, check-in ────────────────────────────────────────────────────────

/** One refused record of a batch: its domain kind, a stable reason and the ladder's message. */
export interface RecordRefusal {
  workerId: string;
  kind: DomainErrorKind;
  reason: string;
  message: string;
}

const KIND_OF_FAILURE: Partial<Record<string, DomainErrorKind>> = { [ErrorType.NotFound]: 'not_found', [ErrorType.InvalidInput]: 'invalid' };

/**
 * How a ladder refused one record of a batch, for the per-record report only (a single update's
 * failure propagates to the API's mapping instead). Undefined for anything that is not a refusal.
 */
function refusalOf(error: unknown): Omit<RecordRefusal, 'workerId'> | undefined {
  if (error instanceof WorkflowNotFoundError || (error instanceof Error && /workflow execution already completed/i.test(error.message))) {
    return { kind: 'conflict', reason: 'ladder_not_running', message: "the worker's ladder in this cycle has ended" };
  }
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as { reason?: unknown } | undefined;
    const reason = typeof detail?.reason === 'string' ? detail.reason : 'workflow_refused';
    return { kind: KIND_OF_FAILURE[cause.type ?? ''] ?? 'conflict', reason, message: cause.message };
  }
  if (cause instanceof ActivityFailure) return { kind: 'unavailable', reason: 'store_unavailable', message: 'the records store did not take the change; retry shortly' };
  return { kind: 'conflict', reason: 'workflow_refused', message: error.message };
}

/**
 * Records a session's attendance for several workers; each goes to the worker's ladder. Records a
 * ladder refuses are reported per worker (a conflict listing what was recorded and what not).
 */
export async function recordAttendance(deps: ServiceDeps, principal: Principal, cycleId: string, body: AttendanceBody, requestId: string) {
  const db = deps.store.db;
  const cycle = await visibleCycle(deps, principal, cycleId);
  const session = (await training.listSessions(db, cycleId)).find((row) => row.id === body.sessionId);
  if (!session) throw invalid([{ path: 'body.sessionId', message: `no session ${body.sessionId} in cycle ${cycleId}`, code: 'session_not_in_cycle', values: { sessionId: body.sessionId } }]);
  const problems: FieldProblem[] = [];
  for (const [index, record] of body.records.entries()) {
    const path = `body.records.${index}.workerId`;
    const enrolment = await training.enrolmentWithWorker(db, cycleId, record.workerId);
    if (!enrolment) problems.push({ path, message: `worker ${record.workerId} is not in this cycle`, code: 'worker_not_in_cycle', values: { workerId: record.workerId } });
    else if (!enrolment.plan.includes(body.sessionId)) problems.push({ path, message: `worker ${record.workerId} does not take session ${body.sessionId}`, code: 'worker_not_taking_session', values: { workerId: record.workerId, sessionId: body.sessionId } });
    else if (!(await mayRecordFor(deps, principal, cycle, enrolment, session.trainer))) {
      throw forbidden(`you may not record attendance for worker ${record.workerId}`, { reason: 'may_not_record_for_worker', values: { workerId: record.workerId } });
    }
  }
  if (problems.length > 0) throw invalid(problems);
  requireRunning(cycle);
  const recorded: AttendanceResult[] = [];
  const failed: RecordRefusal[] = [];
  for (const record of body.records) {
    try {
      recorded.push(await deps.temporal.workflow.getHandle(workflowIds.workerLadder(cycleId, record.workerId)).executeUpdate(ladderUpdates.recordAttendance, {
        args: [{ sessionId: body.sessionId, status: record.status, source: 'trainer', recordedBy: principal.workerId ?? principal.name }],
      }));
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      failed.push({ workerId: record.workerId, ...refusal });
    }
  }
  if (recorded.length > 0) {
    await recordAudit(db, { actor: principal.name, action: 'record_attendance', entity: 'session', entityId: body.sessionId, requestId, after: { cycleId, recorded } });
  }
  if (failed.length > 0) {
    throw conflict(`${failed.length} of ${body.records.length} attendance record(s) were refused: ${failed.map((f) => `${f.workerId}: ${f.message}`).join('; ')}`, {
      reason: 'attendance_refused', values: { cycleId, sessionId: body.sessionId, refused: failed.length, records: body.records.length }, details: { recorded, failed },
    });
  }
  return { sessionId: body.sessionId, recorded };
}

export async function recordAssessment(deps: ServiceDeps, principal: Principal, cycleId: string, body: AssessmentBody, requestId: string): Promise<AssessmentResult & { workerId: string }> {
  const cycle = await visibleCycle(deps, principal, cycleId);
  const enrolment = await training.enrolmentWithWorker(deps.store.db, cycleId, body.workerId);
  if (!enrolment) throw invalid([{ path: 'body.workerId', message: `worker ${body.workerId} is not in this cycle`, code: 'worker_not_in_cycle', values: { workerId: body.workerId } }]);
  const trainers = (await training.listSessions(deps.store.db, cycleId))
    .filter((row) => row.dimension_key === body.dimension && row.level === body.level).map((row) => row.trainer);
  const allowed = await mayRecordFor(deps, principal, cycle, enrolment) || (principal.role === 'station_lead' && principal.workerId !== null && trainers.includes(principal.workerId));
  if (!allowed) throw forbidden(`you may not record assessments for worker ${body.workerId}`, { reason: 'may_not_record_for_worker', values: { workerId: body.workerId } });
  requireRunning(cycle);
  const result = await deps.temporal.workflow.getHandle(workflowIds.workerLadder(cycleId, body.workerId)).executeUpdate(ladderUpdates.recordAssessment, {
    args: [{ dimension: body.dimension, level: body.level, score: body.score, assessor: body.assessor ?? principal.name }],
  });
  await recordAudit(deps.store.db, {
    actor: principal.name, action: 'record_assessment', entity: 'enrolment', entityId: `${cycleId}:${body.workerId}`, requestId,
    after: { dimension: body.dimension, level: body.level, score: body.score, ...result },
  });
  return { workerId: body.workerId, ...result };
}

/** A worker checks in to their own session, inside its window (present, or late after the grace). */
export async function checkIn(deps: ServiceDeps, principal: Principal, cycleId: string, sessionId: string, requestId: string): Promise<AttendanceResult> {
  if (!principal.workerId) throw forbidden('check-in needs a token that acts for a worker', { reason: 'token_without_worker' });
  const workerId = principal.workerId;
  await visibleCycle(deps, principal, cycleId);
  const enrolment = await training.enrolmentWithWorker(deps.store.db, cycleId, workerId);
  if (!enrolment) throw notFound(`your enrolment in cycle ${cycleId}`, { reason: 'enrolment_not_found', values: { cycleId, workerId } });
  if (!enrolment.plan.includes(sessionId)) throw invalid([{ path: 'body.sessionId', message: `you do not take session ${sessionId}`, code: 'session_not_yours', values: { sessionId } }]);
  const result = await deps.temporal.workflow.getHandle(workflowIds.workerLadder(cycleId, workerId)).executeUpdate(ladderUpdates.recordAttendance, {
    args: [{ sessionId, source: 'check_in', recordedBy: workerId }],
  });
  await recordAudit(deps.store.db, { actor: principal.name, action: 'check_in', entity: 'session', entityId: sessionId, requestId, after: result });
  return result;
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/** A cycle's progress from the records store, with participants only for callers allowed to see them. */
export async function cycleDetail(deps: ServiceDeps, principal: Principal, cycleId: string) {
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
    // Who launched it is a person's name: not for viewers.
    createdBy: principal.role === 'viewer' ? null : cycle.created_by,
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

export async function listVisibleCycles(deps: ServiceDeps, principal: Principal, query: { status?: 'running' | 'completed' | 'cancelled'; limit: number; offset: number }) {
  const db = deps.store.db;
  if (principal.role === 'social_worker') {
    if (!principal.workerId) return { items: [] };
    return { items: await training.listCycles(db, { workerId: principal.workerId, ...query }) };
  }
  // A cycle belongs to an org unit: callers see cycles of units inside their scope and above it
  // (a station lead sees the street's cycles their station takes part in).
  const units = [...new Set([...(await subtreeIds(db, principal.scopeId)), ...(principal.role === 'station_lead' ? await orgAncestors(db, principal.scopeId) : [])])];
  const cycles = await training.listCycles(db, { orgUnitIds: units, ...query });
  if (principal.role === 'viewer') return { items: cycles.map((cycle) => ({ ...cycle, createdBy: null })) };
  if (principal.role !== 'station_lead') return { items: cycles };
  const visible: typeof cycles = [];
  for (const cycle of cycles) {
    const row = await training.getCycleRow(db, cycle.id);
    if (row && (await mayView(deps, principal, row))) visible.push(cycle);
  }
  return { items: visible };
}

/**
 * A worker's ladder across every dimension. Admins, supervisors and station leads see workers in
 * their scope, a social worker only themselves; anyone else gets not found.
 */
export async function workerLadderView(deps: ServiceDeps, principal: Principal, workerId: string) {
  const worker = await getWorker(deps.store.db, workerId);
  const hidden = () => notFound(`worker ${workerId}`, { reason: 'worker_not_found', values: { workerId } });
  if (!worker) throw hidden();
  if (principal.role === 'social_worker' ? principal.workerId !== worker.id : !(await inScope(deps.store.db, principal, worker.communityId ?? worker.orgUnitId))) throw hidden();
  return training.workerLadder(deps.store.db, worker.id);
}
