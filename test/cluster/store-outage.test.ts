import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { getLatestPlan } from '../../src/store/repositories/station-plan.js';
import { loadDefaultData } from '../../src/store/seed/default-data.js';
import { planUpdates } from '../../workflows/station-plan.messages.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { compressed, startPlan } from '../station-plan/support.js';
import { WANMINGYUAN } from '../training-cycle/support.js';
import { startTestCluster, type TestCluster } from './support.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

const OUTAGE_MS = 30_000;

// The records store's PostgreSQL (a cluster of the test's own) is stopped for 30 s while a station
// plan runs on the cluster topology: the plan's mirror activity retries, /healthz says degraded,
// the API answers 503 in its error shape, and once the database is back the change made during
// the outage is in the store once.
describe('the records store down for 30 s under a running plan', () => {
  let cluster: TestCluster;
  let postgres: ThrowawayPostgres;
  let harness: Harness;
  const started: string[] = [];

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    const store = await openStore({ databaseUrl: postgres.url, poolSize: 4 });
    await migrateToLatest(store.db);
    await loadDefaultData(store.db, '2026-11-28');
    cluster = await startTestCluster('store_outage');
    harness = await startHarness({
      name: 'cluster-store-outage', seed: true, temporalAddress: cluster.address,
      store: { ...store, dispose: () => store.close() },
    });
  }, 600_000);
  afterAll(async () => {
    try {
      postgres?.start(); // a failed test may have left it stopped
    } catch {
      // already running
    }
    for (const id of started) await harness?.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await harness?.close();
    await cluster?.dispose();
    postgres?.dispose();
  }, 120_000);

  it('retries, reports degraded, answers 503, and loses and doubles nothing', async () => {
    const { api, tokens, store } = { api: harness.api!, tokens: harness.tokens, store: harness.store };
    const plan = await startPlan(harness, WANMINGYUAN, compressed(3_600_000, harness.taskQueue));
    started.push(plan.workflowId);
    await eventually('the plan mirrored', async () => ((await getLatestPlan(store.db, WANMINGYUAN))?.tasks.length ?? 0) > 0, { timeoutMs: 120_000 });
    expect((await api.call('GET', '/healthz')).body.status).toBe('ok');

    postgres.stop();
    const downAt = Date.now();

    // A change made while the store is down: the workflow takes it and answers once the records
    // store has it (an update waits for its mirror), so it is awaited after the outage; meanwhile
    // the mirror activity retries.
    const update = plan.handle.executeUpdate(planUpdates.completeTask, {
      args: [{ by: 'test lead', workerId: 'w-wanmingyuan-lead', taskId: 'g-posts', evidence: { note: 'during the outage', links: [] } }],
    });
    update.catch(() => undefined);
    await eventually('the mirror activity retrying', async () => {
      const description = await plan.handle.describe();
      return description.raw.pendingActivities?.some((activity) => activity.activityType?.name === 'mirrorPlan' && (activity.attempt ?? 0) >= 2);
    }, { timeoutMs: OUTAGE_MS - 5_000, everyMs: 500 });

    const health = await api.call('GET', '/healthz');
    expect(health.status).toBe(200);
    // Without a token /healthz says only up or degraded (its details are for admins, whose token
    // the store, being down, cannot check).
    expect(health.body).toMatchObject({ status: 'degraded' });
    const refused = await api.call('GET', '/api/stations/plans', { token: tokens.supervisor });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'unavailable', message: expect.any(String) } });
    expect(refused.headers.get('retry-after')).toBeTruthy();

    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    postgres.start();
    expect(await update).toMatchObject({ id: 'g-posts', status: 'done' });

    await eventually('the change mirrored after the outage', async () => {
      const record = await getLatestPlan(store.db, WANMINGYUAN);
      return record?.tasks.find((task) => task.id === 'g-posts')?.status === 'done';
    }, { timeoutMs: 180_000, everyMs: 1_000 });
    expect((await api.call('GET', '/healthz')).body.status).toBe('ok');
    expect((await api.call('GET', '/api/stations/plans', { token: tokens.supervisor })).status).toBe(200);

    // Nothing doubled: the completion is one event, no outbox key twice.
    const events = await store.db.selectFrom('plan_events').select(['type', 'detail']).where('plan_id', '=', plan.planId).execute();
    const completions = events.filter((event) => event.type === 'task_completed' && JSON.stringify(event.detail).includes('g-posts'));
    expect(completions).toHaveLength(1);
    const keys = await store.db.selectFrom('notifications').select('idempotency_key').where('workflow_id', '=', plan.workflowId).execute();
    expect(new Set(keys.map((row) => row.idempotency_key)).size).toBe(keys.length);
  }, 600_000);
});
