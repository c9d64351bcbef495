import { officialCalendar } from '../calendar/official.js';
import { coversYear } from '../domain/calendar.js';
import { shanghaiDate } from '../domain/time.js';
import type { AppDeps } from './route.js';

/**
 * The working-day calendar's data: where it comes from, the years it covers, and whether this
 * year and next are among them. A year it does not cover falls back to Monday–Friday; the next
 * year's official calendar appears late in the year before, so `nextYear.covered: false` in
 * December is the cue to update the chinese-days package.
 */
export function calendarHealth(now: Date) {
  const calendar = officialCalendar();
  const currentYear = Number(shanghaiDate(now).slice(0, 4));
  const year = (value: number) => ({ year: value, covered: coversYear(calendar, value), ...(coversYear(calendar, value) ? {} : { fallback: 'Monday–Friday' }) });
  return {
    source: calendar.source,
    years: calendar.years.length > 0 ? { from: Math.min(...calendar.years), to: Math.max(...calendar.years) } : null,
    currentYear: year(currentYear),
    nextYear: year(currentYear + 1),
  };
}

/** Further facts /healthz reports beside reachability (no addresses or secrets). */
export async function healthExtras(deps: AppDeps): Promise<Record<string, unknown>> {
  return {
    calendar: calendarHealth(deps.clock()),
    notifications: {
      email: deps.config.SMTP_URL ? 'configured' : 'not configured (SMTP_URL)',
      wecomDefaultWebhook: deps.config.WECOM_WEBHOOK_URL ? 'configured' : 'not configured (WECOM_WEBHOOK_URL)',
    },
  };
}
