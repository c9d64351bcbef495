import {
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { rejectIf } from './refusal.js';
import {
  eventSent, milestoneNotice, nextRolloutEvent, startFollowing, syncRounds, type MilestoneNotice,
} from '../src/domain/station-rollout-schedule.js';
import {
  applyReplan, cancelRolloutRejection, carriedInput, completeMilestoneRejection, initialRolloutState, markMilestoneDone, openingOf, replanMilestoneRejection,
  replanOf, rolloutStatusView, staffingRejection, type MilestoneProgress,
} from '../src/domain/station-rollout.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import { nowMs } from './clock.js';
import {
  rolloutQueries, rolloutUpdates, type CancelRolloutRequest, type CompleteMilestoneRequest, type ReplanMilestoneRequest, type StationRolloutInput,
  type StationRolloutStatus,
} from './station-rollout.messages.js';

const store = proxyActivities<Activities>(RECORDS_ACTIVITY);
const { notify } = proxyActivities<Activities>(NOTIFY_ACTIVITY);

/** The custom search attribute (registered with the server) that shows a rollout's current milestone. */
const MILESTONE_ATTRIBUTE = { name: 'Milestone', type: 'KEYWORD' } as const;

/**
 * A community's station rollout: site → staffing → fit_out → opening, each completed by an update
 * carrying evidence, in order. The current milestone gets reminders before its target and, once it
 * slips, escalations on the policy's cadence until it is done. A replan moves a target (recorded
 * with its reason). On opening the station becomes operating and its stationPlan starts.
 * The rules live in src/domain/station-rollout.ts and station-rollout-schedule.ts.
 */
export async function stationRollout(input: StationRolloutInput): Promise<StationRolloutStatus> {
  const { communityId } = input;
  const workflowId = workflowInfo().workflowId;
  const state = initialRolloutState(input);

  setHandler(rolloutQueries.status, () => rolloutStatusView(state));

  setHandler(rolloutUpdates.completeMilestone, async (request: CompleteMilestoneRequest) => {
    state.busy.add(request.milestone);
    try {
      await condition(() => state.mirrored);
      if (request.milestone === 'staffing') {
        // Histories from before posts answered without them: no posts then means the old rule.
        const { socialWorkers, posts } = await store.rolloutStaffing({ communityId });
        rejectIf(staffingRejection(communityId, socialWorkers, posts ?? []));
      }
      const completedAt = nowMs();
      await store.recordMilestoneCompleted({ communityId, milestone: request.milestone, completedAt, by: request.by, evidence: request.evidence });
      const milestone = markMilestoneDone(state, request, completedAt);
      log.info('milestone done', { communityId, milestone: request.milestone, by: request.by });
      return milestone;
    } finally {
      state.busy.delete(request.milestone);
    }
  }, {
    validator: (request: CompleteMilestoneRequest) => rejectIf(completeMilestoneRejection(state, request)),
  });

  setHandler(rolloutUpdates.replanMilestone, async (request: ReplanMilestoneRequest) => {
    state.busy.add(request.milestone);
    try {
      await condition(() => state.mirrored);
      const replan = replanOf(state, request, nowMs());
      await store.recordMilestoneReplanned({
        communityId, milestone: request.milestone, replan: { ...replan, at: new Date(replan.at).toISOString() },
      });
      const milestone = applyReplan(state, request, replan);
      log.info('milestone replanned', { communityId, milestone: request.milestone, from: replan.from, to: replan.to });
      return milestone;
    } finally {
      state.busy.delete(request.milestone);
    }
  }, {
    validator: (request: ReplanMilestoneRequest) => rejectIf(replanMilestoneRejection(state, request)),
  });

  setHandler(rolloutUpdates.cancel, async (request: CancelRolloutRequest) => {
    await condition(() => state.mirrored);
    const at = nowMs();
    await store.recordRolloutCancelled({ communityId, reason: request.reason, by: request.by, at });
    state.cancellation = { reason: request.reason, by: request.by, at };
    log.info('rollout cancelled', { communityId, by: request.by });
    return rolloutStatusView(state);
  }, {
    validator: (request: CancelRolloutRequest) => rejectIf(cancelRolloutRejection(state, request)),
  });

  if (!state.mirrored) {
    const started = await store.recordRolloutStarted({
      communityId,
      workflowId,
      runId: workflowInfo().firstExecutionRunId,
      targetFullCoverage: input.targetFullCoverage,
      milestones: state.milestones.map((m) => ({ milestone: m.milestone, targetDate: m.targetDate, owner: m.owner })),
    });
    state.communityName = started.communityName;
    state.mirrored = true;
  }

  for (const milestone of state.milestones) {
    if (milestone.status === 'done') continue;
    if (state.cancellation) break;
    upsertSearchAttributes([{ key: MILESTONE_ATTRIBUTE, value: milestone.milestone }]);
    await follow(milestone);
  }
  if (state.cancellation) {
    upsertSearchAttributes([{ key: MILESTONE_ATTRIBUTE, value: 'cancelled' }]);
    await condition(allHandlersFinished);
    return rolloutStatusView(state);
  }
  upsertSearchAttributes([{ key: MILESTONE_ATTRIBUTE, value: 'opened' }]);

  const opening = openingOf(state);
  state.openedOn = opening.openedOn;
  await store.openStation({ communityId, openedOn: opening.openedOn, openedAt: opening.openedAt });
  const plan = await store.startStationPlanOnOpening({ communityId, startedOn: opening.openedOn, startedBy: opening.startedBy });
  state.stationPlanWorkflowId = plan.started || plan.alreadyStarted ? plan.workflowId : null;
  if (plan.problem) log.warn('station opened; its plan did not start', { communityId, problem: plan.problem });
  log.info('station opened', { communityId, openedOn: opening.openedOn, stationPlanWorkflowId: state.stationPlanWorkflowId, planAlreadyStarted: plan.alreadyStarted });
  await condition(allHandlersFinished);
  return rolloutStatusView(state);

  /** Reminders before the milestone's target, then escalations while it slips, until it is done. */
  async function follow(milestone: MilestoneProgress): Promise<void> {
    const following = startFollowing(milestone);
    while (milestone.status === 'pending' && !state.cancellation) {
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof stationRollout>(carriedInput(input, state));
      }
      const version = state.planVersion;
      syncRounds(following, milestone);
      const now = nowMs();
      const next = nextRolloutEvent(milestone, now, following, input.reminderPolicy, input.calendar);
      const changed = () => milestone.status !== 'pending' || state.planVersion !== version || state.cancellation !== null;
      if (!next) {
        await condition(changed);
        continue;
      }
      if (next.at > now && (await condition(changed, next.at - now))) continue;
      const notice = milestoneNotice(next, milestone, { workflowId, communityId, communityName: state.communityName }, nowMs());
      eventSent(following, milestone, next);
      await send(milestone, notice);
    }
  }

  async function send(milestone: MilestoneProgress, notice: MilestoneNotice): Promise<void> {
    const recipients = await store.rolloutRecipients({ communityId, step: notice.recipients, owner: milestone.owner });
    for (const recipientId of recipients) {
      await notify({ key: notice.key, workflowId, recipientId, kind: notice.kind, data: notice.data, dueAt: milestone.dueAt, check: notice.check });
    }
  }
}

