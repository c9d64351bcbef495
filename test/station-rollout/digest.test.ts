import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { officialCalendar } from '../../src/calendar/official.js';
import { coversYear } from '../../src/domain/calendar.js';
import type { NotifyRequest } from '../../src/domain/notifications.js';
import { isoWeekday, shanghaiDate, shanghaiMinuteOfDay } from '../../src/domain/time.js';
import { digestScheduleId, ensureDigestSchedule } from '../../src/services/digest.js';
import type { DigestResult } from '../../workflows/digest.messages.js';
import { STREET } from '../helpers/app.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';

const RECIPIENTS = ['w-zhanlanlu-leader-01', 'w-zhanlanlu-supervisor-01'];

describe('weekly digest', () => {
  let harness: Harness;
  let store: Harness['store'];
  let client: Harness['client'];
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  let taskQueue: string;
  const schedules: string[] = [];

  // The worker's notify delivers, then — once, when armed — dies before reporting it done, so the
  // activity is retried on the next worker, which must find the delivery already made.
  let armed = false;
  let crashed: () => void = () => undefined;
  const crash = new Promise<void>((resolve) => { crashed = resolve; });
  const dyingOnce = (deps: ActivityDeps) => {
    const activities = createActivities(deps);
    return {
      ...activities,
      async notify(request: NotifyRequest) {
        const result = await activities.notify(request);
        if (request.kind === 'digest' && armed) {
          armed = false;
          crashed();
          await Context.current().cancelled;
        }
        return result;
      },
    };
  };

  beforeAll(async () => {
    harness = await startHarness({ name: 'digest', seed: true, worker: { activities: dyingOnce }, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, client, tokens, taskQueue } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    for (const id of schedules) await harness?.client.schedule.getHandle(id).delete().catch(() => undefined);
    await harness?.close();
  });

  it('creates the schedule idempotently: Monday 09:00 Asia/Shanghai by default', async () => {
    const scheduleId = `digest-default-${taskQueue}`;
    schedules.push(scheduleId);
    const cron = harness.config.DIGEST_CRON;
    expect(await ensureDigestSchedule(client, { streetId: STREET, taskQueue, cron, scheduleId })).toEqual({ scheduleId, created: true });
    expect(await ensureDigestSchedule(client, { streetId: STREET, taskQueue, cron, scheduleId })).toEqual({ scheduleId, created: false });
    const described = await client.schedule.getHandle(scheduleId).describe();
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    const next = described.info.nextActionTimes[0]!.getTime();
    expect(isoWeekday(shanghaiDate(next))).toBe(1);
    expect(shanghaiMinuteOfDay(next)).toBe(9 * 60);
  });

  it('sends one digest per schedule period to leadership and supervisors, even when the worker dies mid-send', async () => {
    // The first worker delivers the first digest notification, then dies before reporting it done.
    armed = true;
    const scheduleId = `digest-interval-${taskQueue}`;
    schedules.push(scheduleId);
    await ensureDigestSchedule(client, { streetId: STREET, taskQueue, intervalSeconds: 4, scheduleId });
    await crash;
    await harness.restartWorker();

    const handle = client.schedule.getHandle(scheduleId);
    const results = await eventually('three digests', async () => {
      const actions = (await handle.describe()).info.recentActions;
      if (actions.length < 3) return undefined;
      return Promise.all(actions.slice(0, 3).map((action) => client.workflow.getHandle(action.action.workflow.workflowId).result() as Promise<DigestResult>));
    }, { timeoutMs: 60_000 });
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
    await sleep(1_100);
    expect((await api.call('POST', '/api/digest/run', { token: tokens.viewer })).status).toBe(403);
    const before = await store.db.selectFrom('notifications').select('id').where('kind', '=', 'digest').execute();
    const { status, body } = await api.call('POST', '/api/digest/run', { token: tokens.supervisor });
    expect(status, JSON.stringify(body)).toBe(202);
    expect(body.triggered).toEqual([{ streetId: STREET, scheduleId: digestScheduleId(STREET) }]);
    await eventually('the triggered digest', async () => {
      const rows = await store.db.selectFrom('notifications').select('id').where('kind', '=', 'digest').execute();
      return rows.length >= before.length + RECIPIENTS.length;
    }, { timeoutMs: 60_000 });
    const audit = await store.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity', '=', 'digest_schedule').execute();
    expect(audit).toEqual([{ action: 'trigger', entity_id: digestScheduleId(STREET) }]);
  });
});
