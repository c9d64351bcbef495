import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyRequest } from '../../src/domain/notifications.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { getLatestPlan } from '../../src/store/repositories/station-plan.js';
import { planUpdates } from '../../workflows/station-plan.messages.js';
import { ladderQueries } from '../../workflows/worker-ladder.messages.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { testPayloadCodec } from '../helpers/temporal.js';
import { compressed, startPlan } from '../station-plan/support.js';
import { reminderPolicy, reminderRows, startTrainingHarness, terminateAll, timeline, WANMINGYUAN } from '../training-cycle/support.js';
import { startTestCluster, type TestCluster } from './support.js';

const WORKERS = ['w-fuwaixi-lead', 'w-fuwaixi-sw1', 'w-fuwaixi-sw2'];

async function scheduledReminderKeys(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.activityTaskScheduledEventAttributes)
    .filter((attributes) => attributes?.activityType?.name === 'notify')
    .map((attributes) => defaultPayloadConverter.fromPayload<NotifyRequest>(testPayloadCodec().decrypt(attributes!.input!.payloads![0]!)))
    .filter((request) => request.kind === 'session_reminder')
    .map((request) => request.key);
}

// The Temporal server on PostgreSQL is stopped and started again while a station plan runs and
// a training cycle's reminders are pending: the plan takes updates afterwards and every reminder
// goes out once.
describe('the Temporal server restarted under a running plan and pending reminders', () => {
  let cluster: TestCluster;
  let harness: Harness;
  const started: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster('server_restart');
    harness = await startTrainingHarness('cluster-restart', { temporalAddress: cluster.address });
  }, 600_000);
  afterAll(async () => {
    if (harness) await terminateAll(harness.client, started).catch(() => undefined);
    await harness?.close();
    await cluster?.dispose();
  }, 120_000);

  it('continues the plan and sends each reminder once', async () => {
    const { client, api, tokens, store } = { client: harness.client, api: harness.api!, tokens: harness.tokens, store: harness.store };
    const plan = await startPlan(harness, WANMINGYUAN, compressed(3_600_000, harness.taskQueue));
    started.push(plan.workflowId);

    const t = timeline(0);
    const cycleId = `cyc-cluster-restart-${Date.now().toString(36)}`;
    const launch = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: cycleId, name: 'server restart', cohort: { stationIds: ['cn-bj-xicheng-zhanlanlu-fuwaixi'] },
        sessions: [{ dimension: 'party_policy', level: 1, startsAt: t.iso(600), endsAt: t.iso(700), place: 'p', trainer: 't', capacity: 5 }],
        assessment: { passMark: 60, retakeWindowSeconds: 60 },
        // Due 90 s after the launch: pending when the server goes down (checked), sent after it is back.
        reminderPolicy: reminderPolicy(510),
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);
    started.push(launch.body.workflowId);
    const ladders = WORKERS.map((workerId) => client.workflow.getHandle(workflowIds.workerLadder(cycleId, workerId)));
    await eventually('three ladders running', async () => {
      const states = await Promise.all(ladders.map((ladder) => ladder.query(ladderQueries.state).catch(() => undefined)));
      return states.every((state) => state?.status === 'running');
    }, { timeoutMs: 120_000, everyMs: 500 });
    expect(await reminderRows(store, cycleId)).toHaveLength(0);

    await cluster.stop();
    await cluster.start();

    // The plan continues: it takes an update and mirrors it.
    const done = await eventually('the plan to take an update after the restart', () => plan.handle.executeUpdate(planUpdates.completeTask, {
      args: [{ by: 'test lead', workerId: 'w-wanmingyuan-lead', taskId: 'g-posts', evidence: { note: 'after restart', links: [] } }],
    }), { timeoutMs: 120_000, everyMs: 1_000 });
    expect(done).toMatchObject({ id: 'g-posts', status: 'done' });
    await eventually('the completed task mirrored', async () => {
      const record = await getLatestPlan(store.db, WANMINGYUAN);
      return record?.status === 'running' && record.tasks.some((task) => task.id === 'g-posts' && task.status === 'done');
    }, { timeoutMs: 60_000 });

    // Each ladder's reminder arrives once.
    await eventually('the reminders', async () => (await reminderRows(store, cycleId)).length >= WORKERS.length, { timeoutMs: 180_000, everyMs: 500 });
    const rows = await reminderRows(store, cycleId);
    expect(rows.map((row) => row.recipient_id).sort()).toEqual([...WORKERS].sort());
    for (const ladder of ladders) {
      const keys = await scheduledReminderKeys(client, ladder.workflowId);
      expect(keys).toHaveLength(1);
    }
  }, 600_000);
});
