import { addDays, isoWeekday } from './time.js';

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

/** The first working day on or after a date. */
export function nextWorkingDay(date: string, calendar: WorkCalendar): string {
  let day = date;
  for (let guard = 0; guard < 366 && !isWorkingDay(day, calendar); guard += 1) day = addDays(day, 1);
  return day;
}

/**
 * Counts `count` working days forward from a date (the date itself not counted): with count 0,
 * the date if it is a working day, else the next one.
 */
export function addWorkingDays(date: string, count: number, calendar: WorkCalendar): string {
  let day = nextWorkingDay(date, calendar);
  for (let left = count; left > 0; left -= 1) day = nextWorkingDay(addDays(day, 1), calendar);
  return day;
}

/** Years among `needed` that the calendar does not cover (they fall back to Monday–Friday). */
export function uncoveredYears(calendar: WorkCalendar, needed: number[]): number[] {
  return [...new Set(needed)].filter((year) => !coversYear(calendar, year)).sort();
}
