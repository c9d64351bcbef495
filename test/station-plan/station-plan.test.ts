import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLatestPlan, listOverdueTasks } from '../../src/store/repositories/station-plan.js';
import { PlanAlreadyRunningError } from '../../src/services/station-plan.js';
import { planQueries, planUpdates } from '../../workflows/station-plan.messages.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';
import type { TestStore } from '../helpers/store.js';
import { startTestWorker, uniqueTaskQueue, type RunningWorker } from '../helpers/temporal.js';
import { compressed, expectNoDuplicateKeys, planNotifications, singleTaskTemplate, startPlan, tally, testPolicy } from './support.js';

const C = (name: string) => `cn-bj-xicheng-zhanlanlu-${name}`;
const LEAD = (name: string) => `w-${name}-lead`;
const SUPERVISOR = 'w-zhanlanlu-supervisor-01';
/** An outbox key without the recipient and channel the notify activity appends. */
const stem = (key: string) => key.split(':').slice(0, -2).join(':');
const evidence = (note: string) => ({ note, links: ['https://example.org/evidence'] });

async function updateRejection(run: Promise<unknown>): Promise<string> {
  const error = await run.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((error as WorkflowUpdateFailedError).cause as Error).message;
}

describe('stationPlan workflow', () => {
  let harness: Harness;
  let store: TestStore;
  let temporal: Client;
  let taskQueue: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'plans', seed: true, api: false });
    ({ store, client: temporal, taskQueue } = harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('runs guide → support → supervise to a completed plan with an evaluation and a report', async () => {
    const community = C('wanmingyuan');
    const { handle, planId, workflowId } = await startPlan(harness, community, compressed(60_000, taskQueue));
    const by = { by: 'test lead', workerId: LEAD('wanmingyuan') };

    const done = await handle.executeUpdate(planUpdates.completeTask, { args: [{ ...by, taskId: 'g-posts', evidence: evidence('posts set up') }] });
    expect(done).toMatchObject({ id: 'g-posts', status: 'done', completedBy: 'test lead', guidance: { how: { en: 'How to posts' } } });
    await handle.executeUpdate(planUpdates.completeTask, { args: [{ ...by, taskId: 'g-needs', evidence: evidence('needs assessed') }] });
    const guide = await handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'guide', comments: 'good start' }] });
    expect(guide).toEqual({ stage: 'guide', nextStage: 'support', status: 'running' });

    await handle.executeUpdate(planUpdates.completeTask, { args: [{ ...by, taskId: 's-resources', evidence: evidence('resource map') }] });
    await handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'support' }] });

    const visit = await handle.executeUpdate(planUpdates.recordVisit, {
      args: [{ by: 'supervisor', notes: 'visited the station', followUps: [{ title: 'Fix the duty roster', required: true, mainTask: 'post_building' }] }],
    });
    expect(visit).toEqual({ visitNo: 1, followUpTaskIds: ['visit-1-follow-up-1'] });
    await handle.executeUpdate(planUpdates.completeTask, { args: [{ ...by, taskId: 'v-midterm', evidence: evidence('mid-term report') }] });
    await handle.executeUpdate(planUpdates.completeTask, { args: [{ ...by, taskId: 'visit-1-follow-up-1', evidence: evidence('roster fixed') }] });
    const evaluation = await handle.executeUpdate(planUpdates.submitEvaluation, {
      args: [{ by: 'supervisor', scores: { post_building: 4, talent_training: 3, resource_linkage: 5, professional_services: 4 }, comments: 'solid year' }],
    });
    expect(evaluation.average).toBe(4);
    const last = await handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'supervise' }] });
    expect(last).toEqual({ stage: 'supervise', nextStage: null, status: 'completed' });

    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.report).toMatchObject({
      planId,
      template: { id: 'test-station-plan', version: 7 },
      tasks: { total: 6, done: 5, followUps: 1 },
      visits: { planned: 2, recorded: 1, missed: 1, followUps: 1 },
      evaluation: { average: 4, comments: 'solid year' },
      byMainTask: { resource_linkage: { tasks: 1, done: 1, score: 5 } },
    });

    const record = await getLatestPlan(store.db, community);
    expect(record).toMatchObject({ planId, workflowId, status: 'completed', evaluation: { average: 4 }, report: { planId } });
    expect(record!.stages.map((s) => [s.stage, s.status, s.signedOffBy])).toEqual([
      ['guide', 'signed_off', 'supervisor'], ['support', 'signed_off', 'supervisor'], ['supervise', 'signed_off', 'supervisor'],
    ]);
    expect(record!.tasks.find((t) => t.id === 'g-extra')?.status).toBe('cancelled');
    expect(record!.tasks.find((t) => t.id === 'g-posts')).toMatchObject({ status: 'done', evidence: evidence('posts set up'), guidance: { why: { zh: 'posts的原因' } } });
    expect(record!.visits.map((v) => v.status)).toEqual(['recorded', 'missed']);
    const description = await handle.describe();
    expect(description.searchAttributes.Stage).toEqual(['completed']);
    expect(description.searchAttributes.CommunityId).toEqual([community]);

    const kinds = tally(await planNotifications(store, planId));
    // A request the supervisor answers at once may be overtaken by the sign-off (its state check then skips it).
    expect(kinds[`sign_off_requested@${SUPERVISOR}`]).toBeGreaterThanOrEqual(2);
    expect(kinds[`stage_signed_off@${LEAD('wanmingyuan')}`]).toBe(3);
    await saveHistoryIfRequested(temporal, workflowId, 'stationPlan--happy-path');
  });

  it('refuses sign-off while required tasks are open, naming them', async () => {
    const { handle } = await startPlan(harness, C('yushuguan'), compressed(60_000, taskQueue));
    const message = await updateRejection(handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'guide' }] }));
    expect(message).toContain('task g-posts is open');
    expect(message).toContain('task g-needs is open');
    expect(message).not.toContain('g-extra');

    expect(await updateRejection(handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'nope', evidence: evidence('x') }] })))
      .toContain('no task nope');
    expect(await updateRejection(handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 's-resources', evidence: evidence('x') }] })))
      .toContain('later stage support');
    await handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-posts', evidence: evidence('x') }] });
    expect(await updateRejection(handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-posts', evidence: evidence('x') }] })))
      .toContain('already done');
    expect(await updateRejection(handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'support' }] })))
      .toContain('has not started');

    const status = await handle.query(planQueries.getStatus);
    expect(status.stages[0]).toMatchObject({ stage: 'guide', status: 'open', blockers: ['task g-needs is open'] });
    expect(status.tasks.find((t) => t.id === 'g-needs')?.guidance?.how.zh).toBe('needs的做法');
    await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
  });

  it('reopens tasks a supervisor sends back with comments, and signs off once they are done again', async () => {
    const community = C('hongmaogou');
    const { handle, planId } = await startPlan(harness, community, compressed(60_000, taskQueue));
    await handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-posts', evidence: evidence('first try') }] });
    await handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-needs', evidence: evidence('needs') }] });
    expect((await getLatestPlan(store.db, community))!.stages[0]!.status).toBe('awaiting_sign_off');
    await eventually('the sign-off request', async () => tally(await planNotifications(store, planId))[`sign_off_requested@${SUPERVISOR}`] === 1);

    const sent = await handle.executeUpdate(planUpdates.sendBack, {
      args: [{ by: 'supervisor', stage: 'guide', comments: 'the post table is missing the duty hours', reopenTaskIds: ['g-posts'] }],
    });
    expect(sent).toEqual({ stage: 'guide', reopened: ['g-posts'] });
    const record = (await getLatestPlan(store.db, community))!;
    expect(record.stages[0]).toMatchObject({ status: 'open', comments: 'the post table is missing the duty hours' });
    expect(record.stages[0]!.sendBacks).toEqual([expect.objectContaining({ by: 'supervisor', reopened: ['g-posts'] })]);
    expect(record.tasks.find((t) => t.id === 'g-posts')).toMatchObject({ status: 'open', reopened: 1, completedAt: null });
    expect(await updateRejection(handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'guide' }] }))).toContain('g-posts');
    expect(await updateRejection(handle.executeUpdate(planUpdates.sendBack, { args: [{ by: 'supervisor', stage: 'guide', comments: 'again', reopenTaskIds: ['g-posts'] }] })))
      .toContain('not done');

    await handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-posts', evidence: evidence('with duty hours') }] });
    await handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'guide' }] });
    expect((await getLatestPlan(store.db, community))!.currentStage).toBe('support');
    // The reopened task's notice is sent by an activity after the send-back: wait for it.
    await eventually('the reopened task\'s notice', async () => (await planNotifications(store, planId)).some((row) => row.kind === 'task_due' && row.idempotency_key.includes('sent-back')));
    const rows = await planNotifications(store, planId);
    expect(rows.filter((row) => row.kind === 'task_due' && row.idempotency_key.includes('sent-back'))).toHaveLength(1);
    expect(rows.filter((row) => row.kind === 'sign_off_requested').length).toBeGreaterThanOrEqual(1);
    await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
  });

  it('escalates an overdue task to the station lead, then the center supervisor, and stops when it is done', async () => {
    const dayMs = 2_000;
    const community = C('fuwaixi');
    const { handle, planId } = await startPlan(harness, community, compressed(dayMs, taskQueue, { template: singleTaskTemplate(2) }));
    // Due at 4 s; reminder at 3 s; overdue at 4 s; escalations at 5 s (lead), 7 s, 9 s … (supervisor).
    await eventually('an escalation to the center supervisor', async () => {
      const rows = await planNotifications(store, planId);
      return rows.some((row) => row.kind === 'escalation' && row.recipient_id === SUPERVISOR);
    }, { timeoutMs: 20_000 });
    // The records store counts the rounds as they go out (the overdue list shows them).
    const overdue = await eventually('the escalation rounds in the records store', async () => {
      const rows = await listOverdueTasks(store.db, { communityIds: [community], now: new Date(), limit: 10 });
      return rows.length === 1 && rows[0]!.escalationRounds >= 2 ? rows[0] : undefined;
    });
    expect(overdue).toMatchObject({ planId, taskId: 'g-posts', stage: 'guide', required: true });
    await handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-posts', evidence: evidence('late, but done') }] });
    const atCompletion = await planNotifications(store, planId);
    await sleep(3 * dayMs);
    const after = await planNotifications(store, planId);
    expect(after.filter((row) => row.kind !== 'sign_off_requested')).toEqual(atCompletion.filter((row) => row.kind !== 'sign_off_requested'));

    const escalations = after.filter((row) => row.kind === 'escalation');
    expect(escalations[0]).toMatchObject({ recipient_id: LEAD('fuwaixi') });
    expect(escalations.slice(1).every((row) => row.recipient_id === SUPERVISOR)).toBe(true);
    expect(escalations.map((row) => stem(row.idempotency_key).split(':').pop())).toEqual(escalations.map((_, index) => String(index)));
    const counts = tally(after);
    expect(counts[`task_due@${LEAD('fuwaixi')}`]).toBe(1);
    expect(counts[`task_overdue@${LEAD('fuwaixi')}`]).toBe(1);
    expectNoDuplicateKeys(after);
    await saveHistoryIfRequested(temporal, handle.workflowId, 'stationPlan--escalation-mirrored');
    await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
  });

  it('reminds the supervisor of a sign-off that waits too long, until it is signed off', async () => {
    const community = C('placeholder-10');
    const { handle, planId } = await startPlan(harness, community, compressed(60_000, taskQueue, { signOffReminderMs: 1_500 }));
    for (const taskId of ['g-posts', 'g-needs']) {
      await handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId, evidence: evidence('done') }] });
    }
    // The request at once, then a reminder every 1.5 s.
    await eventually('three sign-off reminders', async () => (tally(await planNotifications(store, planId))[`sign_off_requested@${SUPERVISOR}`] ?? 0) >= 3, { timeoutMs: 15_000 });
    await handle.executeUpdate(planUpdates.signOff, { args: [{ by: 'supervisor', stage: 'guide' }] });
    const atSignOff = (await planNotifications(store, planId)).filter((row) => row.kind === 'sign_off_requested');
    await sleep(3_500);
    const after = (await planNotifications(store, planId)).filter((row) => row.kind === 'sign_off_requested');
    expect(after).toEqual(atSignOff);
    expect(after.map((row) => stem(row.idempotency_key).split(':').pop())).toEqual(after.map((_, index) => String(index)));
    await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
  });

  it('stops its timers while paused and shifts due dates by the pause on resume', async () => {
    const dayMs = 2_000;
    const community = C('placeholder-05');
    const { handle, planId } = await startPlan(harness, community, compressed(dayMs, taskQueue, { template: singleTaskTemplate(2), reminderPolicy: testPolicy(dayMs, false) }));
    const before = await handle.query(planQueries.getStatus);
    const dueBefore = Date.parse(before.tasks[0]!.dueAt!);
    await handle.executeUpdate(planUpdates.pause, { args: [{ by: 'supervisor', reason: 'station renovation' }] });
    expect((await getLatestPlan(store.db, community))!.status).toBe('paused');
    expect(await updateRejection(handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-posts', evidence: evidence('x') }] })))
      .toContain('paused');

    // Past the original reminder (3 s) and due time (4 s): nothing goes out while paused.
    await sleep(5_000);
    expect(await planNotifications(store, planId)).toEqual([]);
    const resumed = await handle.executeUpdate(planUpdates.resume, { args: [{ by: 'supervisor' }] });
    expect(resumed.shiftedMs).toBeGreaterThanOrEqual(5_000);

    const after = await handle.query(planQueries.getStatus);
    expect(Date.parse(after.tasks[0]!.dueAt!) - dueBefore).toBe(resumed.shiftedMs);
    const record = (await getLatestPlan(store.db, community))!;
    expect(record).toMatchObject({ status: 'running', pausedAt: null, pausedTotalMs: resumed.shiftedMs });
    expect(record.tasks[0]!.dueAt).toBe(after.tasks[0]!.dueAt);
    expect(record.events.map((e) => e.type)).toEqual(expect.arrayContaining(['paused', 'resumed']));

    await eventually('the reminder and the overdue notice after resuming', async () => {
      expect(tally(await planNotifications(store, planId))).toEqual({ [`task_due@${LEAD('placeholder-05')}`]: 1, [`task_overdue@${LEAD('placeholder-05')}`]: 1 });
      return true;
    }, { timeoutMs: 15_000 });
    const overdue = (await planNotifications(store, planId)).find((row) => row.kind === 'task_overdue')!;
    expect(overdue.created_at.getTime()).toBeGreaterThanOrEqual(Date.parse(after.tasks[0]!.dueAt!) - 100);
    await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
  });

  it('shifts every open due date when rescheduled', async () => {
    const community = C('placeholder-06');
    const { handle } = await startPlan(harness, community, compressed(60_000, taskQueue));
    const before = await handle.query(planQueries.getStatus);
    const shifted = await handle.executeUpdate(planUpdates.reschedule, { args: [{ by: 'supervisor', deltaWorkingDays: 3, reason: 'holiday' }] });
    expect(shifted.shiftedTasks.sort()).toEqual(['g-extra', 'g-needs', 'g-posts']);
    const record = (await getLatestPlan(store.db, community))!;
    for (const task of before.tasks.filter((t) => t.status === 'open')) {
      expect(Date.parse(record.tasks.find((t) => t.id === task.id)!.dueAt!) - Date.parse(task.dueAt!)).toBe(3 * 60_000);
    }
    expect(await updateRejection(handle.executeUpdate(planUpdates.reschedule, { args: [{ by: 'supervisor', deltaWorkingDays: 0 }] }))).toContain('deltaWorkingDays');
    await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
  });

  it('records a cancellation and sends no reminder after it', async () => {
    const dayMs = 2_000;
    const community = C('placeholder-07');
    const { handle, planId } = await startPlan(harness, community, compressed(dayMs, taskQueue, { template: singleTaskTemplate(2) }));
    const cancelled = await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'supervisor', reason: 'station merged' }] });
    expect(cancelled).toEqual({ status: 'cancelled' });
    expect(await handle.result()).toMatchObject({ planId, status: 'cancelled', report: null });
    await sleep(5_000);
    expect(await planNotifications(store, planId)).toEqual([]);
    const record = (await getLatestPlan(store.db, community))!;
    expect(record).toMatchObject({ status: 'cancelled', cancellation: { by: 'supervisor', reason: 'station merged' } });
    expect(record.tasks.every((t) => t.status === 'cancelled')).toBe(true);
    expect(record.stages.every((s) => s.status === 'cancelled')).toBe(true);
    expect((await handle.describe()).searchAttributes.Stage).toEqual(['cancelled']);

    // A cancelled plan's id may start again.
    const again = await startPlan(harness, community, compressed(60_000, taskQueue));
    expect(again.planId).not.toBe(planId);
    await expect(startPlan(harness, community, compressed(60_000, taskQueue))).rejects.toBeInstanceOf(PlanAlreadyRunningError);
    await again.handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
  });

  it('accepts an update sent before any worker ran the workflow', async () => {
    const lateQueue = uniqueTaskQueue('plans-late');
    const community = C('placeholder-08');
    const { handle } = await startPlan(harness, community, compressed(60_000, lateQueue));
    const pending = handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-posts', evidence: evidence('early') }] });
    await sleep(500);
    const late = await startTestWorker({ store, client: temporal, taskQueue: lateQueue });
    try {
      expect(await pending).toMatchObject({ id: 'g-posts', status: 'done' });
      const record = (await getLatestPlan(store.db, community))!;
      expect(record.tasks.find((t) => t.id === 'g-posts')?.status).toBe('done');
      await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
    } finally {
      await late.stop();
    }
  });

  it('loses no reminder and sends none twice when the worker is killed mid-stage and restarted', async () => {
    // Six-second days: the restarted worker must take over within a day of g-needs's reminder, or
    // the task is overdue before its reminder fires (and the scheduler rightly skips a stale one).
    const dayMs = 6_000;
    const killQueue = uniqueTaskQueue('plans-kill');
    const community = C('placeholder-09');
    const lead = LEAD('placeholder-09');
    let first: RunningWorker | undefined = await startTestWorker({ store, client: temporal, taskQueue: killQueue });
    // Reminders one day ahead: g-posts due at 2 days (reminder at 1), g-needs and g-extra due at 3 (reminders at 2).
    const policy = { ...testPolicy(dayMs, false), offsetsMs: [dayMs] };
    const { handle, planId } = await startPlan(harness, community, compressed(dayMs, killQueue, { reminderPolicy: policy }));
    try {
      await handle.executeUpdate(planUpdates.completeTask, { args: [{ by: 'lead', taskId: 'g-extra', evidence: evidence('done early') }] });
      const started = await handle.query(planQueries.getStatus);
      const needsDue = Date.parse(started.tasks.find((t) => t.id === 'g-needs')!.dueAt!);
      await eventually('the first reminder', async () => tally(await planNotifications(store, planId))[`task_due@${lead}`] === 1, { timeoutMs: 4 * dayMs });
      await first.stop();
      first = undefined;
      // Down across g-posts's due time and g-needs's reminder; back before g-needs is due.
      await sleep(needsDue - dayMs + 500 - Date.now());
      expect(await planNotifications(store, planId)).toHaveLength(1);
      const second = await startTestWorker({ store, client: temporal, taskQueue: killQueue });
      try {
        await eventually('both reminders and overdue notices', async () => {
          expect(tally(await planNotifications(store, planId))).toEqual({ [`task_due@${lead}`]: 2, [`task_overdue@${lead}`]: 2 });
          return true;
        }, { timeoutMs: 4 * dayMs });
        await sleep(dayMs);
        const rows = await planNotifications(store, planId);
        expect(tally(rows)).toEqual({ [`task_due@${lead}`]: 2, [`task_overdue@${lead}`]: 2 });
        expect(rows.map((row) => stem(row.idempotency_key).replace(`${planId}:`, ''))).toEqual(expect.arrayContaining([
          `task:g-posts:v0:due:${dayMs}`, `task:g-needs:v0:due:${dayMs}`, 'task:g-posts:v0:overdue:0', 'task:g-needs:v0:overdue:0',
        ]));
        expectNoDuplicateKeys(rows);
        const status = await handle.query(planQueries.getStatus);
        expect(status.stages[0]).toMatchObject({ stage: 'guide', status: 'open' });
        expect(status.tasks.find((t) => t.id === 'g-extra')).toMatchObject({ status: 'done', evidence: evidence('done early') });
        expect(status.tasks.filter((t) => t.status === 'open').map((t) => t.id).sort()).toEqual(['g-needs', 'g-posts']);
        const record = (await getLatestPlan(store.db, community))!;
        expect(record.tasks.find((t) => t.id === 'g-extra')?.status).toBe('done');
        await handle.executeUpdate(planUpdates.cancel, { args: [{ by: 'test', reason: 'test over' }] });
      } finally {
        await second.stop();
      }
    } finally {
      await first?.stop();
    }
  });
});
