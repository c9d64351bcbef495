import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../src/calendar/official.js';
import { addWorkingDays, coversYear, isWorkingDay, nextWorkingDay, uncoveredYears, WEEKDAY_CALENDAR } from '../../src/domain/calendar.js';
import { addDays, DAY_MS, formatShanghai, isoWeekday, shanghaiDate, shanghaiInstant, shanghaiMinuteOfDay } from '../../src/domain/time.js';

const calendar = officialCalendar();

describe('the official working-day calendar', () => {
  it('comes from chinese-days and names its version', () => {
    expect(calendar.source).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
    expect(coversYear(calendar, 2026)).toBe(true);
  });

  it('knows the 2026 adjusted workdays (调休): weekend days that are working days', () => {
    for (const date of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect(isoWeekday(date), date).toBeGreaterThanOrEqual(6);
      expect(isWorkingDay(date, calendar), date).toBe(true);
    }
  });

  it('knows the 2026 public holidays, weekdays among them', () => {
    for (let day = 1; day <= 7; day += 1) expect(isWorkingDay(`2026-10-0${day}`, calendar)).toBe(false);
    for (const date of ['2026-01-01', '2026-01-02', '2026-02-16', '2026-02-17', '2026-02-23', '2026-04-06', '2026-05-01', '2026-05-05', '2026-06-19', '2026-09-25']) {
      expect(isWorkingDay(date, calendar), date).toBe(false);
    }
  });

  it('keeps ordinary weekdays working and ordinary weekends off in 2026', () => {
    expect(isWorkingDay('2026-03-16', calendar)).toBe(true); // Monday
    expect(isWorkingDay('2026-09-30', calendar)).toBe(true); // Wednesday, the eve of National Day
    expect(isWorkingDay('2026-03-14', calendar)).toBe(false); // Saturday
    expect(isWorkingDay('2026-10-11', calendar)).toBe(false); // Sunday after the adjusted Saturday
  });

  it('finds the next working day across the National Day holiday and onto an adjusted Saturday', () => {
    expect(nextWorkingDay('2026-10-01', calendar)).toBe('2026-10-08');
    expect(nextWorkingDay('2026-10-10', calendar)).toBe('2026-10-10');
    expect(nextWorkingDay('2026-02-15', calendar)).toBe('2026-02-24');
    expect(addWorkingDays('2026-02-13', 1, calendar)).toBe('2026-02-14');
    expect(addWorkingDays('2026-09-30', 1, calendar)).toBe('2026-10-08');
    expect(addWorkingDays('2026-10-08', 2, calendar)).toBe('2026-10-10');
    expect(addWorkingDays('2026-10-03', 0, calendar)).toBe('2026-10-08');
  });

  it('falls back to Monday–Friday for a year it does not cover (2027)', () => {
    expect(coversYear(calendar, 2027)).toBe(false);
    expect(uncoveredYears(calendar, [2026, 2027, 2027])).toEqual([2027]);
    // 2027-10-01 is a Friday: a holiday in fact, but without official data it counts as working.
    expect(isWorkingDay('2027-10-01', calendar)).toBe(true);
    expect(isWorkingDay('2027-10-02', calendar)).toBe(false);
    expect(nextWorkingDay('2027-10-02', calendar)).toBe('2027-10-04');
    for (let day = 0; day < 365; day += 1) {
      const date = addDays('2027-01-01', day);
      expect(isWorkingDay(date, calendar)).toBe(isoWeekday(date) <= 5);
    }
  });

  it('treats every year as Monday–Friday with the weekday calendar', () => {
    expect(isWorkingDay('2026-10-01', WEEKDAY_CALENDAR)).toBe(true);
    expect(isWorkingDay('2026-02-14', WEEKDAY_CALENDAR)).toBe(false);
    expect(uncoveredYears(WEEKDAY_CALENDAR, [2026])).toEqual([2026]);
  });

  it('can be cut to the years from a start year, for a smaller workflow input', () => {
    const recent = officialCalendar(2026);
    expect(recent.years).toEqual([2026]);
    expect(recent.holidays.every((date) => date.startsWith('2026'))).toBe(true);
    expect(recent.workdays).toContain('2026-10-10');
    expect(JSON.stringify(recent).length).toBeLessThan(2000);
  });
});

describe('Asia/Shanghai time arithmetic', () => {
  it('is UTC+8 on every day of the year, with no daylight-saving shift', () => {
    for (let day = 0; day < 366; day += 1) {
      const date = addDays('2026-01-01', day);
      const midnight = shanghaiInstant(date, '00:00');
      expect(new Date(midnight).toISOString()).toBe(`${addDays(date, -1)}T16:00:00.000Z`);
      expect(shanghaiInstant(addDays(date, 1), '00:00') - midnight).toBe(DAY_MS);
    }
  });

  it('keeps 09:00 at 01:00 UTC across the dates when Europe and America change their clocks', () => {
    for (const date of ['2026-03-08', '2026-03-29', '2026-07-01', '2026-10-25', '2026-11-01']) {
      expect(new Date(shanghaiInstant(date, '09:00')).toISOString()).toBe(`${date}T01:00:00.000Z`);
    }
  });

  it('reads dates and minutes of the day in Beijing time', () => {
    const lateEvening = Date.parse('2026-09-30T15:30:00Z'); // 23:30 in Beijing
    expect(shanghaiDate(lateEvening)).toBe('2026-09-30');
    expect(shanghaiDate(lateEvening + 30 * 60_000)).toBe('2026-10-01');
    expect(shanghaiMinuteOfDay(lateEvening)).toBe(23 * 60 + 30);
    expect(formatShanghai(lateEvening)).toBe('2026-09-30 23:30');
  });
});
