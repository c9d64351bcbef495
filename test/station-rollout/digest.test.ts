import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { officialCalendar } from '../../src/calendar/official.js';
import { coversYear } from '../../src/domain/calendar.js';
import type { NotifyRequest } from '../../src/domain/notifications.js';
import { isoWeekday, shanghaiDate, shanghaiMinuteOfDay } from '../../src/domain/time.js';
import type { Role } from '../../src/domain/types.js';
import { digestScheduleId, ensureDigestSchedule } from '../../src/services/digest.js';
import type { DigestResult } from '../../workflows/digest.messages.js';
import { startTestApi, STREET, tokensForRoles, type TestApi } from '../helpers/app.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { connectClient, startTestWorker, testConfig, uniqueTaskQueue, type RunningWorker } from '../helpers/temporal.js';

const RECIPIENTS = ['w-zhanlanlu-leader-01', 'w-zhanlanlu-supervisor-01'];

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('weekly digest', () => {
  let store: TestStore;
  let client: Client;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let worker: RunningWorker | undefined;
  const taskQueue = uniqueTaskQueue('digest');
  const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue, RATE_LIMIT_PER_MINUTE: '100000' });
  const schedules: string[] = [];

  beforeAll(async () => {
    store = await createTestStore('pglite', { seed: true });
    client = await connectClient();
    api = await startTestApi({ store, temporal: client, config });
    tokens = await tokensForRoles(store);
  });
  afterAll(async () => {
    for (const id of schedules) await client?.schedule.getHandle(id).delete().catch(() => undefined);
    await worker?.stop();
    await api?.close();
    await client?.connection.close();
    await store?.dispose();
  });

  it('creates the schedule idempotently: Monday 09:00 Asia/Shanghai by default', async () => {
    const scheduleId = `digest-default-${taskQueue}`;
    schedules.push(scheduleId);
    expect(await ensureDigestSchedule(client, { streetId: STREET, taskQueue, cron: config.DIGEST_CRON, scheduleId })).toEqual({ scheduleId, created: true });
    expect(await ensureDigestSchedule(client, { streetId: STREET, taskQueue, cron: config.DIGEST_CRON, scheduleId })).toEqual({ scheduleId, created: false });
    const described = await client.schedule.getHandle(scheduleId).describe();
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    const next = described.info.nextActionTimes[0]!.getTime();
    expect(isoWeekday(shanghaiDate(next))).toBe(1);
    expect(shanghaiMinuteOfDay(next)).toBe(9 * 60);
  });

  it('sends one digest per schedule period to leadership and supervisors, even when the worker dies mid-send', async () => {
    // The first worker delivers the first digest notification, then dies before reporting it done:
    // the activity is retried on the next worker, which must find the delivery already made.
    let crashed: () => void = () => undefined;
    const crash = new Promise<void>((resolve) => { crashed = resolve; });
    let crashedOnce = false;
    const dying = (deps: ActivityDeps) => {
      const activities = createActivities(deps);
      return {
        ...activities,
        async notify(request: NotifyRequest) {
          const result = await activities.notify(request);
          if (request.kind === 'digest' && !crashedOnce) {
            crashedOnce = true;
            crashed();
            await Context.current().cancelled;
          }
          return result;
        },
      };
    };
    worker = await startTestWorker({ store, client, taskQueue, config, activities: dying });
    const scheduleId = `digest-interval-${taskQueue}`;
    schedules.push(scheduleId);
    await ensureDigestSchedule(client, { streetId: STREET, taskQueue, intervalSeconds: 4, scheduleId });
    await crash;
    await worker.stop();
    worker = await startTestWorker({ store, client, taskQueue, config });

    const handle = client.schedule.getHandle(scheduleId);
    const results = await until('three digests', async () => {
      const actions = (await handle.describe()).info.recentActions;
      if (actions.length < 3) return undefined;
      return Promise.all(actions.slice(0, 3).map((action) => client.workflow.getHandle(action.action.workflow.workflowId).result() as Promise<DigestResult>));
    });
    await handle.pause('test over');
    const ran = (await handle.describe()).info.recentActions.map((action) => action.action.workflow.workflowId);
    for (const workflowId of ran) await client.workflow.getHandle(workflowId).result();

    const rows = await store.db.selectFrom('notifications').select(['workflow_id', 'recipient_id', 'idempotency_key', 'payload'])
      .where('kind', '=', 'digest').where('workflow_id', 'in', ran).execute();
    expect(rows).toHaveLength(ran.length * RECIPIENTS.length);
    for (const workflowId of ran) {
      expect(rows.filter((row) => row.workflow_id === workflowId).map((row) => row.recipient_id).sort()).toEqual(RECIPIENTS);
    }
    expect(new Set(results.map((result) => result.period)).size).toBe(3);
    // The digest the first worker died in: one recipient had it already, the other got it from the second worker.
    const first = results[0]!;
    expect(first).toMatchObject({ delivered: 1, already: 1, recipients: RECIPIENTS });
    for (const result of results.slice(1)) expect(result).toMatchObject({ delivered: 2, already: 0 });

    const payload = (rows[0]!.payload as { data: Record<string, unknown> }).data;
    expect(payload).toMatchObject({ operating: 11, total: 23, remaining: 12, residentsServed: 1100, coverageChange: '0', overdueTasks: 0, slippingCount: 0 });
    const year = Number(shanghaiDate(new Date(String(payload.period))).slice(0, 4));
    expect(payload.calendarCovered).toBe(coversYear(officialCalendar(), year));
    await saveHistoryIfRequested(client, ran[ran.length - 1]!, 'digest--scheduled-period');
  });

  it('runs the digest by hand through its schedule (supervisors and admins only)', async () => {
    schedules.push(digestScheduleId(STREET));
    // The interval schedule above digests the same street; a period is a second, so step past its last one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await api.call('POST', '/api/digest/run', { token: tokens.viewer })).status).toBe(403);
    const before = await store.db.selectFrom('notifications').select('id').where('kind', '=', 'digest').execute();
    const { status, body } = await api.call('POST', '/api/digest/run', { token: tokens.supervisor });
    expect(status, JSON.stringify(body)).toBe(202);
    expect(body.triggered).toEqual([{ streetId: STREET, scheduleId: digestScheduleId(STREET) }]);
    await until('the triggered digest', async () => {
      const rows = await store.db.selectFrom('notifications').select('id').where('kind', '=', 'digest').execute();
      return rows.length >= before.length + RECIPIENTS.length;
    });
    const audit = await store.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity', '=', 'digest_schedule').execute();
    expect(audit).toEqual([{ action: 'trigger', entity_id: digestScheduleId(STREET) }]);
  });
});
