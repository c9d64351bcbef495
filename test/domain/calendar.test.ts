import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../src/calendar/official.js';
import {
  addWorkingDays, isWorkingDay, nextWorkingDay, nthWorkingDayAfter, nthWorkingDayBefore, previousWorkingDay,
  WEEKDAY_CALENDAR, workingDaysBetween, type WorkCalendar,
} from '../../src/domain/calendar.js';
import { rolloutHealth, spreadMilestoneTargets, spreadStreetRollout } from '../../src/domain/coverage.js';
import { shiftWorkingDays } from '../../src/domain/station-plan.js';
import { addDays, daysBetween, FIRST_DATE, LAST_DATE } from '../../src/domain/time.js';

// The working-day calendar is bounded by construction: day counts by arithmetic, searches by
// bisection, and a loop that finds no working day fails loudly. Each function agrees with the
// day-by-day walk it replaced, and stays fast over the whole range the API accepts (2000–2100).

const OFFICIAL = officialCalendar();
const CALENDARS: WorkCalendar[] = [OFFICIAL, WEEKDAY_CALENDAR];
const TOTAL_DAYS = daysBetween(FIRST_DATE, LAST_DATE);

const anyDate = fc.integer({ min: 0, max: TOTAL_DAYS }).map((offset) => addDays(FIRST_DATE, offset));
const anyCalendar = fc.constantFrom(...CALENDARS);

// The day-by-day walks, as they were before.
function walkBetween(from: string, to: string, calendar: WorkCalendar): number {
  if (to < from) return -walkBetween(to, from, calendar);
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(day, calendar)) count += 1;
  return count;
}
function walkShift(date: string, delta: number, calendar: WorkCalendar): string {
  let day = date;
  const step = delta < 0 ? -1 : 1;
  for (let left = Math.abs(delta); left > 0; left -= 1) {
    day = addDays(day, step);
    while (!isWorkingDay(day, calendar)) day = addDays(day, step);
  }
  return day;
}

describe('working-day calendar', () => {
  it('counts working days between two dates as the day-by-day walk does', () => {
    fc.assert(fc.property(anyDate, fc.integer({ min: -800, max: 800 }), anyCalendar, (from, span, calendar) => {
      const to = addDays(from, span);
      expect(workingDaysBetween(from, to, calendar)).toBe(walkBetween(from, to, calendar));
    }), { numRuns: 300 });
  });

  it('finds the n-th working day after and before a date as the walk does', () => {
    fc.assert(fc.property(anyDate, fc.integer({ min: -300, max: 300 }), anyCalendar, (date, delta, calendar) => {
      const expected = walkShift(date, delta, calendar);
      expect(shiftWorkingDays(date, delta, calendar)).toBe(expected);
      if (delta >= 0) expect(nthWorkingDayAfter(date, delta, calendar)).toBe(expected);
      else expect(nthWorkingDayBefore(date, -delta, calendar)).toBe(expected);
    }), { numRuns: 300 });
  });

  it('adds working days from the next working day, and finds the nearest working day either side', () => {
    fc.assert(fc.property(anyDate, fc.integer({ min: 0, max: 300 }), anyCalendar, (date, count, calendar) => {
      const next = nextWorkingDay(date, calendar);
      const previous = previousWorkingDay(date, calendar);
      expect(isWorkingDay(next, calendar) && next >= date).toBe(true);
      expect(isWorkingDay(previous, calendar) && previous <= date).toBe(true);
      expect(walkBetween(date, next, calendar)).toBe(next === date ? 0 : 1);
      expect(addWorkingDays(date, count, calendar)).toBe(walkShift(next, count, calendar));
    }), { numRuns: 300 });
  });

  it('answers at once for any pair of dates in 2000–2100, however far apart', () => {
    fc.assert(fc.property(anyDate, anyDate, anyCalendar, (a, b, calendar) => {
      const [start, target] = a <= b ? [a, b] : [b, a];
      const days = workingDaysBetween(start, target, calendar);
      expect(days).toBeGreaterThanOrEqual(0);
      expect(days).toBeLessThanOrEqual(daysBetween(start, target));
      const targets = spreadMilestoneTargets(start, target, calendar);
      expect(targets.site >= start && targets.site <= targets.staffing && targets.staffing <= targets.fit_out && targets.fit_out <= targets.opening).toBe(true);
      expect(targets.opening <= target).toBe(true);
      const street = spreadStreetRollout(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'], start, target, calendar);
      expect(street.every((entry) => entry.targets.opening <= target)).toBe(true);
      const health = rolloutHealth(
        (['site', 'staffing', 'fit_out', 'opening'] as const).map((milestone) => ({ milestone, targetDate: targets[milestone], status: 'pending' as const, completedOn: null })),
        target, calendar,
      );
      expect(health.projectedOpening >= target).toBe(true);
    }), { numRuns: 200 });
  });

  it('covers the edges of the accepted range, and the date the rollout once looped on', () => {
    for (const calendar of CALENDARS) {
      expect(workingDaysBetween(FIRST_DATE, LAST_DATE, calendar)).toBe(walkBetween(FIRST_DATE, LAST_DATE, calendar));
      expect(spreadMilestoneTargets(FIRST_DATE, LAST_DATE, calendar).opening).toBe(previousWorkingDay(LAST_DATE, calendar));
      // 9999-12-31 is refused by the API; the domain still answers instead of looping.
      expect(workingDaysBetween('2026-12-01', '9999-12-31', calendar)).toBeGreaterThan(2_000_000);
    }
  });

  it('fails loudly instead of looping or wrapping past the year 9999', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
    expect(() => nthWorkingDayAfter('9999-12-30', 5, WEEKDAY_CALENDAR)).toThrow(RangeError);
    const noWorkingDays: WorkCalendar = { source: 'every day off', years: [2030], holidays: Array.from({ length: 365 }, (_, day) => addDays('2030-01-01', day)), workdays: [] };
    expect(() => nextWorkingDay('2030-01-01', { ...noWorkingDays, years: [2030, 2031], holidays: [...noWorkingDays.holidays, ...Array.from({ length: 365 }, (_, day) => addDays('2031-01-01', day))] })).toThrow(/no working day within 366 days/);
    expect(() => nthWorkingDayAfter('2026-01-01', -1, WEEKDAY_CALENDAR)).toThrow(RangeError);
  });
});
