import { addDays, daysBetween, isoWeekday } from './time.js';

/**
 * The official working-day calendar as plain data, passed into workflows as input (workflows never
 * load a calendar package: it would be copied into every cached workflow). `years` lists the
 * years the official data covers; any other year falls back to Monday–Friday.
 */
export interface WorkCalendar {
  /** Where the data came from, e.g. "chinese-days 1.5.7". */
  source: string;
  years: number[];
  /** Public holidays (days off), YYYY-MM-DD. */
  holidays: string[];
  /** Adjusted workdays (调休): weekend days that are working days, YYYY-MM-DD. */
  workdays: string[];
}

/** A calendar with no official data: Monday–Friday only. */
export const WEEKDAY_CALENDAR: WorkCalendar = { source: 'Monday–Friday', years: [], holidays: [], workdays: [] };

export function coversYear(calendar: WorkCalendar, year: number): boolean {
  return calendar.years.includes(year);
}

/** Whether a date is a working day: official data for covered years, Monday–Friday otherwise. */
export function isWorkingDay(date: string, calendar: WorkCalendar): boolean {
  if (coversYear(calendar, Number(date.slice(0, 4)))) {
    if (calendar.holidays.includes(date)) return false;
    if (calendar.workdays.includes(date)) return true;
  }
  return isoWeekday(date) <= 5;
}

/**
 * The most consecutive days a calendar may have off (the longest official break is nine days);
 * a search that finds no working day within it fails loudly instead of returning a wrong date.
 */
export const MAX_DAYS_OFF = 366;

/** The first working day on or after a date. */
export function nextWorkingDay(date: string, calendar: WorkCalendar): string {
  let day = date;
  for (let guard = 0; !isWorkingDay(day, calendar); guard += 1) {
    if (guard >= MAX_DAYS_OFF) throw new RangeError(`no working day within ${MAX_DAYS_OFF} days after ${date} in the calendar "${calendar.source}"`);
    day = addDays(day, 1);
  }
  return day;
}

/** The last working day on or before a date. */
export function previousWorkingDay(date: string, calendar: WorkCalendar): string {
  let day = date;
  for (let guard = 0; !isWorkingDay(day, calendar); guard += 1) {
    if (guard >= MAX_DAYS_OFF) throw new RangeError(`no working day within ${MAX_DAYS_OFF} days before ${date} in the calendar "${calendar.source}"`);
    day = addDays(day, -1);
  }
  return day;
}

/**
 * Working days after `from` up to and including `to`; negative when `to` is before `from`.
 * Computed by arithmetic — whole weeks, the few days left over, then the calendar's holidays and
 * adjusted workdays inside the range — so its cost does not grow with the range.
 */
export function workingDaysBetween(from: string, to: string, calendar: WorkCalendar): number {
  if (to < from) return -workingDaysBetween(to, from, calendar);
  const days = daysBetween(from, to);
  if (!Number.isFinite(days)) throw new RangeError(`not a date range: ${from} to ${to}`);
  const firstWeekday = isoWeekday(from);
  let count = Math.floor(days / 7) * 5;
  for (let offset = 1; offset <= days % 7; offset += 1) {
    if (((firstWeekday - 1 + offset) % 7) + 1 <= 5) count += 1;
  }
  const index = calendarIndex(calendar);
  return count - countInRange(index.weekdaysOff, from, to) + countInRange(index.weekendWorkdays, from, to);
}

interface CalendarIndex {
  /** Holidays of covered years that fall Monday–Friday, sorted, once each. */
  weekdaysOff: string[];
  /** Adjusted workdays of covered years that fall on a weekend and are no holiday, sorted, once each. */
  weekendWorkdays: string[];
}

// Calendars are immutable data: each is indexed once (per workflow, in a workflow's sandbox).
const indexes = new WeakMap<WorkCalendar, CalendarIndex>();

function calendarIndex(calendar: WorkCalendar): CalendarIndex {
  let index = indexes.get(calendar);
  if (!index) {
    const covered = (day: string) => coversYear(calendar, Number(day.slice(0, 4)));
    const holidays = new Set(calendar.holidays.filter(covered));
    index = {
      weekdaysOff: [...holidays].filter((day) => isoWeekday(day) <= 5).sort(),
      weekendWorkdays: [...new Set(calendar.workdays.filter(covered))].filter((day) => !holidays.has(day) && isoWeekday(day) > 5).sort(),
    };
    indexes.set(calendar, index);
  }
  return index;
}

/** How many of the sorted days fall after `from` up to and including `to`. */
function countInRange(sorted: string[], from: string, to: string): number {
  return firstAfter(sorted, to) - firstAfter(sorted, from);
}

/** The index of the first day in the sorted list later than `day`. */
function firstAfter(sorted: string[], day: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! <= day) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The `count`-th working day after a date (the date itself not counted); count 0 is the date.
 * A binary search over `workingDaysBetween`, so a few dozen steps whatever the count.
 */
export function nthWorkingDayAfter(date: string, count: number, calendar: WorkCalendar): string {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`working-day count must be a whole number ≥ 0, got ${count}`);
  if (count === 0) return date;
  // Each holiday takes away at most one working day, and a week has at least five otherwise.
  let high = Math.ceil((count + calendar.holidays.length) * 7 / 5) + 7;
  if (workingDaysBetween(date, addDays(date, high), calendar) < count) {
    throw new RangeError(`fewer than ${count} working days in the ${high} days after ${date} in the calendar "${calendar.source}"`);
  }
  let low = 0;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (workingDaysBetween(date, addDays(date, middle), calendar) >= count) high = middle;
    else low = middle;
  }
  return addDays(date, high);
}

/** The `count`-th working day before a date (the date itself not counted); count 0 is the date. */
export function nthWorkingDayBefore(date: string, count: number, calendar: WorkCalendar): string {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`working-day count must be a whole number ≥ 0, got ${count}`);
  if (count === 0) return date;
  // f(m): working days from `m` days before yesterday up to yesterday. The answer is the day
  // where f first reaches `count` (f(-1) is 0).
  const before = addDays(date, -1);
  const f = (m: number) => workingDaysBetween(addDays(before, -m), before, calendar) + (isWorkingDay(addDays(before, -m), calendar) ? 1 : 0);
  let high = Math.ceil((count + calendar.holidays.length) * 7 / 5) + 7;
  if (f(high) < count) {
    throw new RangeError(`fewer than ${count} working days in the ${high} days before ${date} in the calendar "${calendar.source}"`);
  }
  let low = -1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (f(middle) >= count) high = middle;
    else low = middle;
  }
  return addDays(before, -high);
}

/**
 * Counts `count` working days forward from a date (the date itself not counted): with count 0,
 * the date if it is a working day, else the next one.
 */
export function addWorkingDays(date: string, count: number, calendar: WorkCalendar): string {
  return nthWorkingDayAfter(nextWorkingDay(date, calendar), count, calendar);
}

/** Years among `needed` that the calendar does not cover (they fall back to Monday–Friday). */
export function uncoveredYears(calendar: WorkCalendar, needed: number[]): number[] {
  return [...new Set(needed)].filter((year) => !coversYear(calendar, year)).sort();
}
