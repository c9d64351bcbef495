import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { ladderQueries, type LadderState } from '../../workflows/worker-ladder.messages.js';
import type { TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';
import { notificationsOf, reminderPolicy, reminderRows, sleepUntil, startTrainingHarness, terminateAll, timeline } from './support.js';

// A session cancelled by mistake is taken back before it was due: the level it alone makes up
// stays open meanwhile, the worker hears of each change once, and the reminders come back.
const WORKER = 'w-fuwaixi-sw1';

describe('restoring a cancelled session', () => {
  let harness: Harness;
  let client: Client;
  let api: TestApi;
  let tokens: Harness['tokens'];
  const started: string[] = [];

  beforeAll(async () => {
    harness = await startTrainingHarness('restore');
    ({ client, tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    if (client) await terminateAll(client, started);
    await harness?.close();
  });

  it('keeps the level open until the session was due, tells the worker of each change once and reminds again', async () => {
    const t = timeline(2);
    const cycleId = `cyc-restore-${Date.now().toString(36)}`;
    const a = `${cycleId}-a`;
    const b = `${cycleId}-b`;
    const launch = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: cycleId,
        name: 'restored session',
        cohort: { workerIds: [WORKER] },
        sessions: [
          // Session a is its level's only session: cancelled, the level would have nothing left.
          { id: a, dimension: 'party_policy', level: 1, startsAt: t.iso(14), endsAt: t.iso(15), place: 'room 1', trainer: 't', capacity: 5 },
          { id: b, dimension: 'resource_linkage', level: 1, startsAt: t.iso(60), endsAt: t.iso(61), place: 'room 2', trainer: 't', capacity: 5 },
        ],
        assessment: { passMark: 60, assessmentWindowSeconds: 30, retakeWindowSeconds: 30, attendanceGraceSeconds: 1 },
        reminderPolicy: reminderPolicy(6),
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);
    started.push(launch.body.workflowId);
    const ladder = client.workflow.getHandle(workflowIds.workerLadder(cycleId, WORKER));
    const state = () => ladder.query(ladderQueries.state) as Promise<LadderState>;
    await eventually('the ladder to load its plan', async () => (await state().catch(() => undefined))?.status === 'running', { timeoutMs: 60_000, everyMs: 250 });
    const trackA = async () => (await state()).tracks.find((track) => track.dimension === 'party_policy' && track.level === 1)!;
    const sessionA = async () => (await state()).sessions.find((session) => session.id === a)!;

    const notCancelled = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${b}/restore`, { token: tokens.supervisor, body: { reason: 'x' } });
    expect(notCancelled.status).toBe(409);
    expect(notCancelled.body.error.reason).toBe('session_not_cancelled');
    const noReason = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${a}/restore`, { token: tokens.supervisor, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('body.reason');

    const cancel = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${a}/cancel`, { token: tokens.supervisor, body: { reason: '讲师临时有事' } });
    expect(cancel.body).toEqual({ sessionId: a, status: 'cancelled', laddersSignalled: 1 });
    await eventually('the ladder to take the cancellation', async () => (await sessionA()).status === 'cancelled', { timeoutMs: 20_000, everyMs: 200 });
    // Nothing of the level is left, yet it stays open: the cancellation may still be taken back.
    expect((await trackA()).status).toBe('scheduled');

    const restore = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${a}/restore`, { token: tokens.supervisor, body: { reason: '讲师时间已确认，照常上课' } });
    expect(restore.status, JSON.stringify(restore.body)).toBe(200);
    expect(restore.body).toEqual({ sessionId: a, status: 'restored', laddersSignalled: 1 });
    await eventually('the ladder to take the restore', async () => (await sessionA()).status === 'scheduled', { timeoutMs: 20_000, everyMs: 200 });
    const row = await harness.store.db.selectFrom('sessions').select(['status', 'change_reason', 'starts_at']).where('id', '=', a).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'scheduled', change_reason: '讲师时间已确认，照常上课', starts_at: new Date(t.at(14)) });
    const again = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${a}/restore`, { token: tokens.supervisor, body: { reason: 'twice' } });
    expect(again.body.error.reason).toBe('session_not_cancelled');

    // The reminder 6 s before the start is sent after all, once.
    await eventually('the reminder of the restored session', async () => (await reminderRows(harness.store, cycleId)).length === 1, { timeoutMs: 30_000, everyMs: 250 });
    expect((await reminderRows(harness.store, cycleId))[0]!.idempotency_key).toContain(`:reminder:${a}:${t.at(14)}:6000`);

    // Cancelled a second time: a notice of its own (the first cancellation's key is taken).
    const second = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${a}/cancel`, { token: tokens.supervisor, body: { reason: '场地停电' } });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    await eventually('three notices: cancelled, restored, cancelled again', async () => (await notificationsOf(harness.store, cycleId, 'session_changed')).length === 3, { timeoutMs: 20_000, everyMs: 250 });
    expect((await notificationsOf(harness.store, cycleId, 'session_changed')).map((n) => n.idempotency_key.split(':session-changed:')[1]).sort())
      .toEqual([`${a}:cancelled:1:${WORKER}:inbox`, `${a}:cancelled:${WORKER}:inbox`, `${a}:restored:1:${WORKER}:inbox`]);

    // Once it was due, it stays cancelled and the level closes.
    await sleepUntil(t.at(14.2));
    const late = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${a}/restore`, { token: tokens.supervisor, body: { reason: 'too late' } });
    expect(late.status).toBe(409);
    expect(late.body.error.reason).toBe('session_restore_too_late');
    await eventually('the level to close as cancelled', async () => (await trackA()).status === 'cancelled', { timeoutMs: 20_000, everyMs: 250 });
    expect((await notificationsOf(harness.store, cycleId, 'session_changed'))).toHaveLength(3);
    expect(await reminderRows(harness.store, cycleId)).toHaveLength(1);

    const audit = await harness.store.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'restore_session').where('entity_id', '=', a).execute();
    expect(audit).toHaveLength(1);
    const end = await api.call('POST', `/api/training-cycles/${cycleId}/cancel`, { token: tokens.supervisor, body: { reason: 'test over' } });
    expect(end.status, JSON.stringify(end.body)).toBe(200);
    await client.workflow.getHandle(launch.body.workflowId).result();
    await ladder.result();
    await saveHistoryIfRequested(client, ladder.workflowId, 'workerLadder--restored-session');
    await saveHistoryIfRequested(client, launch.body.workflowId, 'trainingCycle--restored-session');
  }, 120_000);
});
