import { describe, expect, it } from 'vitest';
import { isWorkingDay, WEEKDAY_CALENDAR, type WorkCalendar } from '../../src/domain/calendar.js';
import {
  coverageByDate, projectedFullCoverage, rolloutHealth, spreadMilestoneTargets, spreadStreetRollout, workingDaysBetween, type MilestoneState,
} from '../../src/domain/coverage.js';
import { MILESTONES } from '../../src/domain/types.js';
import { digestData, type DigestContent } from '../../src/services/digest.js';

// The official 2026 National Day week: 1–7 October off, Saturday 10 October worked (调休).
const NATIONAL_DAY_2026: WorkCalendar = {
  source: 'test', years: [2026],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
};

const pending = (targets: Record<string, string>, done: string[] = []): MilestoneState[] => MILESTONES.map((milestone) => ({
  milestone, targetDate: targets[milestone]!, status: done.includes(milestone) ? 'done' : 'pending', completedOn: done.includes(milestone) ? targets[milestone]! : null,
}));

describe('spreading milestone targets', () => {
  it('puts every milestone on a working day, in order, with opening on the last working day before the target', () => {
    const targets = spreadMilestoneTargets('2026-09-28', '2026-10-31', NATIONAL_DAY_2026);
    const dates = MILESTONES.map((m) => targets[m]);
    expect([...dates].sort()).toEqual(dates);
    for (const date of dates) expect(isWorkingDay(date, NATIONAL_DAY_2026), date).toBe(true);
    // 31 October 2026 is a Saturday: opening moves back to Friday the 30th.
    expect(targets.opening).toBe('2026-10-30');
    // The holiday week is skipped, and the adjusted Saturday counts.
    for (const date of dates) expect(date < '2026-10-01' || date > '2026-10-07').toBe(true);
  });

  it('gives each milestone its share of the working days in the window', () => {
    const targets = spreadMilestoneTargets('2027-03-01', '2027-05-31', WEEKDAY_CALENDAR);
    const days = workingDaysBetween('2027-03-01', '2027-05-31', WEEKDAY_CALENDAR);
    expect(workingDaysBetween('2027-03-01', targets.site, WEEKDAY_CALENDAR)).toBe(Math.round(days * 0.3));
    expect(workingDaysBetween('2027-03-01', targets.fit_out, WEEKDAY_CALENDAR)).toBe(Math.round(days * 0.9));
    expect(targets.opening).toBe('2027-05-31');
  });

  it('puts every milestone on the opening day when the window has no working day after the start', () => {
    // Friday to Saturday: nothing to spread over, everything on the Friday.
    expect(spreadMilestoneTargets('2027-03-05', '2027-03-06', WEEKDAY_CALENDAR)).toEqual({ site: '2027-03-05', staffing: '2027-03-05', fit_out: '2027-03-05', opening: '2027-03-05' });
  });

  it('staggers a street\'s openings through the second half of the window, the last on the target', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const plan = spreadStreetRollout(ids, '2027-01-04', '2027-12-31', WEEKDAY_CALENDAR);
    const openings = plan.map((p) => p.targets.opening);
    expect([...openings].sort()).toEqual(openings);
    expect(openings[11]).toBe('2027-12-31');
    expect(openings[0]! > '2027-06-30').toBe(true);
    expect(new Set(openings).size).toBe(12);
    for (const p of plan) expect(p.targets.site <= p.targets.staffing && p.targets.staffing <= p.targets.fit_out && p.targets.fit_out <= p.targets.opening).toBe(true);
  });
});

describe('rollout health', () => {
  const targets = { site: '2027-03-10', staffing: '2027-03-20', fit_out: '2027-04-20', opening: '2027-04-30' };

  it('is on track with nothing expected yet', () => {
    expect(rolloutHealth(pending(targets), '2027-03-01', WEEKDAY_CALENDAR)).toMatchObject({
      health: 'on_track', currentMilestone: 'site', expectedByToday: 0, actual: 0, workingDaysLate: 0, projectedOpening: '2027-04-30',
    });
  });

  it('flags a target beyond any plausible horizon (a placeholder 2999-12-31) instead of calling it on track', () => {
    expect(rolloutHealth(pending({ ...targets, opening: '2999-12-31' }), '2027-03-01', WEEKDAY_CALENDAR).health).toBe('implausible');
    expect(rolloutHealth(pending({ ...targets, opening: '2029-12-31' }), '2027-03-01', WEEKDAY_CALENDAR).health).toBe('on_track');
  });

  it('is at risk when the current milestone is due within two working days', () => {
    // Tuesday 9 March: site is due tomorrow.
    expect(rolloutHealth(pending(targets), '2027-03-09', WEEKDAY_CALENDAR).health).toBe('at_risk');
  });

  it('is late when a target has passed undone, and pushes the projected opening by the slip', () => {
    const report = rolloutHealth(pending(targets), '2027-03-15', WEEKDAY_CALENDAR);
    expect(report).toMatchObject({ health: 'late', currentMilestone: 'site', expectedByToday: 1, actual: 0, workingDaysLate: 3 });
    expect(report.projectedOpening).toBe('2027-05-05');
  });

  it('counts done milestones against what was expected by today', () => {
    expect(rolloutHealth(pending(targets, ['site', 'staffing']), '2027-03-25', WEEKDAY_CALENDAR)).toMatchObject({
      health: 'on_track', currentMilestone: 'fit_out', expectedByToday: 2, actual: 2,
    });
  });
});

describe('coverage', () => {
  it('counts operating stations by opening date, stations without a date from the start', () => {
    expect(coverageByDate([null, null, '2027-05-01', '2027-03-01', '2027-05-01'], '2026-12-01')).toEqual([
      { date: '2026-12-01', operating: 2 }, { date: '2027-03-01', operating: 3 }, { date: '2027-05-01', operating: 5 },
    ]);
  });

  it('projects full coverage only when every community has a station or a rollout', () => {
    expect(projectedFullCoverage(['2027-05-01', '2027-09-01'], 1, null, '2027-01-01')).toBeNull();
    expect(projectedFullCoverage(['2027-05-01', '2027-09-01'], 0, null, '2027-01-01')).toBe('2027-09-01');
    expect(projectedFullCoverage([], 0, '2026-12-20', '2027-01-01')).toBe('2026-12-20');
  });
});

describe('digest data', () => {
  const content = (coversYear: boolean): DigestContent => ({
    streetId: 's', street: { zh: '展览路街道', en: 'Zhanlanlu Street' }, period: '2031-03-03T01:00:00.000Z', weekOf: '2031-03-03',
    coverage: { operating: 12, total: 23, remaining: 11, operatingWeekAgo: 11, change: 1 },
    slippingMilestones: [{ communityId: 'c', name: { zh: '甲社区', en: 'Jia' }, milestone: 'fit_out', targetDate: '2031-02-20', workingDaysLate: 6 }],
    plansByStage: { guide: 3, support: 2, supervise: 1, completed: 0, cancelled: 0, paused: 0, notStarted: 6 },
    stagesAwaitingSignOff: 1, overdueTasks: 4, trainingCompletion: [],
    residentsServed: { total: 1100, lastWeek: 35 },
    calendar: { source: 'test', coversYear, note: coversYear ? null : 'The official working-day calendar does not cover 2031: working days fall back to Monday–Friday until it is updated.' },
  });

  it('says so when the working-day calendar does not cover the year', () => {
    const data = digestData(content(false));
    expect(data.calendarCovered).toBe(false);
    expect(String(data.calendarNoteEn)).toContain('does not cover 2031');
    expect(String(data.calendarNoteZh)).toContain('2031');
    expect(digestData(content(true)).calendarNote).toBeNull();
  });

  it('carries coverage and its change, slipping milestones, plan stages, overdue tasks and residents served', () => {
    expect(digestData(content(true))).toMatchObject({
      operating: 12, total: 23, coverageChange: '+1', slippingCount: 1, overdueTasks: 4, residentsServed: 1100, residentsServedLastWeek: 35,
      slippingMilestonesEn: expect.stringContaining('Jia (fit-out, due 2031-02-20'),
      plansByStageEn: expect.stringContaining('guide 3'),
    });
  });
});
