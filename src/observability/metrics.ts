// Shegong's own metrics, in one prom-client registry per process, served by the API at /metrics
// (src/api/app.ts) in Prometheus text format. Counters and histograms are updated as things
// happen; the store-derived gauges (outbox, reminder lateness, pool) are refreshed at each scrape
// by src/services/metrics.ts, so every API process reports the same store-wide figures.
// docs/operations.md lists them and the alerts worth setting.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'shegong_' });

export const httpRequestDuration = new Histogram({
  name: 'shegong_http_request_duration_seconds',
  help: 'API request latency by method, route (the route table path, not the concrete URL) and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const workflowStarts = new Counter({
  name: 'shegong_workflow_starts_total',
  help: 'Workflows started by this process through the Temporal client, by workflow type',
  labelNames: ['workflow_type'] as const,
  registers: [registry],
});

export const outboxRows = new Gauge({
  name: 'shegong_outbox_rows',
  help: 'Notification outbox rows by status (pending and sending are not yet delivered; failed gave up)',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const outboxOldestPendingAge = new Gauge({
  name: 'shegong_outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest undelivered outbox row whose due time has passed (0 when none)',
  registers: [registry],
});

export const reminderLateness = new Gauge({
  name: 'shegong_reminder_lateness_seconds',
  help: 'Delivery time minus due time of reminders delivered in the last hour (quantile 0.5, 0.99 and 1 = the latest)',
  labelNames: ['quantile'] as const,
  registers: [registry],
});

export const remindersDelivered = new Gauge({
  name: 'shegong_reminders_delivered_last_hour',
  help: 'Reminders (outbox rows with a due time) delivered in the last hour',
  registers: [registry],
});

export const storePool = new Gauge({
  name: 'shegong_store_pool_connections',
  help: 'The records store connection pool: total, idle, waiting (requests queued for a connection) and max',
  labelNames: ['state'] as const,
  registers: [registry],
});

export const storeUp = new Gauge({
  name: 'shegong_store_up',
  help: '1 when the records store answered the last scrape\'s queries, else 0',
  registers: [registry],
});
