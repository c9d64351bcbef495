import { randomBytes } from 'node:crypto';
import { type Client, type UpdateDefinition, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { officialCalendar } from '../calendar/official.js';
import type { Config } from '../config.js';
import { DEFAULT_REMINDER_POLICY } from '../domain/reminders.js';
import {
  fullPlanMirror, initialPlanState, type PlanSchedule, type StationPlanInput, type SupervisionPolicy,
} from '../domain/station-plan.js';
import type { PlanTemplate } from '../domain/plan-template.js';
import type { ReminderPolicy } from '../domain/reminders.js';
import { DAY_MS, shanghaiDate } from '../domain/time.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit.js';
import { applyPlanMirror, getActivePlanId, getLatestPlanTemplate } from '../store/repositories/station-plan.js';
import { CommunityIdKey, StageKey } from '../temporal/search-attributes.js';
import { STATION_PLAN_WORKFLOW } from '../../workflows/station-plan.messages.js';
import { workflowIds } from '../domain/workflow-ids.js';
import { orgAncestors } from '../store/repositories/org-unit.js';

// Starting a station plan: builds the workflow's input from the records store (the latest plan
// template, the station lead and the center supervisor, the official calendar) and starts
// `station-plan:<communityId>`. Used by the API, the CLI and the rollout workflow's activity.

export interface PlanServiceDeps {
  store: Store;
  temporal: Client;
  config: Config;
  clock: () => Date;
}

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

/** The plan cannot start: an unknown community, no operating station, no supervisor or template. */
export class PlanStartError extends Error {
  constructor(readonly code: PlanStartErrorCode, message: string) {
    super(message);
    this.name = 'PlanStartError';
  }
}

/** A plan already runs for the station (the workflow id is taken by a running execution). */
export class PlanAlreadyRunningError extends Error {
  constructor(readonly communityId: string, readonly workflowId: string, readonly runId: string | undefined, readonly planId: string | undefined) {
    super(`a station plan is already running for ${communityId} (${workflowId})`);
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
  const community = await db.selectFrom('communities as c').leftJoin('stations as s', 's.community_id', 'c.id')
    .select(['c.id', 'c.name_zh', 'c.name_en', 's.status as station_status']).where('c.id', '=', args.communityId).executeTakeFirst();
  if (!community) throw new PlanStartError('not_found', `community ${args.communityId} not found`);
  if (community.station_status !== 'operating') {
    throw new PlanStartError('no_station', `community ${args.communityId} has no operating station (${community.station_status ?? 'none'})`);
  }
  const template = overrides.template ?? await getLatestPlanTemplate(db);
  if (!template) throw new PlanStartError('no_template', 'no plan template is loaded: load the default data or add one');

  const lead = await db.selectFrom('workers').select('id')
    .where('community_id', '=', args.communityId).where('position', '=', 'station_lead').where('active', '=', true)
    .orderBy('id').executeTakeFirst();
  // The supervisor of the center above the station: the nearest org unit with one.
  const ancestors = await orgAncestors(db, args.communityId);
  const supervisors = await db.selectFrom('workers').select(['id', 'org_unit_id'])
    .where('position', '=', 'center_supervisor').where('active', '=', true).where('org_unit_id', 'in', ancestors)
    .orderBy('id').execute();
  const supervisor = ancestors.map((unit) => supervisors.find((s) => s.org_unit_id === unit)).find((s) => s !== undefined);
  if (!supervisor) throw new PlanStartError('no_supervisor', `no active center supervisor above ${args.communityId}`);

  const startedOn = args.startedOn ?? shanghaiDate(deps.clock());
  return {
    planId: `${workflowIds.stationPlan(args.communityId)}:${startedOn}:${randomBytes(4).toString('hex')}`,
    communityId: args.communityId,
    communityName: { zh: community.name_zh, en: community.name_en },
    startedOn,
    template,
    schedule: overrides.schedule ?? { mode: 'calendar', calendar: officialCalendar(Number(startedOn.slice(0, 4))), dueTime: DEFAULT_PLAN_SETTINGS.dueTime },
    reminderPolicy: overrides.reminderPolicy ?? DEFAULT_REMINDER_POLICY,
    recipients: { stationLeadId: lead?.id ?? null, supervisorId: supervisor.id },
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
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw await alreadyRunning(deps, args.communityId, workflowId);
    throw error;
  }

  // The workflow mirrors itself from its first step; this snapshot (revision 0, so any write of
  // the workflow's wins) lets a read right after the start see the plan.
  const state = initialPlanState(input, deps.clock().getTime());
  await deps.store.db.transaction().execute(async (trx) => {
    await applyPlanMirror(trx, fullPlanMirror(state, input, workflowId));
    await trx.updateTable('plans').set({ run_id: runId }).where('id', '=', input.planId).execute();
    await recordAudit(trx, {
      actor: args.actor, action: 'start', entity: 'station_plan', entityId: input.planId,
      after: { workflowId, runId, communityId: args.communityId, startedOn: input.startedOn, template: `${input.template.id}@${input.template.version}` },
      requestId: args.requestId,
    });
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
    // The 409 still stands without the run's details.
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

/** Starts plans for every operating station among `communityIds`, one answer per station. */
export async function startStationPlans(
  deps: PlanServiceDeps,
  args: { communityIds: string[]; startedOn?: string; actor: string; requestId?: string },
  overrides: StationPlanOverrides = {},
): Promise<BulkStartResult[]> {
  const stations = args.communityIds.length === 0 ? [] : await deps.store.db.selectFrom('stations').select('community_id')
    .where('status', '=', 'operating').where('community_id', 'in', args.communityIds).orderBy('community_id').execute();
  const results: BulkStartResult[] = [];
  for (const { community_id: communityId } of stations) {
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

/** Sends one update to the station's running plan (the latest run of `station-plan:<communityId>`). */
export async function updateStationPlan<Ret, Arg>(
  deps: Pick<PlanServiceDeps, 'temporal'>,
  communityId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  return deps.temporal.workflow.getHandle(workflowIds.stationPlan(communityId)).executeUpdate(update, { args: [arg] });
}
