import { Registry } from 'prom-client';
import {
  outboxOldestPendingAge, outboxRows, registry, reminderLateness, remindersDelivered, storePool, storeUp,
} from '../observability/metrics.js';
import { outboxStats, reminderLatenessSince } from '../store/repositories/metrics.js';
import type { ServiceDeps } from './deps.js';

export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;
const OUTBOX_STATUSES = ['pending', 'sending', 'delivered', 'failed', 'skipped'] as const;

/**
 * Refreshes the store-derived gauges and renders every metric in Prometheus text format. A store
 * that does not answer leaves its gauges as they were and sets shegong_store_up to 0: the scrape
 * itself still succeeds, so the alert on it can fire.
 */
export async function collectMetrics(deps: Pick<ServiceDeps, 'store' | 'clock'>): Promise<string> {
  const now = deps.clock();
  const pool = deps.store.poolStats?.();
  if (pool) {
    for (const [state, value] of Object.entries(pool)) storePool.set({ state }, value);
  }
  try {
    const outbox = await outboxStats(deps.store.db, now);
    for (const status of OUTBOX_STATUSES) outboxRows.set({ status }, outbox.byStatus[status] ?? 0);
    outboxOldestPendingAge.set(outbox.oldestPendingAgeSeconds);
    const lateness = await reminderLatenessSince(deps.store.db, new Date(now.getTime() - 3600_000));
    remindersDelivered.set(lateness.count);
    reminderLateness.set({ quantile: '0.5' }, lateness.p50);
    reminderLateness.set({ quantile: '0.99' }, lateness.p99);
    reminderLateness.set({ quantile: '1' }, lateness.max);
    storeUp.set(1);
  } catch {
    storeUp.set(0);
  }
  return registry.metrics();
}
