import { officialCalendar } from '../calendar/official.js';
import { coversYear } from '../domain/calendar.js';
import { shanghaiDate } from '../domain/time.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Principal } from '../domain/principal.js';
import { pingStore } from '../store/repositories/health.js';
import { latestWorkerBeat } from '../store/repositories/worker-heartbeat.js';
import type { ServiceDeps } from './deps.js';

// The delay of this process's event loop since the previous report: a handler that hogs the CPU
// shows here, while the worker (another process) keeps going.
const eventLoop = monitorEventLoopDelay({ resolution: 20 });
eventLoop.enable();

const PROBE_TIMEOUT_MS = 3000;

export interface ComponentHealth {
  status: 'up' | 'down';
  detail?: string;
}

/** A worker counts as down after this many missed heartbeats. */
export const MISSED_BEATS = 3;

/**
 * Up or degraded, for anyone; the details (reachability, event-loop delay, the worker's liveness,
 * the calendar, the channels) only for an authenticated admin, since they name the store and
 * the deployment's shape.
 */
export async function checkHealth(deps: ServiceDeps, principal: Principal | undefined) {
  const details = await healthDetails(deps);
  if (principal?.role !== 'admin') return { status: details.status };
  return details;
}

/** Reachability of Temporal and the records store, the worker's liveness and further facts (no secrets). */
export async function healthDetails(deps: ServiceDeps) {
  const [temporal, store, worker] = await Promise.all([
    probe(async () => {
      await deps.temporal.workflowService.getSystemInfo({});
      return deps.temporal.options.namespace;
    }),
    probe(async () => {
      await pingStore(deps.store.db);
      return deps.store.location;
    }),
    workerLiveness(deps),
  ]);
  const ok = temporal.status === 'up' && store.status === 'up' && worker.status !== 'down';
  const delay = { meanMs: round(eventLoop.mean / 1e6), p99Ms: round(eventLoop.percentile(99) / 1e6), maxMs: round(eventLoop.max / 1e6) };
  eventLoop.reset();
  return {
    status: ok ? 'ok' as const : 'degraded' as const,
    temporal,
    store,
    worker,
    eventLoopDelay: delay,
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

/**
 * Whether a worker is working the task queue: its last heartbeat is recent. `unknown` when no
 * worker ever beat on this store (a worker embedded elsewhere, a test's).
 */
async function workerLiveness(deps: ServiceDeps): Promise<{ status: 'up' | 'down' | 'unknown'; lastBeatAt?: string; detail?: string }> {
  try {
    const beat = await withTimeout(latestWorkerBeat(deps.store.db, deps.config.TEMPORAL_TASK_QUEUE), PROBE_TIMEOUT_MS);
    if (!beat) return { status: 'unknown', detail: 'no worker has reported on this task queue' };
    const ageMs = deps.clock().getTime() - beat.beatAt.getTime();
    const up = ageMs <= MISSED_BEATS * deps.config.WORKER_HEARTBEAT_MS;
    return { status: up ? 'up' : 'down', lastBeatAt: beat.beatAt.toISOString(), ...(up ? {} : { detail: `no heartbeat for ${Math.round(ageMs / 1000)} s` }) };
  } catch (error) {
    return { status: 'unknown', detail: (error as Error).message };
  }
}

const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 10) / 10 : 0);

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
