import {
  type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { rolloutUpdates, STATION_ROLLOUT_WORKFLOW, type CompleteMilestoneRequest, type MilestonePlan, type MilestoneProgress, type ReplanMilestoneRequest, type StationRolloutInput } from '../../workflows/station-rollout.messages.js';
import { workflowIds } from '../domain/workflow-ids.js';
import { ApiError } from '../api/errors.js';
import { officialCalendar } from '../calendar/official.js';
import type { Config } from '../config.js';
import { coversYear, type WorkCalendar } from '../domain/calendar.js';
import {
  coverageByDate, DEFAULT_ROLLOUT_POLICY, milestoneDueAt, projectedFullCoverage, rolloutHealth, type CoveragePoint,
  type MilestoneTargets, type RolloutHealth, type RolloutHealthReport,
} from '../domain/coverage.js';
import type { ReminderPolicy } from '../domain/reminders.js';
import { shanghaiDate } from '../domain/time.js';
import { MILESTONES, type Milestone } from '../domain/types.js';
import type { Store } from '../store/connect.js';
import type { Database } from '../store/database.js';
import { communityStations, listRollouts, mirrorRolloutStarted, type RolloutRow } from '../store/repositories/station-rollout.js';
import { CommunityIdKey } from '../temporal/search-attributes.js';
import { PlanAlreadyRunningError, PlanStartError, startStationPlan } from './station-plan.js';

// Starting and steering station rollouts, and the coverage view. Used by the API routes, the CLI
// (through the API) and the rollout activities.

export interface RolloutDeps {
  store: Store;
  temporal: Client;
  config: Config;
  clock: () => Date;
}

export interface MilestoneRequest {
  milestone: Milestone;
  targetDate: string;
  owner: string | null;
  /** Overrides the due instant (tests: seconds from now); otherwise the target date's end of day. */
  dueAt?: number;
}

export interface StartRolloutRequest {
  communityId: string;
  milestones: MilestoneRequest[];
  reminderPolicy?: ReminderPolicy;
  targetFullCoverage?: string | null;
  calendar?: WorkCalendar;
}

/** The workflow input for a rollout: every milestone due at its target date's end of day unless given. */
export function buildRolloutInput(request: StartRolloutRequest, today: string): StationRolloutInput {
  const milestones: MilestonePlan[] = MILESTONES.map((name) => {
    const found = request.milestones.find((m) => m.milestone === name);
    if (!found) throw new ApiError('invalid_request', `milestone ${name} has no target`, [{ path: `body.milestones.${name}`, message: 'required' }]);
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

export function targetsToMilestones(targets: MilestoneTargets, owner: string | null): MilestoneRequest[] {
  return MILESTONES.map((milestone) => ({ milestone, targetDate: targets[milestone], owner }));
}

/** Problems with a set of milestone targets: out of order, or before today. */
export function milestoneTargetProblems(milestones: MilestoneRequest[], today: string, pathOf: (m: Milestone) => string): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  let previous: MilestoneRequest | undefined;
  for (const name of MILESTONES) {
    const m = milestones.find((entry) => entry.milestone === name);
    if (!m) continue;
    if (m.targetDate < today) problems.push({ path: pathOf(name), message: `target ${m.targetDate} is before today (${today})` });
    if (previous && m.targetDate < previous.targetDate) {
      problems.push({ path: pathOf(name), message: `target ${m.targetDate} is before the ${previous.milestone} target ${previous.targetDate}; milestones run site → staffing → fit_out → opening` });
    }
    previous = m;
  }
  return problems;
}

export interface StartedRollout {
  communityId: string;
  workflowId: string;
  runId: string;
  milestones: MilestonePlan[];
}

/**
 * Starts a community's rollout workflow and writes its mirror rows (the workflow writes the same
 * rows; whichever comes first wins, the other changes nothing). A rollout already running for the
 * community answers 409; `onStarted` runs in the mirror's transaction (the caller's audit entry).
 */
export async function startRollout(
  deps: RolloutDeps,
  request: StartRolloutRequest,
  onStarted?: (trx: Kysely<Database>, started: StartedRollout) => Promise<void>,
): Promise<StartedRollout> {
  const today = shanghaiDate(deps.clock());
  const input = buildRolloutInput(request, today);
  const workflowId = workflowIds.stationRollout(request.communityId);
  let runId: string;
  try {
    const handle = await deps.temporal.workflow.start(STATION_ROLLOUT_WORKFLOW, {
      workflowId,
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      // A rollout that ended in failure or was terminated may start again; an opened one may not.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [{ key: CommunityIdKey, value: request.communityId }],
    });
    runId = handle.firstExecutionRunId;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ApiError('conflict', `a rollout for ${request.communityId} already exists (${workflowId})`, { workflowId });
    }
    throw error;
  }
  const started: StartedRollout = { communityId: request.communityId, workflowId, runId, milestones: input.milestones };
  await deps.store.db.transaction().execute(async (trx) => {
    await mirrorRolloutStarted(trx, {
      communityId: request.communityId, workflowId, runId, targetFullCoverage: input.targetFullCoverage,
      milestones: input.milestones.map((m) => ({ milestone: m.milestone, targetDate: m.targetDate, owner: m.owner })),
    });
    await onStarted?.(trx, started);
  });
  return started;
}

/** Maps what a rollout update threw to the API's answer: 404 no rollout, 409 with the workflow's reason. */
export function rolloutUpdateError(error: unknown, communityId: string): unknown {
  if (error instanceof WorkflowNotFoundError) return new ApiError('not_found', `no running rollout for ${communityId}`);
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure || (cause && (cause as Error).message)) {
      return new ApiError('conflict', (cause as Error).message);
    }
    return new ApiError('conflict', error.message);
  }
  return error;
}

export async function completeMilestone(deps: Pick<RolloutDeps, 'temporal'>, communityId: string, request: CompleteMilestoneRequest): Promise<MilestoneProgress> {
  const handle = deps.temporal.workflow.getHandle(workflowIds.stationRollout(communityId));
  try {
    return await handle.executeUpdate(rolloutUpdates.completeMilestone, { args: [request] });
  } catch (error) {
    throw rolloutUpdateError(error, communityId);
  }
}

export async function replanMilestone(deps: Pick<RolloutDeps, 'temporal'>, communityId: string, request: ReplanMilestoneRequest): Promise<MilestoneProgress> {
  const handle = deps.temporal.workflow.getHandle(workflowIds.stationRollout(communityId));
  try {
    return await handle.executeUpdate(rolloutUpdates.replanMilestone, { args: [request] });
  } catch (error) {
    throw rolloutUpdateError(error, communityId);
  }
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

/** Coverage of the given communities today: the records store only, never a Temporal query per rollout. */
export async function coverageReport(db: Kysely<Database>, communityIds: string[], today: string, options: { personal: boolean; calendar?: WorkCalendar }): Promise<CoverageReport> {
  const calendar = options.calendar ?? officialCalendar();
  const stations = await communityStations(db, communityIds);
  const rollouts = new Map<string, RolloutRow>((await listRollouts(db, communityIds)).map((r) => [r.communityId, r]));
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
  const health: Record<RolloutHealth, number> = { on_track: 0, at_risk: 0, late: 0 };
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
    projectedByDate: projectionSeries(operating.length, pendingOpenings),
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

/** What the digest and the coverage view say when the official calendar does not cover a year. */
export function calendarNote(year: number): string {
  return `The official working-day calendar does not cover ${year}: working days fall back to Monday–Friday until it is updated.`;
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
  return { workflowId: rollout.workflowId, status: rollout.status, targetFullCoverage: rollout.targetFullCoverage, milestones, ...report };
}

function projectionSeries(operatingNow: number, projectedOpenings: string[]): CoveragePoint[] {
  const points: CoveragePoint[] = [];
  let operating = operatingNow;
  for (const date of [...projectedOpenings].sort()) {
    operating += 1;
    const last = points[points.length - 1];
    if (last && last.date === date) last.operating = operating;
    else points.push({ date, operating });
  }
  return points;
}
