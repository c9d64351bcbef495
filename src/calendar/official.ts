import { createRequire } from 'node:module';
import type { WorkCalendar } from '../domain/calendar.js';

const require = createRequire(import.meta.url);

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let cached: WorkCalendar | undefined;

/**
 * The official Chinese calendar (holidays and adjusted workdays) from the `chinese-days` package,
 * as plain data for workflow inputs. The State Council publishes each year's calendar late in the
 * year before: update the package when it does; until then that year falls back to Monday–Friday.
 */
export function officialCalendar(fromYear?: number): WorkCalendar {
  cached ??= load();
  if (fromYear === undefined) return cached;
  const keep = (date: string) => Number(date.slice(0, 4)) >= fromYear;
  return {
    ...cached,
    years: cached.years.filter((year) => year >= fromYear),
    holidays: cached.holidays.filter(keep),
    workdays: cached.workdays.filter(keep),
  };
}

function load(): WorkCalendar {
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  const version = (require('chinese-days/package.json') as { version: string }).version;
  const holidays = Object.keys(data.holidays).sort();
  const workdays = Object.keys(data.workdays).sort();
  const years = [...new Set(holidays.map((date) => Number(date.slice(0, 4))))].sort((a, b) => a - b);
  return { source: `chinese-days ${version}`, years, holidays, workdays };
}
