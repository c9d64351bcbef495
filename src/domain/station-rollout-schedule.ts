import type { WorkCalendar } from './calendar.js';
import type { NotificationData, StateCheck } from './notifications.js';
import { escalationAt, latestRoundDue, reminderSchedule, type EscalationStep, type ReminderPolicy } from './reminders.js';
import type { CommunityName, MilestoneProgress } from './station-rollout.js';
import { DAY_MS } from './time.js';

// When a rollout's current milestone is reminded and escalated, and what each notice says. Pure:
// the workflow passes the time in, waits until the event's instant, sends the notice, and records it.

export type RolloutEvent =
  | { type: 'reminder'; at: number; offsetMs: number }
  | { type: 'escalation'; at: number; round: number; step: EscalationStep };

/** What the follower of one milestone has done so far. */
export interface FollowState {
  /** Reminders sent, by `reminderKey`. */
  sent: Set<string>;
  /** The next escalation round. */
  round: number;
  /** The due instant the rounds count from: a replan that moves it starts the rounds again. */
  roundsFor: number;
}

export function startFollowing(milestone: MilestoneProgress): FollowState {
  return { sent: new Set(), round: 0, roundsFor: milestone.dueAt };
}

export function reminderKey(milestone: MilestoneProgress, offsetMs: number): string {
  return `${milestone.dueAt}:${offsetMs}`;
}

/** Starts the escalation rounds again when a replan moved the milestone's due instant. */
export function syncRounds(follow: FollowState, milestone: MilestoneProgress): void {
  if (follow.roundsFor === milestone.dueAt) return;
  follow.round = 0;
  follow.roundsFor = milestone.dueAt;
}

/**
 * The next reminder not yet sent, else the next escalation round; undefined when nothing is left to
 * send. A milestone that becomes current already slipping gets one escalation now, not a burst of
 * every missed round.
 */
export function nextRolloutEvent(
  milestone: MilestoneProgress, now: number, follow: FollowState, policy: ReminderPolicy, calendar: WorkCalendar,
): RolloutEvent | undefined {
  const reminder = reminderSchedule(milestone.dueAt, policy, calendar, now).find((r) => !follow.sent.has(reminderKey(milestone, r.offsetMs)));
  if (reminder) return { type: 'reminder', at: reminder.at, offsetMs: reminder.offsetMs };
  const escalationOf = (round: number) => escalationAt(milestone.dueAt, round, policy, calendar);
  if (!policy.escalation || !escalationOf(follow.round)) return undefined;
  const { graceMs, cadenceMs } = policy.escalation;
  const round = latestRoundDue(follow.round, now, milestone.dueAt + graceMs, cadenceMs, (r) => escalationOf(r)!.at) ?? follow.round;
  const escalation = escalationOf(round)!;
  return { type: 'escalation', at: escalation.at, round: escalation.round, step: escalation.step };
}

/** Records an event as sent: a reminder is not sent again, an escalation moves to the next round. */
export function eventSent(follow: FollowState, milestone: MilestoneProgress, event: RolloutEvent): void {
  if (event.type === 'reminder') follow.sent.add(reminderKey(milestone, event.offsetMs));
  else follow.round = event.round + 1;
}

export interface MilestoneNotice {
  kind: 'milestone_due' | 'milestone_slipping';
  /** The notification's idempotency key: one per workflow, milestone, due instant and step. */
  key: string;
  /** Whose turn it is: the owner, the station leads, or the center supervisors. */
  recipients: EscalationStep;
  data: NotificationData;
  /** Delivery checks the milestone is still pending, so a milestone done meanwhile sends nothing. */
  check: StateCheck;
}

/** What an event sends: reminders go to the owner, escalations to their step of the chain. */
export function milestoneNotice(
  event: RolloutEvent,
  milestone: MilestoneProgress,
  context: { workflowId: string; communityId: string; communityName: CommunityName | null },
  now: number,
): MilestoneNotice {
  const { workflowId, communityId, communityName } = context;
  const data: NotificationData = {
    communityId,
    communityName: communityName?.zh ?? communityId,
    communityNameZh: communityName?.zh ?? communityId,
    communityNameEn: communityName?.en ?? communityId,
    milestone: milestone.milestone,
    targetDate: milestone.targetDate,
    owner: milestone.owner,
  };
  const check: StateCheck = { type: 'milestone_pending', communityId, milestone: milestone.milestone };
  if (event.type === 'reminder') {
    return { kind: 'milestone_due', key: `${workflowId}:${milestone.milestone}:due:${milestone.dueAt}:${event.offsetMs}`, recipients: 'worker', data, check };
  }
  return {
    kind: 'milestone_slipping',
    key: `${workflowId}:${milestone.milestone}:slipping:${milestone.dueAt}:${event.round}`,
    recipients: event.step,
    data: { ...data, round: event.round + 1, daysLate: Math.max(0, Math.floor((now - milestone.dueAt) / DAY_MS)) },
    check,
  };
}
