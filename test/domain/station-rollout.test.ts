import { describe, expect, it } from 'vitest';
import { WEEKDAY_CALENDAR } from '../../src/domain/calendar.js';
import type { ReminderPolicy } from '../../src/domain/reminders.js';
import {
  applyReplan, carriedInput, completeMilestoneRejection, currentMilestone, initialRolloutState, markMilestoneDone, openingOf,
  replanMilestoneRejection, replanOf, rolloutStatusView, staffingRejection, type CompleteMilestoneRequest, type StationRolloutInput,
} from '../../src/domain/station-rollout.js';
import { shanghaiInstant } from '../../src/domain/time.js';
import type { Milestone } from '../../src/domain/types.js';

// The rollout's rules without Temporal: what the workflow's validators refuse, and what its
// handlers change.

const QUIET: ReminderPolicy = { offsetsMs: [], quietHours: null, workingDaysOnly: false, overdueRepeatMs: null, escalation: null };
const TARGETS: Record<Milestone, string> = { site: '2027-03-10', staffing: '2027-03-20', fit_out: '2027-04-20', opening: '2027-04-30' };

function input(): StationRolloutInput {
  return {
    communityId: 'c-1',
    milestones: (Object.keys(TARGETS) as Milestone[]).map((milestone) => ({
      milestone, targetDate: TARGETS[milestone], dueAt: shanghaiInstant(TARGETS[milestone], '18:00'), owner: 'w-owner',
    })),
    reminderPolicy: QUIET,
    calendar: WEEKDAY_CALENDAR,
    targetFullCoverage: null,
  };
}

const complete = (milestone: Milestone, note = `${milestone} done`): CompleteMilestoneRequest => ({ milestone, by: 'supervisor', evidence: { note, links: [] } });
const replan = (milestone: Milestone, targetDate: string, reason = 'moved') => ({ milestone, targetDate, dueAt: shanghaiInstant(targetDate, '18:00'), reason, by: 'supervisor' });

describe('a new rollout', () => {
  it('starts with every milestone pending, site current, and nothing mirrored yet', () => {
    const state = initialRolloutState(input());
    expect(state.milestones.map((m) => m.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(state.mirrored).toBe(false);
    expect(rolloutStatusView(state)).toMatchObject({ communityId: 'c-1', currentMilestone: 'site', openedOn: null, stationPlanWorkflowId: null });
  });

  it('picks up carried progress after continue-as-new, already mirrored', () => {
    const state = initialRolloutState(input());
    markMilestoneDone(state, complete('site'), 1_000);
    state.communityName = { zh: '甲', en: 'Jia' };
    const next = initialRolloutState(carriedInput(input(), state));
    expect(next.mirrored).toBe(true);
    expect(next.communityName).toEqual({ zh: '甲', en: 'Jia' });
    expect(currentMilestone(next)?.milestone).toBe('staffing');
  });
});

describe('completing a milestone', () => {
  it('refuses a milestone out of order, naming the one that comes first', () => {
    const refusal = completeMilestoneRejection(initialRolloutState(input()), complete('fit_out'));
    expect(refusal).toMatchObject({ reason: 'milestone_out_of_order', values: { milestone: 'fit_out', current: 'site' } });
    expect(refusal?.message).toContain('site comes before fit_out');
  });

  it('refuses one without an evidence note', () => {
    expect(completeMilestoneRejection(initialRolloutState(input()), complete('site', '  '))?.reason).toBe('milestone_evidence_missing');
  });

  it('refuses one already done, and one another request is changing', () => {
    const state = initialRolloutState(input());
    markMilestoneDone(state, complete('site'), 1_000);
    expect(completeMilestoneRejection(state, complete('site'))).toMatchObject({ reason: 'milestone_already_done', message: 'milestone site is already done' });
    state.busy.add('staffing');
    expect(completeMilestoneRejection(state, complete('staffing'))?.reason).toBe('milestone_busy');
  });

  it('refuses an unknown milestone', () => {
    expect(completeMilestoneRejection(initialRolloutState(input()), complete('roof' as Milestone))?.reason).toBe('milestone_unknown');
  });

  it('accepts the current milestone with evidence, and marks it done with who and when', () => {
    const state = initialRolloutState(input());
    expect(completeMilestoneRejection(state, complete('site'))).toBeNull();
    const done = markMilestoneDone(state, complete('site', 'Lease signed'), 5_000);
    expect(done).toMatchObject({ status: 'done', completedAt: 5_000, completedBy: 'supervisor', evidence: { note: 'Lease signed' } });
    expect(rolloutStatusView(state).currentMilestone).toBe('staffing');
  });

  it('refuses staffing while no social worker is assigned to the community', () => {
    expect(staffingRejection('c-1', 0)).toMatchObject({ reason: 'staffing_needs_social_worker', values: { communityId: 'c-1' } });
    expect(staffingRejection('c-1', 0)?.message).toContain('social worker');
    expect(staffingRejection('c-1', 1)).toBeNull();
  });

  it("refuses staffing while any of the station's posts is vacant, whatever the social workers", () => {
    const posts = [{ type: 'station_lead', required: 1, filled: 1 }, { type: 'full_time_social_worker', required: 2, filled: 1 }];
    expect(staffingRejection('c-1', 5, posts)).toMatchObject({ reason: 'staffing_posts_vacant', values: { vacancies: 1, postTypes: ['full_time_social_worker'] } });
    expect(staffingRejection('c-1', 0, [{ type: 'station_lead', required: 1, filled: 1 }])).toBeNull();
    // Posts defined with none required fall back to the social-worker rule.
    expect(staffingRejection('c-1', 0, [{ type: 'station_lead', required: 0, filled: 0 }])?.reason).toBe('staffing_needs_social_worker');
  });
});

describe('replanning a milestone', () => {
  it('refuses a done milestone, an empty reason and an unchanged date', () => {
    const state = initialRolloutState(input());
    markMilestoneDone(state, complete('site'), 1_000);
    expect(replanMilestoneRejection(state, replan('site', '2027-03-12'))?.reason).toBe('milestone_already_done');
    expect(replanMilestoneRejection(state, replan('staffing', '2027-03-22', ' '))?.reason).toBe('replan_reason_missing');
    expect(replanMilestoneRejection(state, replan('staffing', TARGETS.staffing))?.reason).toBe('replan_unchanged');
  });

  it('refuses a date before an earlier pending milestone, or after a later one', () => {
    const state = initialRolloutState(input());
    const before = replanMilestoneRejection(state, replan('staffing', '2027-03-05'));
    expect(before).toMatchObject({ reason: 'replan_before_earlier_milestone', values: { earlier: 'site' } });
    expect(before?.message).toContain('replan site first');
    const after = replanMilestoneRejection(state, replan('staffing', '2027-04-25'));
    expect(after).toMatchObject({ reason: 'replan_after_later_milestone', values: { later: 'fit_out' } });
    expect(after?.message).toContain('replan fit_out first');
  });

  it('names the last later milestone to move first when several are in the way', () => {
    const refusal = replanMilestoneRejection(initialRolloutState(input()), replan('site', '2027-05-10'));
    expect(refusal?.message).toBe('2027-05-10 is after the staffing target 2027-03-20; replan opening first');
  });

  it('moves the target, keeps the replan with its reason, and bumps the plan version', () => {
    const state = initialRolloutState(input());
    const request = replan('fit_out', '2027-04-25', 'Fire inspection moved');
    expect(replanMilestoneRejection(state, request)).toBeNull();
    const entry = replanOf(state, request, 9_000);
    expect(entry).toEqual({ from: TARGETS.fit_out, to: '2027-04-25', reason: 'Fire inspection moved', by: 'supervisor', at: 9_000 });
    const moved = applyReplan(state, request, entry);
    expect(moved).toMatchObject({ targetDate: '2027-04-25', dueAt: request.dueAt, replans: [entry] });
    expect(state.planVersion).toBe(1);
  });
});

describe('opening', () => {
  it('opens on the Asia/Shanghai date the opening milestone was done, started by whoever completed it', () => {
    const state = initialRolloutState(input());
    // 2027-04-29 17:30 UTC is 30 April 01:30 in Beijing.
    for (const name of ['site', 'staffing', 'fit_out', 'opening'] as const) markMilestoneDone(state, complete(name), Date.parse('2027-04-29T17:30:00Z'));
    expect(openingOf(state)).toEqual({ openedOn: '2027-04-30', openedAt: Date.parse('2027-04-29T17:30:00Z'), startedBy: 'supervisor' });
  });
});
