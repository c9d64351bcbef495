import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  rolloutUpdates, STATION_ROLLOUT_WORKFLOW, type CompleteMilestoneRequest, type MilestonePlan, type MilestoneProgress,
  type ReplanMilestoneRequest, type StationRolloutInput,
} from '../../workflows/station-rollout.messages.js';
import { officialCalendar } from '../calendar/official.js';
import { coversYear, type WorkCalendar } from '../domain/calendar.js';
import {
  calendarNote, coverageByDate, DEFAULT_ROLLOUT_POLICY, milestoneDueAt, milestoneTargetProblems, projectedCoverageByDate, projectedFullCoverage,
  rolloutHealth, spreadMilestoneTargets, spreadStreetRollout, targetsToMilestones, type CoveragePoint, type RolloutHealth, type RolloutHealthReport,
} from '../domain/coverage.js';
import { conflict, DomainError, forbidden, invalid, notFound, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ReminderPolicy } from '../domain/reminders.js';
import { listPosts } from '../store/repositories/post.js';
import { staffingRejection, type MilestoneEvidence, type MilestoneRequest } from '../domain/station-rollout.js';
import { shanghaiDate } from '../domain/time.js';
import { MILESTONES, type Milestone } from '../domain/types.js';
import { workflowIds } from '../domain/workflow-ids.js';
import type { Store } from '../store/connect.js';
import { recordAudit, type AuditEntry } from '../store/repositories/audit.js';
import { inScope, scopedCommunityIds } from '../store/repositories/org-unit.js';
import { communityIdsInStreet } from '../store/repositories/report.js';
import {
  communityStations, countSocialWorkers, getRolloutStatus, listRollouts, markRolloutCancelled, milestoneOwner, mirrorRolloutStarted, rolloutCandidates,
  type CommunityStationRow, type RolloutRow,
} from '../store/repositories/station-rollout.js';
import { getWorker } from '../store/repositories/worker.js';
import { CommunityIdKey } from '../temporal/search-attributes.js';
import type { ServiceDeps } from './deps.js';
import { PlanAlreadyRunningError, PlanStartError, startStationPlan } from './station-plan.js';

// Starting and steering station rollouts, and the coverage view. Used by the API routes and the
// rollout activities (never through src/api: the worker loads this module).

export type RolloutDeps = Pick<ServiceDeps, 'store' | 'temporal' | 'config' | 'clock'>;

export type { MilestoneRequest };

export interface StartRolloutRequest {
  communityId: string;
  milestones: MilestoneRequest[];
  reminderPolicy?: ReminderPolicy;
  targetFullCoverage?: string | null;
  calendar?: WorkCalendar;
}

/** A milestone as planned, for answers and audit entries: its due instant as ISO. */
export interface PlannedMilestoneView {
  milestone: Milestone;
  targetDate: string;
  dueAt: string;
  owner: string | null;
}

export interface MilestoneProgressView {
  milestone: Milestone;
  targetDate: string;
  owner: string | null;
  status: 'pending' | 'done';
  completedAt: string | null;
  replans: Array<{ from: string; to: string; reason: string; at: string }>;
}

export function plannedView(milestones: MilestonePlan[]): PlannedMilestoneView[] {
  return milestones.map((m) => ({ milestone: m.milestone, targetDate: m.targetDate, dueAt: new Date(m.dueAt).toISOString(), owner: m.owner }));
}

export function progressView(progress: MilestoneProgress): MilestoneProgressView {
  return {
    milestone: progress.milestone, targetDate: progress.targetDate, owner: progress.owner, status: progress.status,
    completedAt: progress.completedAt === null ? null : new Date(progress.completedAt).toISOString(),
    replans: progress.replans.map((r) => ({ from: r.from, to: r.to, reason: r.reason, at: new Date(r.at).toISOString() })),
  };
}

/** The workflow input for a rollout: every milestone due at its target date's end of day unless given. */
export function buildRolloutInput(request: StartRolloutRequest, today: string): StationRolloutInput {
  const milestones: MilestonePlan[] = MILESTONES.map((name) => {
    const found = request.milestones.find((m) => m.milestone === name);
    if (!found) {
      throw invalid([{ path: `body.milestones.${name}`, message: 'required' }], { reason: 'milestone_target_missing', values: { milestone: name } });
    }
    return { milestone: name, targetDate: found.targetDate, dueAt: found.dueAt ?? milestoneDueAt(found.targetDate), owner: found.owner };
  });
  return {
    communityId: request.communityId,
    milestones,
    reminderPolicy: request.reminderPolicy ?? DEFAULT_ROLLOUT_POLICY,
    calendar: request.calendar ?? officialCalendar(Number(today.slice(0, 4)) - 1),
    targetFullCoverage: request.targetFullCoverage ?? null,
  };
}

export interface StartedRollout {
  communityId: string;
  workflowId: string;
  runId: string;
  milestones: MilestonePlan[];
}

/**
 * Starts a community's rollout workflow and writes its mirror rows (the workflow writes the same
 * rows; whichever comes first wins, the other changes nothing), with the audit entry when an actor
 * is given. A rollout that exists for the community (running, or opened) is a conflict with reason
 * `rollout_already_exists`: a street rollout skips such communities.
 */
export async function startRollout(
  deps: RolloutDeps,
  request: StartRolloutRequest,
  audit?: { actor: string; requestId?: string },
): Promise<StartedRollout> {
  const today = shanghaiDate(deps.clock());
  const input = buildRolloutInput(request, today);
  const workflowId = workflowIds.stationRollout(request.communityId);
  const alreadyExists = () => conflict(`a rollout for ${request.communityId} already exists (${workflowId})`, {
    reason: 'rollout_already_exists', values: { communityId: request.communityId, workflowId }, details: { workflowId },
  });
  // A cancelled, failed or terminated rollout may start again; an opened one may not (the store
  // says which: a cancelled rollout's workflow completes, so the id-reuse policy cannot tell).
  if ((await getRolloutStatus(deps.store.db, request.communityId)) === 'opened') throw alreadyExists();
  let runId: string;
  try {
    const handle = await deps.temporal.workflow.start(STATION_ROLLOUT_WORKFLOW, {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [{ key: CommunityIdKey, value: request.communityId }],
    });
    runId = handle.firstExecutionRunId;
  } catch (error) {
    // Not a translation for HTTP: a running execution of the id is how "this community has a rollout" is decided.
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw alreadyExists();
    throw error;
  }
  const entry: AuditEntry | undefined = audit && {
    actor: audit.actor, action: 'start', entity: 'rollout', entityId: request.communityId, requestId: audit.requestId,
    after: {
      workflowId, runId, ...(request.targetFullCoverage ? { targetFullCoverage: request.targetFullCoverage } : {}), milestones: plannedView(input.milestones),
    },
  };
  await mirrorRolloutStarted(deps.store.db, {
    communityId: request.communityId, workflowId, runId, targetFullCoverage: input.targetFullCoverage,
    milestones: input.milestones.map((m) => ({ milestone: m.milestone, targetDate: m.targetDate, owner: m.owner })),
  }, entry);
  return { communityId: request.communityId, workflowId, runId, milestones: input.milestones };
}

/** What a caller asks for when starting one community's rollout: each target, or the opening date to spread them to. */
export interface StartCommunityRolloutOrder {
  targetDate?: string;
  milestones?: Record<Milestone, { targetDate: string; owner?: string | null }>;
  /** Owner of every milestone that names none. */
  owner?: string | null;
  reminderPolicy?: ReminderPolicy;
}

/** Starts one community's rollout for a principal: in scope, no operating station, sound targets and owners. */
export async function startCommunityRollout(
  deps: RolloutDeps, principal: Principal, communityId: string, order: StartCommunityRolloutOrder, requestId?: string,
): Promise<{ communityId: string; workflowId: string; runId: string; milestones: PlannedMilestoneView[] }> {
  const community = await communityInScope(deps.store, principal, communityId);
  if (community.stationStatus === 'operating') {
    throw conflict(`community ${communityId} already has an operating station`, { reason: 'station_already_operating', values: { communityId } });
  }
  const today = shanghaiDate(deps.clock());
  const owner = order.owner ?? null;
  let milestones: MilestoneRequest[];
  if (order.milestones) {
    const given = order.milestones;
    milestones = MILESTONES.map((name) => ({ milestone: name, targetDate: given[name].targetDate, owner: given[name].owner ?? owner }));
  } else {
    assertAfterToday(order.targetDate!, today);
    milestones = targetsToMilestones(spreadMilestoneTargets(today, order.targetDate!, officialCalendar()), owner);
  }
  const pathOf = (m: Milestone) => (order.milestones ? `body.milestones.${m}` : 'body.targetDate');
  const problems = milestoneTargetProblems(milestones, today, pathOf);
  if (problems.length > 0) throw invalid(problems, { reason: 'milestone_targets_invalid', values: { communityId, today } });
  await assertOwners(deps.store, milestones, (m) => (order.milestones?.[m].owner ? `body.milestones.${m}.owner` : 'body.owner'));
  const started = await startRollout(deps, { communityId, milestones, reminderPolicy: order.reminderPolicy }, { actor: principal.name, requestId });
  return { communityId: started.communityId, workflowId: started.workflowId, runId: started.runId, milestones: plannedView(started.milestones) };
}

export interface StartStreetRolloutOrder {
  /** The full-coverage date. */
  targetDate: string;
  streetId?: string;
  owner?: string | null;
  reminderPolicy?: ReminderPolicy;
}

export interface StartedStreetRollout {
  targetDate: string;
  started: Array<{ communityId: string; workflowId: string; milestones: PlannedMilestoneView[] }>;
  skipped: Array<{ communityId: string; reason: string }>;
}

/**
 * Starts a rollout for every community in the principal's scope (or one street of it) with neither
 * an operating station nor a rollout, openings staggered toward the full-coverage date.
 */
export async function startStreetRollouts(deps: RolloutDeps, principal: Principal, order: StartStreetRolloutOrder, requestId?: string): Promise<StartedStreetRollout> {
  const { db } = deps.store;
  const today = shanghaiDate(deps.clock());
  assertAfterToday(order.targetDate, today);
  const owner = order.owner ?? null;
  if (owner) await assertOwners(deps.store, [{ milestone: 'site', targetDate: order.targetDate, owner }], () => 'body.owner');
  let ids = await scopedCommunityIds(db, principal);
  if (order.streetId) {
    if (!(await inScope(db, principal, order.streetId))) {
      throw forbidden(`street ${order.streetId} is outside your scope`, { reason: 'street_out_of_scope', values: { streetId: order.streetId } });
    }
    const inStreet = new Set(await communityIdsInStreet(db, order.streetId));
    ids = ids.filter((id) => inStreet.has(id));
  }
  const skipped: StartedStreetRollout['skipped'] = [];
  const candidates: string[] = [];
  for (const row of await rolloutCandidates(db, ids)) {
    if (row.station === 'operating') continue;
    if (row.rollout === 'running' || row.rollout === 'opened') skipped.push({ communityId: row.communityId, reason: `a rollout is already ${row.rollout}` });
    else candidates.push(row.communityId);
  }
  const started: StartedStreetRollout['started'] = [];
  for (const { communityId, targets } of spreadStreetRollout(candidates, today, order.targetDate, officialCalendar())) {
    try {
      const result = await startRollout(deps, {
        communityId, milestones: targetsToMilestones(targets, owner), reminderPolicy: order.reminderPolicy, targetFullCoverage: order.targetDate,
      }, { actor: principal.name, requestId });
      started.push({ communityId, workflowId: result.workflowId, milestones: plannedView(result.milestones) });
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'conflict') skipped.push({ communityId, reason: error.message });
      else throw error;
    }
  }
  return { targetDate: order.targetDate, started, skipped };
}

/** Sends the completeMilestone update to the community's rollout; the workflow's refusals propagate. */
export async function completeMilestone(deps: Pick<RolloutDeps, 'temporal'>, communityId: string, request: CompleteMilestoneRequest): Promise<MilestoneProgress> {
  return deps.temporal.workflow.getHandle(workflowIds.stationRollout(communityId)).executeUpdate(rolloutUpdates.completeMilestone, { args: [request] });
}

/** Sends the replanMilestone update to the community's rollout; the workflow's refusals propagate. */
export async function replanMilestone(deps: Pick<RolloutDeps, 'temporal'>, communityId: string, request: ReplanMilestoneRequest): Promise<MilestoneProgress> {
  return deps.temporal.workflow.getHandle(workflowIds.stationRollout(communityId)).executeUpdate(rolloutUpdates.replanMilestone, { args: [request] });
}

/**
 * Completes a milestone for a principal: a social worker only one they own; staffing only with the
 * station's posts filled (or, before any post is defined, a social worker assigned). Audited.
 */
export async function completeRolloutMilestone(
  deps: RolloutDeps, principal: Principal, change: { communityId: string; milestone: Milestone; evidence: MilestoneEvidence }, requestId?: string,
): Promise<MilestoneProgressView> {
  const { communityId, milestone } = change;
  const { db } = deps.store;
  await communityInScope(deps.store, principal, communityId);
  if (principal.role === 'social_worker') {
    const row = await milestoneOwner(db, communityId, milestone);
    if (!row || row.owner !== principal.workerId) {
      throw forbidden('a social worker completes only milestones they own', { reason: 'milestone_not_owned', values: { communityId, milestone } });
    }
  }
  if (milestone === 'staffing') {
    const posts = await listPosts(db, { communityIds: [communityId] }, shanghaiDate(deps.clock()));
    const refusal = staffingRejection(communityId, await countSocialWorkers(db, communityId), posts);
    if (refusal) throw conflict(refusal.message, { reason: refusal.reason, values: refusal.values });
  }
  await assertRolloutExists(deps.store, communityId);
  const progress = await completeMilestone(deps, communityId, { milestone, by: principal.name, evidence: change.evidence });
  await recordAudit(db, {
    actor: principal.name, action: 'complete', entity: 'rollout_milestone', entityId: `${communityId}:${milestone}`,
    after: { evidence: change.evidence, completedAt: progress.completedAt }, requestId,
  });
  return progressView(progress);
}

/** Moves a pending milestone's target for a principal, with the reason (recorded and audited). */
export async function replanRolloutMilestone(
  deps: RolloutDeps, principal: Principal, change: { communityId: string; milestone: Milestone; targetDate: string; reason: string }, requestId?: string,
): Promise<MilestoneProgressView> {
  const { communityId, milestone, targetDate, reason } = change;
  await communityInScope(deps.store, principal, communityId);
  const today = shanghaiDate(deps.clock());
  if (targetDate < today) {
    throw invalid([{ path: 'body.targetDate', message: `must be on or after ${today}` }], { reason: 'target_date_before_today', values: { targetDate, today } });
  }
  await assertRolloutExists(deps.store, communityId);
  const progress = await replanMilestone(deps, communityId, { milestone, targetDate, dueAt: milestoneDueAt(targetDate), reason, by: principal.name });
  await recordAudit(deps.store.db, {
    actor: principal.name, action: 'replan', entity: 'rollout_milestone', entityId: `${communityId}:${milestone}`,
    before: { targetDate: progress.replans[progress.replans.length - 1]?.from ?? null }, after: { targetDate, reason }, requestId,
  });
  return progressView(progress);
}

/**
 * Cancels a community's running rollout with the reason: the workflow stops following milestones
 * and ends without opening the station, and the store's row says `cancelled` (with who and why).
 * A rollout whose workflow is gone (terminated by an operator) while its row still says running is
 * marked cancelled in the store directly. Audited.
 */
export async function cancelCommunityRollout(
  deps: RolloutDeps, principal: Principal, communityId: string, body: { reason: string }, requestId?: string,
): Promise<{ communityId: string; status: 'cancelled'; reason: string; cancelledAt: string }> {
  const { db } = deps.store;
  await communityInScope(deps.store, principal, communityId);
  await assertRolloutExists(deps.store, communityId);
  const status = await getRolloutStatus(db, communityId);
  if (status === 'cancelled') throw conflict(`the rollout of ${communityId} was cancelled already`, { reason: 'rollout_cancelled', values: { communityId } });
  if (status === 'opened') throw conflict(`the rollout of ${communityId} has opened its station`, { reason: 'rollout_already_opened', values: { communityId } });
  let cancelledAt: Date;
  try {
    const view = await deps.temporal.workflow.getHandle(workflowIds.stationRollout(communityId))
      .executeUpdate(rolloutUpdates.cancel, { args: [{ reason: body.reason, by: principal.name }] });
    cancelledAt = new Date(view.cancellation?.at ?? deps.clock().getTime());
  } catch (error) {
    // Not a translation for HTTP: a workflow that no longer runs leaves only the store to correct.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    cancelledAt = deps.clock();
    await markRolloutCancelled(db, { communityId, reason: body.reason, by: principal.name, at: cancelledAt });
  }
  await recordAudit(db, {
    actor: principal.name, action: 'cancel', entity: 'rollout', entityId: communityId, before: { status }, after: { status: 'cancelled', reason: body.reason }, requestId,
  });
  return { communityId, status: 'cancelled', reason: body.reason, cancelledAt: cancelledAt.toISOString() };
}

/**
 * Starts the station plan of a community whose station just opened. A plan already running for it
 * (a retried activity, or a supervisor who started it by hand) is fine; a plan that cannot start
 * (no center supervisor above the station, no template) is reported, not retried: the station has
 * opened either way, and a supervisor can start the plan once the records are fixed.
 */
export async function startPlanOnOpening(
  deps: RolloutDeps,
  input: { communityId: string; startedOn: string; startedBy: string },
): Promise<{ workflowId: string; started: boolean; alreadyStarted: boolean; problem: string | null }> {
  const workflowId = workflowIds.stationPlan(input.communityId);
  try {
    await startStationPlan(deps, { communityId: input.communityId, startedOn: input.startedOn, actor: input.startedBy });
    return { workflowId, started: true, alreadyStarted: false, problem: null };
  } catch (error) {
    if (error instanceof PlanAlreadyRunningError) return { workflowId, started: false, alreadyStarted: true, problem: null };
    if (error instanceof PlanStartError) return { workflowId, started: false, alreadyStarted: false, problem: error.message };
    throw error;
  }
}

/** A community the principal may see, with its station's status; not found otherwise. */
async function communityInScope(store: Store, principal: Principal, communityId: string): Promise<CommunityStationRow> {
  const [row] = await communityStations(store.db, [communityId]);
  if (!row || !(await inScope(store.db, principal, communityId))) throw notFound(`community ${communityId}`, { reason: 'community_not_found', values: { communityId } });
  return row;
}

/** A community that never had a rollout answers not found; one whose workflow has ended is a conflict (mapped centrally). */
async function assertRolloutExists(store: Store, communityId: string): Promise<void> {
  if (await getRolloutStatus(store.db, communityId)) return;
  throw new DomainError('not_found', `no running rollout for ${communityId}`, { reason: 'rollout_not_found', values: { communityId } });
}

function assertAfterToday(targetDate: string, today: string): void {
  if (targetDate > today) return;
  throw invalid([{ path: 'body.targetDate', message: `must be after ${today}` }], { reason: 'target_date_not_after_today', values: { targetDate, today } });
}

async function assertOwners(store: Store, milestones: MilestoneRequest[], pathOf: (m: Milestone) => string): Promise<void> {
  const problems: FieldProblem[] = [];
  const unknown: string[] = [];
  for (const m of milestones) {
    if (!m.owner) continue;
    const worker = await getWorker(store.db, m.owner);
    if (!worker || !worker.active) {
      problems.push({ path: pathOf(m.milestone), message: `unknown or inactive worker ${m.owner}`, code: 'owner_unknown', values: { workerId: m.owner } });
      unknown.push(m.owner);
    }
  }
  if (problems.length > 0) throw invalid(problems, { reason: 'milestone_owner_unknown', values: { owners: [...new Set(unknown)] } });
}

// ── coverage ───────────────────────────────────────────────────────────────────────────────

export interface MilestoneView {
  milestone: Milestone;
  targetDate: string;
  /** A worker id; left out for viewers (aggregates only). */
  owner?: string | null;
  status: 'pending' | 'done';
  completedAt: string | null;
  replans: number;
  /** The last replan's reason; left out for viewers. */
  lastReplanReason?: string | null;
}

export interface CommunityCoverage {
  communityId: string;
  name: { zh: string; en: string };
  isPlaceholder: boolean;
  station: 'operating' | 'rollout' | 'closed' | 'none';
  openedOn: string | null;
  rollout: null | ({
    workflowId: string;
    status: 'running' | 'opened' | 'cancelled';
    targetFullCoverage: string | null;
    /** When a rollout was cancelled; who and why are left out for viewers. */
    cancellation: { at: string; reason?: string; by?: string | null } | null;
    milestones: MilestoneView[];
  } & RolloutHealthReport);
}

export interface CoverageReport {
  asOf: string;
  total: number;
  operating: number;
  remaining: number;
  inRollout: number;
  /** Communities with neither a station nor a rollout. */
  notPlanned: number;
  ratio: number;
  byDate: CoveragePoint[];
  /** Operating stations projected by date from the rollouts' projected openings. */
  projectedByDate: CoveragePoint[];
  expectedByToday: { operatingExpected: number; operatingActual: number; milestonesExpected: number; milestonesDone: number };
  health: Record<RolloutHealth, number>;
  projectedFullCoverage: string | null;
  targetFullCoverage: string | null;
  calendar: { source: string; coversYear: boolean; note: string | null };
  communities: CommunityCoverage[];
}

/** Coverage of the principal's scope (or one street of it) today; viewers get no owners or replan reasons. */
export async function rolloutCoverage(deps: Pick<RolloutDeps, 'store' | 'clock'>, principal: Principal, streetId?: string): Promise<CoverageReport> {
  let ids = await scopedCommunityIds(deps.store.db, principal);
  if (streetId) {
    const inStreet = new Set(await communityIdsInStreet(deps.store.db, streetId));
    ids = ids.filter((id) => inStreet.has(id));
  }
  return coverageReport(deps.store, ids, shanghaiDate(deps.clock()), { personal: principal.role !== 'viewer' });
}

/** Coverage of the given communities today: the records store only, never a Temporal query per rollout. */
export async function coverageReport(store: Store, communityIds: string[], today: string, options: { personal: boolean; calendar?: WorkCalendar }): Promise<CoverageReport> {
  const calendar = options.calendar ?? officialCalendar();
  const stations = await communityStations(store.db, communityIds);
  const rollouts = new Map<string, RolloutRow>((await listRollouts(store.db, communityIds)).map((r) => [r.communityId, r]));
  const communities: CommunityCoverage[] = stations.map((row) => {
    const rollout = rollouts.get(row.communityId);
    return {
      communityId: row.communityId,
      name: row.name,
      isPlaceholder: row.isPlaceholder,
      station: row.stationStatus ?? 'none',
      openedOn: row.openedOn,
      rollout: rollout ? rolloutView(rollout, today, calendar, options.personal) : null,
    };
  });
  const operating = communities.filter((c) => c.station === 'operating');
  const active = communities.filter((c) => c.station !== 'operating' && c.rollout?.status === 'running');
  const notPlanned = communities.filter((c) => c.station !== 'operating' && c.rollout?.status !== 'running').length;
  const health: Record<RolloutHealth, number> = { on_track: 0, at_risk: 0, late: 0, implausible: 0 };
  for (const c of active) health[c.rollout!.health] += 1;
  const pendingOpenings = active.map((c) => c.rollout!.projectedOpening);
  const openedDates = operating.map((c) => c.openedOn);
  const lastOpened = openedDates.filter((d): d is string => d !== null).sort().pop() ?? null;
  const openingTargets = active.map((c) => c.rollout!.milestones.find((m) => m.milestone === 'opening')?.targetDate).filter((d): d is string => d !== undefined);
  const targets = [...rollouts.values()].map((r) => r.targetFullCoverage).filter((d): d is string => d !== null).sort();
  const year = Number(today.slice(0, 4));
  const covered = coversYear(calendar, year);
  return {
    asOf: today,
    total: communities.length,
    operating: operating.length,
    remaining: communities.length - operating.length,
    inRollout: active.length,
    notPlanned,
    ratio: communities.length === 0 ? 0 : Math.round((operating.length / communities.length) * 1000) / 1000,
    byDate: coverageByDate(openedDates, today),
    projectedByDate: projectedCoverageByDate(operating.length, pendingOpenings),
    expectedByToday: {
      // Stations that should be operating by today: those that are, plus rollouts whose opening target has passed.
      operatingExpected: operating.length + openingTargets.filter((d) => d < today).length,
      operatingActual: operating.length,
      milestonesExpected: active.reduce((sum, c) => sum + c.rollout!.expectedByToday, 0),
      milestonesDone: active.reduce((sum, c) => sum + c.rollout!.actual, 0),
    },
    health,
    projectedFullCoverage: projectedFullCoverage(pendingOpenings, notPlanned, lastOpened, today),
    targetFullCoverage: targets.pop() ?? null,
    calendar: { source: calendar.source, coversYear: covered, note: covered ? null : calendarNote(year) },
    communities,
  };
}

function rolloutView(rollout: RolloutRow, today: string, calendar: WorkCalendar, personal: boolean): NonNullable<CommunityCoverage['rollout']> {
  const report = rolloutHealth(rollout.milestones.map((m) => ({
    milestone: m.milestone, targetDate: m.targetDate, status: m.status, completedOn: m.completedAt ? shanghaiDate(m.completedAt) : null,
  })), today, calendar);
  const milestones: MilestoneView[] = MILESTONES.flatMap((name) => {
    const m = rollout.milestones.find((entry) => entry.milestone === name);
    if (!m) return [];
    const view: MilestoneView = { milestone: m.milestone, targetDate: m.targetDate, status: m.status, completedAt: m.completedAt?.toISOString() ?? null, replans: m.replans.length };
    if (personal) {
      view.owner = m.owner;
      view.lastReplanReason = m.replans[m.replans.length - 1]?.reason ?? null;
    }
    return [view];
  });
  const cancellation = rollout.cancellation
    ? { at: rollout.cancellation.at.toISOString(), ...(personal ? { reason: rollout.cancellation.reason, by: rollout.cancellation.by } : {}) }
    : null;
  return { workflowId: rollout.workflowId, status: rollout.status, targetFullCoverage: rollout.targetFullCoverage, cancellation, milestones, ...report };
}
