import { officialCalendar } from '../calendar/official.js';
import { coversYear } from '../domain/calendar.js';
import { shanghaiDate } from '../domain/time.js';
import { pingStore } from '../store/repositories/health.js';
import type { ServiceDeps } from './deps.js';

const PROBE_TIMEOUT_MS = 3000;

export interface ComponentHealth {
  status: 'up' | 'down';
  detail?: string;
}

/** Reachability of Temporal and the records store, and further facts (no addresses or secrets). */
export async function checkHealth(deps: ServiceDeps) {
  const [temporal, store] = await Promise.all([
    probe(async () => {
      await deps.temporal.workflowService.getSystemInfo({});
      return deps.temporal.options.namespace;
    }),
    probe(async () => {
      await pingStore(deps.store.db);
      return deps.store.location;
    }),
  ]);
  const ok = temporal.status === 'up' && store.status === 'up';
  return {
    status: ok ? 'ok' as const : 'degraded' as const,
    temporal,
    store,
    calendar: calendarHealth(deps.clock()),
    notifications: {
      email: deps.config.SMTP_URL ? 'configured' : 'not configured (SMTP_URL)',
      wecomDefaultWebhook: deps.config.WECOM_WEBHOOK_URL ? 'configured' : 'not configured (WECOM_WEBHOOK_URL)',
    },
  };
}

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

async function probe(check: () => Promise<string>): Promise<ComponentHealth> {
  try {
    const detail = await withTimeout(check(), PROBE_TIMEOUT_MS);
    return { status: 'up', detail };
  } catch (error) {
    return { status: 'down', detail: (error as Error).message };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
