import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, proxyActivities, setHandler, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import type { NotificationData, StateCheck } from '../src/domain/notifications.js';
import { escalationAt, reminderSchedule, type EscalationStep } from '../src/domain/reminders.js';
import { DAY_MS, shanghaiDate } from '../src/domain/time.js';
import { MILESTONES, type Milestone } from '../src/domain/types.js';
import { nowMs } from './clock.js';
import { ErrorType } from '../src/domain/errors.js';
import { rolloutQueries, rolloutUpdates, type CompleteMilestoneRequest, type MilestoneProgress, type ReplanMilestoneRequest, type StationRolloutInput, type StationRolloutStatus } from './station-rollout.messages.js';
import { workflowIds } from '../src/domain/workflow-ids.js';

const store = proxyActivities<Activities>(RECORDS_ACTIVITY);
const { notify } = proxyActivities<Activities>(NOTIFY_ACTIVITY);

/** The custom search attribute (registered with the server) that shows a rollout's current milestone. */
const MILESTONE_ATTRIBUTE = { name: 'Milestone', type: 'KEYWORD' } as const;

type NextEvent =
  | { type: 'reminder'; at: number; offsetMs: number }
  | { type: 'escalation'; at: number; round: number; step: EscalationStep };

/**
 * A community's station rollout: site → staffing → fit_out → opening, each completed by an update
 * carrying evidence, in order. The current milestone gets reminders before its target and, once it
 * slips, escalations on the policy's cadence until it is done. A replan moves a target (recorded
 * with its reason). On opening the station becomes operating and its stationPlan starts.
 */
export async function stationRollout(input: StationRolloutInput): Promise<StationRolloutStatus> {
  const { communityId } = input;
  const workflowId = workflowInfo().workflowId;
  const milestones: MilestoneProgress[] = input.carried?.milestones ?? input.milestones.map((m) => ({
    ...m, status: 'pending', completedAt: null, completedBy: null, evidence: null, replans: [],
  }));
  let communityName = input.carried?.communityName ?? null;
  let mirrored = input.carried !== undefined;
  let openedOn: string | null = null;
  let stationPlanWorkflowId: string | null = null;
  // Bumped by every replan so the milestone being followed recomputes its timers.
  let planVersion = 0;
  // Milestones with an update in flight: a second update for the same one is refused meanwhile.
  const busy = new Set<Milestone>();

  const find = (name: Milestone) => milestones.find((m) => m.milestone === name);
  const current = () => milestones.find((m) => m.status === 'pending');
  const status = (): StationRolloutStatus => ({
    communityId, currentMilestone: current()?.milestone ?? null, milestones, openedOn, stationPlanWorkflowId,
  });

  setHandler(rolloutQueries.status, status);

  setHandler(rolloutUpdates.completeMilestone, async (request: CompleteMilestoneRequest) => {
    busy.add(request.milestone);
    try {
      await condition(() => mirrored);
      const milestone = find(request.milestone)!;
      if (request.milestone === 'staffing') {
        const { socialWorkers } = await store.rolloutStaffing({ communityId });
        if (socialWorkers === 0) {
          throw ApplicationFailure.nonRetryable(`staffing needs at least one social worker assigned to ${communityId}; none is`, ErrorType.Conflict);
        }
      }
      const completedAt = nowMs();
      await store.recordMilestoneCompleted({ communityId, milestone: request.milestone, completedAt, by: request.by, evidence: request.evidence });
      Object.assign(milestone, { status: 'done', completedAt, completedBy: request.by, evidence: request.evidence });
      log.info('milestone done', { communityId, milestone: request.milestone, by: request.by });
      return milestone;
    } finally {
      busy.delete(request.milestone);
    }
  }, {
    validator: (request: CompleteMilestoneRequest) => {
      const milestone = known(request.milestone);
      if (milestone.status === 'done') throw reject(`milestone ${request.milestone} is already done`);
      if (busy.has(request.milestone)) throw reject(`milestone ${request.milestone} is being changed by another request; try again`);
      const first = current();
      if (first && first.milestone !== request.milestone) {
        throw reject(`milestones complete in order: ${first.milestone} comes before ${request.milestone}`);
      }
      if (!request.evidence || typeof request.evidence.note !== 'string' || request.evidence.note.trim() === '') {
        throw reject('completing a milestone needs evidence: a note saying what was done');
      }
    },
  });

  setHandler(rolloutUpdates.replanMilestone, async (request: ReplanMilestoneRequest) => {
    busy.add(request.milestone);
    try {
      await condition(() => mirrored);
      const milestone = find(request.milestone)!;
      const at = nowMs();
      const replan = { from: milestone.targetDate, to: request.targetDate, reason: request.reason, by: request.by, at };
      await store.recordMilestoneReplanned({
        communityId, milestone: request.milestone, replan: { ...replan, at: new Date(at).toISOString() },
      });
      milestone.targetDate = request.targetDate;
      milestone.dueAt = request.dueAt;
      milestone.replans.push(replan);
      planVersion += 1;
      log.info('milestone replanned', { communityId, milestone: request.milestone, from: replan.from, to: replan.to });
      return milestone;
    } finally {
      busy.delete(request.milestone);
    }
  }, {
    validator: (request: ReplanMilestoneRequest) => {
      const milestone = known(request.milestone);
      if (milestone.status === 'done') throw reject(`milestone ${request.milestone} is already done; a done milestone is not replanned`);
      if (busy.has(request.milestone)) throw reject(`milestone ${request.milestone} is being changed by another request; try again`);
      if (!request.reason || request.reason.trim() === '') throw reject('a replan needs a reason');
      if (request.targetDate === milestone.targetDate) throw reject(`milestone ${request.milestone} already targets ${request.targetDate}`);
      const index = MILESTONES.indexOf(request.milestone);
      const earlier = milestones.filter((m) => MILESTONES.indexOf(m.milestone) < index && m.status === 'pending' && m.targetDate > request.targetDate);
      if (earlier.length > 0) throw reject(`${request.targetDate} is before the ${earlier[0]!.milestone} target ${earlier[0]!.targetDate}; replan ${earlier[0]!.milestone} first`);
      const later = milestones.filter((m) => MILESTONES.indexOf(m.milestone) > index && m.targetDate < request.targetDate);
      if (later.length > 0) throw reject(`${request.targetDate} is after the ${later[0]!.milestone} target ${later[0]!.targetDate}; replan ${later[later.length - 1]!.milestone} first`);
    },
  });

  function known(name: Milestone): MilestoneProgress {
    const milestone = find(name);
    if (!milestone) throw reject(`unknown milestone ${String(name)}; milestones are ${MILESTONES.join(', ')}`);
    return milestone;
  }

  if (!mirrored) {
    const started = await store.recordRolloutStarted({
      communityId,
      workflowId,
      runId: workflowInfo().firstExecutionRunId,
      targetFullCoverage: input.targetFullCoverage,
      milestones: milestones.map((m) => ({ milestone: m.milestone, targetDate: m.targetDate, owner: m.owner })),
    });
    communityName = started.communityName;
    mirrored = true;
  }

  for (const milestone of milestones) {
    if (milestone.status === 'done') continue;
    upsertSearchAttributes([{ key: MILESTONE_ATTRIBUTE, value: milestone.milestone }]);
    await follow(milestone);
  }
  upsertSearchAttributes([{ key: MILESTONE_ATTRIBUTE, value: 'opened' }]);

  const opening = find('opening')!;
  openedOn = shanghaiDate(opening.completedAt!);
  await store.openStation({ communityId, openedOn, openedAt: opening.completedAt! });
  const plan = await store.startStationPlanOnOpening({ communityId, startedOn: openedOn, startedBy: opening.completedBy ?? workflowIds.stationRollout(communityId) });
  stationPlanWorkflowId = plan.started || plan.alreadyStarted ? plan.workflowId : null;
  if (plan.problem) log.warn('station opened; its plan did not start', { communityId, problem: plan.problem });
  log.info('station opened', { communityId, openedOn, stationPlanWorkflowId, planAlreadyStarted: plan.alreadyStarted });
  await condition(allHandlersFinished);
  return status();

  /** Reminders before the milestone's target, then escalations while it slips, until it is done. */
  async function follow(milestone: MilestoneProgress): Promise<void> {
    const sent = new Set<string>();
    let round = 0;
    let roundsFor = milestone.dueAt;
    while (milestone.status === 'pending') {
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof stationRollout>({ ...input, carried: { milestones, communityName } });
      }
      const version = planVersion;
      if (roundsFor !== milestone.dueAt) {
        round = 0;
        roundsFor = milestone.dueAt;
      }
      const now = nowMs();
      const next = nextEvent(milestone, now, round, sent);
      const changed = () => milestone.status !== 'pending' || planVersion !== version;
      if (!next) {
        await condition(changed);
        continue;
      }
      if (next.at > now && (await condition(changed, next.at - now))) continue;
      if (next.type === 'reminder') {
        sent.add(reminderKey(milestone, next.offsetMs));
        await send(milestone, 'milestone_due', `due:${milestone.dueAt}:${next.offsetMs}`, 'worker', {});
      } else {
        await send(milestone, 'milestone_slipping', `slipping:${milestone.dueAt}:${next.round}`, next.step, {
          round: next.round + 1,
          daysLate: Math.max(0, Math.floor((nowMs() - milestone.dueAt) / DAY_MS)),
        });
        round = next.round + 1;
      }
    }
  }

  function nextEvent(milestone: MilestoneProgress, now: number, round: number, sent: Set<string>): NextEvent | undefined {
    const policy = input.reminderPolicy;
    const reminder = reminderSchedule(milestone.dueAt, policy, input.calendar, now).find((r) => !sent.has(reminderKey(milestone, r.offsetMs)));
    if (reminder) return { type: 'reminder', at: reminder.at, offsetMs: reminder.offsetMs };
    let escalation = escalationAt(milestone.dueAt, round, policy, input.calendar);
    if (!escalation) return undefined;
    // A milestone that becomes current already slipping gets one escalation now, not a burst of every missed round.
    for (let guard = 0; guard < 10_000; guard += 1) {
      const following = escalationAt(milestone.dueAt, escalation.round + 1, policy, input.calendar);
      if (!following || following.at > now) break;
      escalation = following;
    }
    return { type: 'escalation', at: escalation.at, round: escalation.round, step: escalation.step };
  }

  async function send(milestone: MilestoneProgress, kind: 'milestone_due' | 'milestone_slipping', step: string, recipientsStep: EscalationStep, extra: NotificationData): Promise<void> {
    const recipients = await store.rolloutRecipients({ communityId, step: recipientsStep, owner: milestone.owner });
    const check: StateCheck = { type: 'milestone_pending', communityId, milestone: milestone.milestone };
    const data: NotificationData = {
      communityId,
      communityName: communityName?.zh ?? communityId,
      communityNameZh: communityName?.zh ?? communityId,
      communityNameEn: communityName?.en ?? communityId,
      milestone: milestone.milestone,
      targetDate: milestone.targetDate,
      owner: milestone.owner,
      ...extra,
    };
    for (const recipientId of recipients) {
      await notify({ key: `${workflowId}:${milestone.milestone}:${step}`, workflowId, recipientId, kind, data, dueAt: milestone.dueAt, check });
    }
  }
}

function reminderKey(milestone: MilestoneProgress, offsetMs: number): string {
  return `${milestone.dueAt}:${offsetMs}`;
}

function reject(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, ErrorType.Conflict);
}
