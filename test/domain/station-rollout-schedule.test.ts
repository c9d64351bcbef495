import { describe, expect, it } from 'vitest';
import { WEEKDAY_CALENDAR } from '../../src/domain/calendar.js';
import type { ReminderPolicy } from '../../src/domain/reminders.js';
import {
  eventSent, milestoneNotice, nextRolloutEvent, startFollowing, syncRounds,
} from '../../src/domain/station-rollout-schedule.js';
import type { MilestoneProgress } from '../../src/domain/station-rollout.js';
import { DAY_MS, HOUR_MS } from '../../src/domain/time.js';

// When a rollout's current milestone is reminded and escalated, without Temporal: time is a number.

const DUE = Date.parse('2027-03-10T10:00:00Z'); // Wednesday 18:00 in Beijing
const POLICY: ReminderPolicy = {
  offsetsMs: [2 * DAY_MS, HOUR_MS],
  quietHours: null,
  workingDaysOnly: false,
  overdueRepeatMs: null,
  escalation: { graceMs: DAY_MS, cadenceMs: 2 * DAY_MS, chain: ['worker', 'station_lead', 'center_supervisor'] },
};

const site = (dueAt = DUE): MilestoneProgress => ({
  milestone: 'site', targetDate: '2027-03-10', dueAt, owner: 'w-owner', status: 'pending', completedAt: null, completedBy: null, evidence: null, replans: [],
});

describe('following a milestone', () => {
  it('sends each reminder before the target once, then escalates along the chain on the cadence', () => {
    const milestone = site();
    const follow = startFollowing(milestone);
    const seen: string[] = [];
    let now = DUE - 3 * DAY_MS;
    for (let i = 0; i < 5; i += 1) {
      const event = nextRolloutEvent(milestone, now, follow, POLICY, WEEKDAY_CALENDAR)!;
      seen.push(event.type === 'reminder' ? `reminder ${(DUE - event.at) / HOUR_MS}h before` : `escalation ${event.round} to ${event.step} ${(event.at - DUE) / DAY_MS}d after`);
      now = event.at;
      eventSent(follow, milestone, event);
    }
    expect(seen).toEqual([
      'reminder 48h before', 'reminder 1h before',
      'escalation 0 to worker 1d after', 'escalation 1 to station_lead 3d after', 'escalation 2 to center_supervisor 5d after',
    ]);
  });

  it('gives a milestone that becomes current long after its target one escalation now, not every missed round', () => {
    const milestone = site();
    const event = nextRolloutEvent(milestone, DUE + 10 * DAY_MS, startFollowing(milestone), POLICY, WEEKDAY_CALENDAR);
    expect(event).toMatchObject({ type: 'escalation', round: 4, step: 'center_supervisor' });
    expect(event!.at).toBeLessThanOrEqual(DUE + 10 * DAY_MS);
  });

  it('has nothing to send when the policy has no reminders and no escalation', () => {
    const quiet: ReminderPolicy = { ...POLICY, offsetsMs: [], escalation: null };
    expect(nextRolloutEvent(site(), DUE + DAY_MS, startFollowing(site()), quiet, WEEKDAY_CALENDAR)).toBeUndefined();
  });

  it('starts the escalation rounds again when a replan moves the due instant', () => {
    const milestone = site();
    const follow = startFollowing(milestone);
    eventSent(follow, milestone, { type: 'escalation', at: DUE + DAY_MS, round: 0, step: 'worker' });
    expect(follow.round).toBe(1);
    syncRounds(follow, milestone);
    expect(follow.round).toBe(1);
    milestone.dueAt = DUE + 7 * DAY_MS;
    syncRounds(follow, milestone);
    expect(follow).toMatchObject({ round: 0, roundsFor: DUE + 7 * DAY_MS });
  });
});

describe('notices', () => {
  const context = { workflowId: 'station-rollout:c-1', communityId: 'c-1', communityName: { zh: '甲社区', en: 'Jia' } };

  it('reminds the owner, keyed by milestone, due instant and offset, and checks the milestone is still pending', () => {
    const notice = milestoneNotice({ type: 'reminder', at: DUE - HOUR_MS, offsetMs: HOUR_MS }, site(), context, DUE - HOUR_MS);
    expect(notice).toEqual({
      kind: 'milestone_due',
      key: `station-rollout:c-1:site:due:${DUE}:${HOUR_MS}`,
      recipients: 'worker',
      data: { communityId: 'c-1', communityName: '甲社区', communityNameZh: '甲社区', communityNameEn: 'Jia', milestone: 'site', targetDate: '2027-03-10', owner: 'w-owner' },
      check: { type: 'milestone_pending', communityId: 'c-1', milestone: 'site' },
    });
  });

  it('escalates to the round\'s step with the round and the whole days late', () => {
    const notice = milestoneNotice({ type: 'escalation', at: DUE + 3 * DAY_MS, round: 1, step: 'station_lead' }, site(), { ...context, communityName: null }, DUE + 3 * DAY_MS + HOUR_MS);
    expect(notice).toMatchObject({
      kind: 'milestone_slipping', key: `station-rollout:c-1:site:slipping:${DUE}:1`, recipients: 'station_lead',
      data: { communityName: 'c-1', round: 2, daysLate: 3 },
    });
  });
});
