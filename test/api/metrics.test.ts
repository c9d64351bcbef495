import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { insertOutboxRows, markOutboxDelivered } from '../../src/store/repositories/notification.js';
import { connectTemporal } from '../../src/temporal/client.js';
import { startTestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { closeWhenQuiet, testConfig, testNamespace, testPayloadCodec } from '../helpers/temporal.js';

const RECIPIENT = 'w-wanmingyuan-lead';
const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample line, e.g. `shegong_store_up 1`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const outboxRow = (key: string, dueAt: Date) => ({
  id: key, idempotency_key: key, recipient_id: RECIPIENT, channel: 'email' as const, kind: 'reminder', locale: 'en',
  subject: key, body_text: key, body_html: null, payload: JSON.stringify({}), workflow_id: null, status: 'pending' as const, due_at: dueAt,
});

describe('/metrics', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ name: 'metrics', seed: true, worker: false, tokens: false });
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('reports request latency by route, the outbox, reminder lateness and the store in Prometheus text format', async () => {
    const now = Date.now();
    const [, delivered] = await insertOutboxRows(harness.store.db, [
      outboxRow('metrics:late-pending', new Date(now - 600_000)),
      outboxRow('metrics:delivered', new Date(now - 90_000)),
    ]);
    await markOutboxDelivered(harness.store.db, delivered!.id, new Date(now - 60_000), null);
    // The counters are the process's: other files' APIs in this test process count too, so the
    // requests below are measured against a scrape taken before them.
    const before = await (await fetch(`${harness.api!.url}/metrics`)).text();
    await harness.api!.call('GET', '/healthz');
    await harness.api!.call('GET', '/api/stations/overdue');

    const response = await fetch(`${harness.api!.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE shegong_http_request_duration_seconds histogram');
    const counted = (series: string) => (sample(text, series) ?? 0) - (sample(before, series) ?? 0);
    expect(counted('shegong_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}')).toBe(1);
    // Labelled by the route table's path, and a refused request is counted too.
    expect(counted('shegong_http_request_duration_seconds_count{method="GET",route="/api/stations/overdue",status="401"}')).toBe(1);
    expect(sample(text, 'shegong_outbox_rows{status="pending"}')).toBe(1);
    expect(sample(text, 'shegong_outbox_rows{status="delivered"}')).toBe(1);
    expect(sample(text, 'shegong_outbox_rows{status="failed"}')).toBe(0);
    expect(sample(text, 'shegong_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(600);
    expect(sample(text, 'shegong_reminders_delivered_last_hour')).toBe(1);
    expect(sample(text, 'shegong_reminder_lateness_seconds{quantile="1"}')).toBeCloseTo(30, 3);
    expect(sample(text, 'shegong_store_up')).toBe(1);
    expect(text).toContain('shegong_process_resident_memory_bytes');
  });

  it('counts workflow starts by type', async () => {
    const client = await connectTemporal(inject('temporalAddress'), testNamespace(), testPayloadCodec());
    try {
      const handle = await client.workflow.start('metricsProbe', { taskQueue: `metrics-probe-${Date.now()}`, workflowId: `metrics-probe-${Date.now()}` });
      await handle.terminate('only counted');
    } finally {
      closeWhenQuiet(client.connection);
    }
    const text = await (await fetch(`${harness.api!.url}/metrics`)).text();
    expect(sample(text, 'shegong_workflow_starts_total{workflow_type="metricsProbe"}')).toBe(1);
  });

  it('answers loopback callers only when no METRICS_TOKEN is set', async () => {
    const relayed = await harness.api!.call('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(relayed.status).toBe(403);
    expect(relayed.body).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('METRICS_TOKEN') } });
    const guessed = await harness.api!.call('GET', '/metrics', { token: TOKEN });
    expect(guessed.status).toBe(401);
  });

  it('answers anyone with the token when METRICS_TOKEN is set, and nobody else from outside', async () => {
    const api = await startTestApi({ store: harness.store, temporal: harness.client, config: testConfig({ METRICS_TOKEN: TOKEN }) });
    try {
      const outside = { 'x-forwarded-for': '203.0.113.7' };
      expect((await api.call('GET', '/metrics', { headers: outside })).status).toBe(401);
      const wrong = await api.call('GET', '/metrics', { headers: outside, token: `${TOKEN}x` });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('unauthorized');
      const right = await api.call('GET', '/metrics', { headers: outside, token: TOKEN });
      expect(right.status).toBe(200);
      expect(right.body).toContain('shegong_store_up 1');
    } finally {
      await api.close();
    }
  });
});
