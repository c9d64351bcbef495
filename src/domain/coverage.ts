import { nthWorkingDayAfter, previousWorkingDay, workingDaysBetween, type WorkCalendar } from './calendar.js';
import type { FieldProblem } from './errors.js';
import type { ReminderPolicy } from './reminders.js';
import type { MilestoneRequest } from './station-rollout.js';
import { DAY_MS, shanghaiInstant } from './time.js';
import { MILESTONES, type Milestone } from './types.js';

// Rollout arithmetic: spreading milestone targets over working days, a rollout's health against
// today, and the street's coverage and its projection. Pure: "today" and the calendar are inputs.

export type RolloutHealth = 'on_track' | 'at_risk' | 'late' | 'implausible';

/**
 * Where each milestone's target falls within a rollout's window, as a share of its working days.
 * Securing a site and fitting it out take longest; staffing runs alongside the fit-out's start;
 * opening is the window's last working day.
 */
export const MILESTONE_SHARES: Record<Milestone, number> = { site: 0.3, staffing: 0.5, fit_out: 0.9, opening: 1 };

/** A milestone is due at the end of the working day of its target date (Asia/Shanghai). */
export const MILESTONE_DUE_TIME = '18:00';

/** A pending milestone due within this many working days (today included) is at risk. */
export const AT_RISK_WORKING_DAYS = 2;
/** A pending target further out than this many years is no plan (2999-12-31): flagged, not "on track". */
export const PLAUSIBLE_HORIZON_YEARS = 3;

/**
 * The default reminder policy of a rollout: reminders three days and one day before a target, an
 * escalation one day after it slips, then every two days to the center supervisor until done.
 */
export const DEFAULT_ROLLOUT_POLICY: ReminderPolicy = {
  offsetsMs: [3 * DAY_MS, DAY_MS],
  quietHours: { start: '21:00', end: '08:00' },
  workingDaysOnly: true,
  overdueRepeatMs: null,
  escalation: { graceMs: DAY_MS, cadenceMs: 2 * DAY_MS, chain: ['worker', 'center_supervisor'] },
};

/** The instant a milestone with this target date is due. */
export function milestoneDueAt(targetDate: string): number {
  return shanghaiInstant(targetDate, MILESTONE_DUE_TIME);
}

export { nthWorkingDayAfter, previousWorkingDay, workingDaysBetween };

export type MilestoneTargets = Record<Milestone, string>;

/**
 * Spreads the four milestones between `start` and `target` on working days: opening on the last
 * working day on or before the target, the others at their share of the working days in between.
 * Targets never decrease; a window with no working day after the start puts every milestone on
 * the opening day.
 */
export function spreadMilestoneTargets(start: string, target: string, calendar: WorkCalendar): MilestoneTargets {
  const opening = target > start ? maxDate(previousWorkingDay(target, calendar), start) : target;
  const days = workingDaysBetween(start, opening, calendar);
  if (days <= 0) return { site: opening, staffing: opening, fit_out: opening, opening };
  const result = {} as MilestoneTargets;
  let previous = start;
  for (const milestone of MILESTONES) {
    const share = Math.max(1, Math.round(days * MILESTONE_SHARES[milestone]));
    const date = milestone === 'opening' ? opening : nthWorkingDayAfter(start, Math.min(share, days), calendar);
    result[milestone] = maxDate(date, previous);
    previous = result[milestone];
  }
  return result;
}

/** The four milestones with these targets, every one owned by `owner`. */
export function targetsToMilestones(targets: MilestoneTargets, owner: string | null): MilestoneRequest[] {
  return MILESTONES.map((milestone) => ({ milestone, targetDate: targets[milestone], owner }));
}

/** Problems with a set of milestone targets: out of order, or before today. */
export function milestoneTargetProblems(milestones: MilestoneRequest[], today: string, pathOf: (m: Milestone) => string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  let previous: MilestoneRequest | undefined;
  for (const name of MILESTONES) {
    const m = milestones.find((entry) => entry.milestone === name);
    if (!m) continue;
    if (m.targetDate < today) problems.push({ path: pathOf(name), message: `target ${m.targetDate} is before today (${today})`, code: 'target_before_today', values: { targetDate: m.targetDate, today } });
    if (previous && m.targetDate < previous.targetDate) {
      problems.push({
        path: pathOf(name), message: `target ${m.targetDate} is before the ${previous.milestone} target ${previous.targetDate}; milestones run site → staffing → fit_out → opening`,
        code: 'target_before_previous', values: { targetDate: m.targetDate, previous: previous.milestone, previousDate: previous.targetDate },
      });
    }
    previous = m;
  }
  return problems;
}

/**
 * Targets for a street's rollouts toward one full-coverage date. Openings are staggered through
 * the second half of the window — a center cannot fit out every station in the same week — so the
 * last community opens on the target and the first halfway there; each community's other
 * milestones are spread over its own window.
 */
export function spreadStreetRollout(communityIds: string[], start: string, target: string, calendar: WorkCalendar): Array<{ communityId: string; targets: MilestoneTargets }> {
  const lastDay = target > start ? maxDate(previousWorkingDay(target, calendar), start) : target;
  const days = workingDaysBetween(start, lastDay, calendar);
  const count = communityIds.length;
  return communityIds.map((communityId, index) => {
    const share = count === 0 ? 1 : 0.5 + (0.5 * (index + 1)) / count;
    const opening = days <= 0 ? lastDay : nthWorkingDayAfter(start, Math.max(1, Math.round(days * share)), calendar);
    return { communityId, targets: spreadMilestoneTargets(start, opening, calendar) };
  });
}

export interface MilestoneState {
  milestone: Milestone;
  targetDate: string;
  status: 'pending' | 'done';
  /** The Asia/Shanghai date it was done on, when done. */
  completedOn: string | null;
}

export interface RolloutHealthReport {
  health: RolloutHealth;
  /** The first milestone not yet done; null once the station has opened. */
  currentMilestone: Milestone | null;
  /** Milestones whose target date is before today: these should be done by now. */
  expectedByToday: number;
  /** Milestones actually done. */
  actual: number;
  /** Working days the earliest slipping milestone is past its target (0 when none slips). */
  workingDaysLate: number;
  /** The opening target pushed back by the slip, never before today; the opening date once open. */
  projectedOpening: string;
}

/**
 * A rollout's health today: late when a pending milestone's target has passed; implausible when a
 * pending target lies beyond PLAUSIBLE_HORIZON_YEARS (a placeholder date, not a plan); at risk when
 * the current milestone is due within AT_RISK_WORKING_DAYS working days; on track otherwise.
 */
export function rolloutHealth(milestones: MilestoneState[], today: string, calendar: WorkCalendar, atRiskWorkingDays = AT_RISK_WORKING_DAYS): RolloutHealthReport {
  const ordered = MILESTONES.map((name) => milestones.find((m) => m.milestone === name)).filter((m): m is MilestoneState => m !== undefined);
  const expectedByToday = ordered.filter((m) => m.targetDate < today).length;
  const actual = ordered.filter((m) => m.status === 'done').length;
  const current = ordered.find((m) => m.status === 'pending');
  const opening = ordered.find((m) => m.milestone === 'opening');
  if (!current) {
    return { health: 'on_track', currentMilestone: null, expectedByToday, actual, workingDaysLate: 0, projectedOpening: opening?.completedOn ?? opening?.targetDate ?? today };
  }
  const slipping = ordered.filter((m) => m.status === 'pending' && m.targetDate < today);
  const earliest = slipping.reduce<string | undefined>((min, m) => (min === undefined || m.targetDate < min ? m.targetDate : min), undefined);
  const workingDaysLate = earliest ? workingDaysBetween(earliest, today, calendar) : 0;
  const openingTarget = opening?.targetDate ?? current.targetDate;
  const projectedOpening = maxDate(nthWorkingDayAfter(openingTarget, workingDaysLate, calendar), today);
  let health: RolloutHealth = 'on_track';
  const horizon = `${Number(today.slice(0, 4)) + PLAUSIBLE_HORIZON_YEARS}${today.slice(4)}`;
  if (slipping.length > 0) health = 'late';
  else if (ordered.some((m) => m.status === 'pending' && m.targetDate > horizon)) health = 'implausible';
  else if (workingDaysBetween(today, current.targetDate, calendar) < atRiskWorkingDays) health = 'at_risk';
  return { health, currentMilestone: current.milestone, expectedByToday, actual, workingDaysLate, projectedOpening };
}

export interface CoveragePoint {
  date: string;
  operating: number;
}

/**
 * Operating stations by date: a point per opening date (cumulative). Stations opened before the
 * records began (no opening date) count from the first point, dated `baselineDate`.
 */
export function coverageByDate(openedOn: Array<string | null>, baselineDate: string): CoveragePoint[] {
  const dated = openedOn.filter((date): date is string => date !== null).sort();
  let operating = openedOn.length - dated.length;
  const points: CoveragePoint[] = [{ date: minDate(baselineDate, dated[0] ?? baselineDate), operating }];
  for (const date of dated) {
    operating += 1;
    const last = points[points.length - 1]!;
    if (last.date === date) last.operating = operating;
    else points.push({ date, operating });
  }
  return points;
}

/** Operating stations by date if every pending rollout opens on its projected date. */
export function projectedCoverageByDate(operatingNow: number, projectedOpenings: string[]): CoveragePoint[] {
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

/** What the digest and the coverage view say when the official calendar does not cover a year. */
export function calendarNote(year: number): string {
  return `The official working-day calendar does not cover ${year}: working days fall back to Monday–Friday until it is updated.`;
}

/**
 * The date the last community is projected to open: null while some community has neither a
 * station nor a rollout (nothing to project from); once every station is open, the last opening
 * date (today when the records do not say).
 */
export function projectedFullCoverage(pendingOpenings: string[], communitiesWithoutPlan: number, lastOpenedOn: string | null, today: string): string | null {
  if (communitiesWithoutPlan > 0) return null;
  if (pendingOpenings.length === 0) return lastOpenedOn ?? today;
  return pendingOpenings.reduce((max, date) => maxDate(max, date), today);
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
