import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ladderQueries, type LadderResult } from '../../workflows/worker-ladder.messages.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { type TrainingCycleResult } from '../../workflows/training-cycle.messages.js';
import type { TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';
import {
  enrolmentsOf, levelsIn, notificationsOf, reminderPolicy, reminderRows, sleepUntil, startTrainingHarness, terminateAll, timeline, WANMINGYUAN,
} from './support.js';

const LEAD = 'w-wanmingyuan-lead';
const SW1 = 'w-wanmingyuan-sw1';
const SW2 = 'w-wanmingyuan-sw2';
const YSG1 = 'w-yushuguan-sw1';
const YSG2 = 'w-yushuguan-sw2';

describe('training cycle', () => {
  let harness: Harness;
  let store: Harness['store'];
  let client: Client;
  let api: TestApi;
  let tokens: Harness['tokens'];
  const started: string[] = [];

  beforeAll(async () => {
    harness = await startTrainingHarness('training');
    ({ store, client, tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    if (client) await terminateAll(client, started);
    await harness?.close();
  });

  it('runs a full cycle: passes, a retake, coaching flags, a withdrawal, a late addition and a report', async () => {
    // Offsets count from 4 s after the launch, so a busy machine's ladders are up before the first reminder.
    const t = timeline(4);
    const session = (id: string, dimension: string, from: number, to: number) => ({
      id, dimension, level: 1, startsAt: t.iso(from), endsAt: t.iso(to), place: '展览路街道社会工作服务中心', trainer: '中心讲师', capacity: 10,
    });
    const cycleId = `cyc-full-${Date.now().toString(36)}`;
    const launch = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: cycleId,
        name: '六维阶梯培训（测试）',
        cohort: { stationIds: [WANMINGYUAN], workerIds: [YSG1] },
        sessions: [session(`${cycleId}-a`, 'party_policy', 6, 8), session(`${cycleId}-b`, 'party_policy', 9, 11), session(`${cycleId}-c`, 'professional_methods', 12, 14)],
        assessment: { passMark: 60, assessmentWindowSeconds: 16, retakeWindowSeconds: 12, attendanceGraceSeconds: 2, checkInOpensSeconds: 2, lateAfterSeconds: 1 },
        reminderPolicy: reminderPolicy(3),
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);
    expect(launch.body).toMatchObject({ id: cycleId, workflowId: `training-cycle:${cycleId}`, status: 'running', sessions: 3, enrolled: 4 });
    started.push(launch.body.workflowId);
    const [a, b, c] = [`${cycleId}-a`, `${cycleId}-b`, `${cycleId}-c`];
    const att = (sessionId: string, records: Array<{ workerId: string; status: string }>, token = tokens.supervisor) =>
      api.call('POST', `/api/training-cycles/${cycleId}/attendance`, { token, body: { sessionId, records } });
    const assess = (workerId: string, dimension: string, score: number, token = tokens.supervisor) =>
      api.call('POST', `/api/training-cycles/${cycleId}/assessments`, { token, body: { workerId, dimension, level: 1, score } });

    const withdrawal = await api.call('POST', `/api/training-cycles/${cycleId}/participants`, { token: tokens.supervisor, body: { withdraw: [SW2], reason: '岗位调整' } });
    expect(withdrawal.status, JSON.stringify(withdrawal.body)).toBe(200);
    expect(withdrawal.body).toEqual({ added: [], withdrawn: [SW2] });

    // Session a: a check-in, a lead's record; a station lead may not record for another station.
    await sleepUntil(t.at(6.3));
    const checkIn = await api.call('POST', `/api/training-cycles/${cycleId}/check-in`, { token: tokens.social_worker, body: { sessionId: a } });
    expect(checkIn.status, JSON.stringify(checkIn.body)).toBe(200);
    expect(checkIn.body).toMatchObject({ sessionId: a, workerId: SW1, status: 'present' });
    expect((await att(a, [{ workerId: LEAD, status: 'present' }])).status).toBe(200);
    expect((await att(a, [{ workerId: YSG1, status: 'present' }], tokens.station_lead)).status).toBe(403);
    const twice = await api.call('POST', `/api/training-cycles/${cycleId}/check-in`, { token: tokens.social_worker, body: { sessionId: a } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('already recorded');

    // A late addition: session a has started, so the worker takes b and c.
    await sleepUntil(t.at(6.8));
    const addition = await api.call('POST', `/api/training-cycles/${cycleId}/participants`, { token: tokens.supervisor, body: { add: { workerIds: [YSG2] } } });
    expect(addition.status, JSON.stringify(addition.body)).toBe(200);
    expect(addition.body).toEqual({ added: [YSG2], withdrawn: [] });

    await sleepUntil(t.at(9.3));
    expect((await api.call('POST', `/api/training-cycles/${cycleId}/check-in`, { token: tokens.social_worker, body: { sessionId: b } })).body.status).toBe('present');
    expect((await att(b, [{ workerId: LEAD, status: 'present' }, { workerId: YSG1, status: 'present' }])).status).toBe(200);
    const early = await assess(LEAD, 'party_policy', 90);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('have not all ended');

    // Party policy level 1 is over: a pass, a fail then a retake pass (by the station lead), two fails.
    await sleepUntil(t.at(11.3));
    expect((await assess(LEAD, 'party_policy', 85)).body).toMatchObject({ attempt: 1, passed: true, promotedTo: 1, trackStatus: 'passed' });
    expect((await assess(SW1, 'party_policy', 50, tokens.station_lead)).body).toMatchObject({ attempt: 1, passed: false, trackStatus: 'retake_open', promotedTo: null });
    expect((await assess(SW1, 'party_policy', 72, tokens.station_lead)).body).toMatchObject({ attempt: 2, passed: true, trackStatus: 'passed', promotedTo: 1 });
    expect((await assess(YSG1, 'party_policy', 40, tokens.station_lead)).status).toBe(403);
    expect((await assess(YSG1, 'party_policy', 40)).body).toMatchObject({ attempt: 1, passed: false, trackStatus: 'retake_open' });
    expect((await assess(YSG1, 'party_policy', 30)).body).toMatchObject({ attempt: 2, passed: false, trackStatus: 'failed', coachingFlag: 'second_fail' });
    const third = await assess(YSG1, 'party_policy', 99);
    expect(third.status).toBe(409);
    expect(third.body.error.message).toContain('retake is used');

    await sleepUntil(t.at(12.3));
    expect((await att(c, [{ workerId: LEAD, status: 'present' }, { workerId: YSG1, status: 'excused' }])).status).toBe(200);
    await sleepUntil(t.at(13.5));
    expect((await api.call('POST', `/api/training-cycles/${cycleId}/check-in`, { token: tokens.social_worker, body: { sessionId: c } })).body.status).toBe('late');

    await sleepUntil(t.at(14.3));
    expect((await assess(LEAD, 'professional_methods', 90)).body).toMatchObject({ passed: true, promotedTo: 1 });
    expect((await assess(SW1, 'professional_methods', 65, tokens.station_lead)).body).toMatchObject({ passed: true, promotedTo: 1 });

    const progress = await api.call('GET', `/api/training-cycles/${cycleId}`, { token: tokens.station_lead });
    expect(progress.status).toBe(200);
    expect(progress.body.workers.map((w: { workerId: string }) => w.workerId)).toEqual([LEAD, SW1, SW2]);
    const viewer = await api.call('GET', `/api/training-cycles/${cycleId}`, { token: tokens.viewer });
    expect(viewer.status).toBe(200);
    expect(viewer.body.workers).toBeUndefined();
    expect(viewer.body.participants).toMatchObject({ withdrawn: 1 });

    const result: TrainingCycleResult = await client.workflow.getHandle(launch.body.workflowId).result();
    expect(result).toMatchObject({ cycleId, status: 'completed' });
    // The withdrawn worker's ladder may have started before the withdrawal (then it ended itself).
    expect(result.finished).toBe(result.started);
    expect([4, 5]).toContain(result.started);
    const sw1Ladder: LadderResult = await client.workflow.getHandle(workflowIds.workerLadder(cycleId, SW1)).result();
    expect(sw1Ladder).toMatchObject({ status: 'completed', coachingFlag: null });
    const ysg2Ladder: LadderResult = await client.workflow.getHandle(workflowIds.workerLadder(cycleId, YSG2)).result();
    expect(ysg2Ladder.tracks).toEqual([
      { dimension: 'party_policy', level: 1, status: 'not_assessed' },
      { dimension: 'professional_methods', level: 1, status: 'not_assessed' },
    ]);

    // Records: levels under the ladder rule, coaching flags, attendance with system absences.
    expect(await levelsIn(store, LEAD)).toEqual({ party_policy: 1, professional_methods: 1 });
    expect(await levelsIn(store, SW1)).toEqual({ party_policy: 1, professional_methods: 1 });
    expect(await levelsIn(store, YSG1)).toEqual({});
    expect(await enrolmentsOf(store, cycleId)).toEqual({
      [LEAD]: { status: 'completed', coachingFlag: null },
      [SW1]: { status: 'completed', coachingFlag: null },
      [SW2]: { status: 'withdrawn', coachingFlag: null },
      [YSG1]: { status: 'completed', coachingFlag: 'second_fail' },
      [YSG2]: { status: 'completed', coachingFlag: 'two_consecutive_absences' },
    });
    const attendance = await store.db.selectFrom('attendance').select(['session_id', 'worker_id', 'status', 'recorded_by'])
      .where('session_id', 'in', [a, b, c]).orderBy('worker_id').orderBy('session_id').execute();
    expect(attendance.map((r) => `${r.worker_id}@${r.session_id.slice(-1)}=${r.status}`)).toEqual([
      `${LEAD}@a=present`, `${LEAD}@b=present`, `${LEAD}@c=present`,
      `${SW1}@a=present`, `${SW1}@b=present`, `${SW1}@c=late`,
      `${YSG1}@a=absent`, `${YSG1}@b=present`, `${YSG1}@c=excused`,
      `${YSG2}@b=absent`, `${YSG2}@c=absent`,
    ]);
    expect(attendance.filter((r) => r.status === 'absent').every((r) => r.recorded_by === 'system')).toBe(true);
    expect(await store.db.selectFrom('assessments').select('attempt').where('cycle_id', '=', cycleId).execute()).toHaveLength(7);

    // The report: attendance (present + late) / (present + late + absent), pass rate, promotions.
    const detail = await api.call('GET', `/api/training-cycles/${cycleId}`, { token: tokens.supervisor });
    expect(detail.body.status).toBe('completed');
    const report = detail.body.report;
    expect(report).toMatchObject({
      status: 'completed',
      attendance: { present: 6, late: 1, excused: 1, absent: 3, rate: 0.7 },
      assessed: 5, passed: 4, passRate: 0.8, promotions: 4, retakes: 2,
      participants: { enrolled: 5, completed: 4, withdrawn: 1, cancelled: 0, coachingFlags: 2 },
    });
    expect(report.byDimension).toEqual([
      expect.objectContaining({ dimension: 'party_policy', assessed: 3, passed: 2, passRate: 0.6667, promotions: 2 }),
      expect.objectContaining({ dimension: 'professional_methods', assessed: 2, passed: 2, passRate: 1, promotions: 2 }),
    ]);
    // The cycle list carries the report's pass rate per dimension (the training page's trend chart).
    const listed = (await api.call('GET', '/api/training-cycles?status=completed', { token: tokens.supervisor })).body.items.find((item: { id: string }) => item.id === cycleId);
    expect(listed.passRateByDimension).toEqual([{ dimension: 'party_policy', passRate: 0.6667 }, { dimension: 'professional_methods', passRate: 1 }]);
    expect(report.byStation).toEqual([
      expect.objectContaining({ communityId: WANMINGYUAN, workers: 3, promotions: 4, passRate: 1 }),
      expect.objectContaining({ communityId: 'cn-bj-xicheng-zhanlanlu-yushuguan', workers: 2, promotions: 0, passRate: 0 }),
    ]);

    // Notifications: one reminder per session per worker (none after a withdrawal), flags to the lead.
    const reminders = await reminderRows(store, cycleId);
    const byWorker = (id: string) => reminders.filter((r) => r.recipient_id === id).length;
    expect([byWorker(LEAD), byWorker(SW1), byWorker(YSG1), byWorker(SW2), byWorker(YSG2)]).toEqual([3, 3, 3, 0, 1]);
    expect(new Set(reminders.map((r) => r.idempotency_key)).size).toBe(reminders.length);
    expect((await notificationsOf(store, cycleId, 'coaching_flag')).map((n) => n.recipient_id)).toEqual(['w-yushuguan-lead', 'w-yushuguan-lead']);
    expect(await notificationsOf(store, cycleId, 'promotion')).toHaveLength(4);

    // The ladder view: all six dimensions, a social worker sees only their own.
    const ladder = await api.call('GET', `/api/workers/${SW1}/ladder`, { token: tokens.social_worker });
    expect(ladder.status).toBe(200);
    expect(ladder.body.dimensions).toHaveLength(6);
    expect(ladder.body.dimensions.find((d: { key: string }) => d.key === 'party_policy')).toMatchObject({
      level: 1, nextLevel: 2, cycleId, assessments: [expect.objectContaining({ attempt: 1, passed: false }), expect.objectContaining({ attempt: 2, passed: true })],
    });
    expect((await api.call('GET', `/api/workers/${LEAD}/ladder`, { token: tokens.social_worker })).status).toBe(404);
    expect((await api.call('GET', `/api/workers/${SW1}/ladder`, { token: tokens.viewer })).status).toBe(403);

    const closed = await api.call('POST', `/api/training-cycles/${cycleId}/cancel`, { token: tokens.supervisor, body: { reason: 'too late' } });
    expect(closed.status).toBe(409);

    await saveHistoryIfRequested(client, launch.body.workflowId, 'trainingCycle--full-cycle');
    await saveHistoryIfRequested(client, workflowIds.workerLadder(cycleId, SW1), 'workerLadder--retake-then-pass');
    await saveHistoryIfRequested(client, workflowIds.workerLadder(cycleId, YSG2), 'workerLadder--late-addition-absences');
  }, 120_000);

  it('answers a bad launch with every problem at once and starts nothing', async () => {
    const t = timeline();
    const cycleId = `cyc-bad-${Date.now().toString(36)}`;
    const body = {
      id: cycleId,
      name: 'bad',
      // A worker no other test here promotes: their levels are all 0.
      cohort: { stationIds: ['cn-bj-xicheng-zhanlanlu-placeholder-12'], workerIds: ['w-hongmaogou-sw1', 'w-nobody'] },
      sessions: [
        { dimension: 'party_policy', level: 1, startsAt: t.iso(600), endsAt: t.iso(900), place: 'p', trainer: 't', capacity: 1 },
        { dimension: 'professional_methods', level: 1, startsAt: t.iso(700), endsAt: t.iso(800), place: 'p', trainer: 't', capacity: 5 },
        { dimension: 'project_management', level: 1, startsAt: t.iso(-3600), endsAt: t.iso(-1800), place: 'p', trainer: 't', capacity: 5 },
        { dimension: 'community_culture', level: 2, startsAt: t.iso(2000), endsAt: t.iso(2100), place: 'p', trainer: 't', capacity: 5 },
        { dimension: 'no_such_dimension', level: 1, startsAt: t.iso(3000), endsAt: t.iso(3100), place: 'p', trainer: 't', capacity: 5 },
      ],
      assessment: { passMark: 60, retakeWindowSeconds: 60 },
    };
    const { status, body: answer } = await api.call('POST', '/api/training-cycles', { token: tokens.supervisor, body });
    expect(status).toBe(400);
    expect(answer.error.code).toBe('invalid_request');
    const paths = answer.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining([
      'body.cohort.stationIds.0', // a community without a station
      'body.cohort.workerIds.1', // unknown worker
      'body.sessions.2.startsAt', // in the past
      'body.sessions.4.dimension', // unknown dimension
      'body.sessions.1.startsAt', // overlaps sessions[0] for the worker
      'body.cohort.workerIds.0', // not eligible for community_culture level 2
    ]));
    expect(answer.error.details.find((d: { path: string }) => d.path === 'body.cohort.workerIds.0').message).toContain('level 2 of community_culture');
    expect(await store.db.selectFrom('training_cycles').select('id').where('id', '=', cycleId).executeTakeFirst()).toBeUndefined();
    await expect(client.workflow.getHandle(workflowIds.trainingCycle(cycleId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const capacity = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: { ...body, cohort: { stationIds: ['cn-bj-xicheng-zhanlanlu-hongmaogou'], workerIds: [] }, sessions: [body.sessions[0]] },
    });
    expect(capacity.status).toBe(400);
    expect(capacity.body.error.details).toMatchObject([{ path: 'body.sessions.0.capacity', message: '3 workers take this session; its capacity is 1' }]);
    expect((await api.call('POST', '/api/training-cycles', { token: tokens.station_lead, body })).status).toBe(403);
  });

  it('moves and cancels sessions for every ladder that takes them, then cancels the cycle and stops all reminders', async () => {
    const t = timeline(4);
    const cycleId = `cyc-cancel-${Date.now().toString(36)}`;
    const workers = ['w-fuwaixi-sw1', 'w-fuwaixi-sw2'];
    const launch = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: cycleId,
        name: 'cancelled cycle',
        cohort: { workerIds: workers },
        sessions: [
          { id: `${cycleId}-a`, dimension: 'party_policy', level: 1, startsAt: t.iso(10), endsAt: t.iso(11), place: 'room 1', trainer: 't', capacity: 5 },
          { id: `${cycleId}-b`, dimension: 'resource_linkage', level: 1, startsAt: t.iso(14), endsAt: t.iso(15), place: 'room 2', trainer: 't', capacity: 5 },
        ],
        assessment: { passMark: 60, assessmentWindowSeconds: 30, retakeWindowSeconds: 30, attendanceGraceSeconds: 1 },
        reminderPolicy: reminderPolicy(6, 3),
        // One ladder per run: the second is started by a run continued as new, carrying the first.
        fanOut: { window: 1, childrenPerRun: 1, pageSize: 1 },
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);
    started.push(launch.body.workflowId);
    await eventually('ladders to load their plans', async () => {
      for (const workerId of workers) {
        const state = await client.workflow.getHandle(workflowIds.workerLadder(cycleId, workerId)).query(ladderQueries.state).catch(() => undefined);
        if (state?.status !== 'running') return false;
      }
      return true;
    }, { timeoutMs: 60_000, everyMs: 250 });

    const badMove = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${cycleId}-a/move`, { token: tokens.supervisor, body: { startsAt: t.iso(14.5), endsAt: t.iso(16) } });
    expect(badMove.status).toBe(400);
    expect(badMove.body.error.details[0].message).toContain(`overlaps session ${cycleId}-b for 2 worker(s)`);
    const move = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${cycleId}-a/move`, { token: tokens.supervisor, body: { startsAt: t.iso(16), endsAt: t.iso(17), place: 'room 3', reason: '讲师时间冲突' } });
    expect(move.status, JSON.stringify(move.body)).toBe(200);
    expect(move.body).toEqual({ sessionId: `${cycleId}-a`, status: 'moved', laddersSignalled: 2 });
    const cancelB = await api.call('POST', `/api/training-cycles/${cycleId}/sessions/${cycleId}-b/cancel`, { token: tokens.supervisor, body: { reason: '场地不可用' } });
    expect(cancelB.body).toEqual({ sessionId: `${cycleId}-b`, status: 'cancelled', laddersSignalled: 2 });

    // Session a now starts at 16 s: its reminders go at 10 s and 13 s; b's never do.
    await sleepUntil(t.at(11.5));
    const before = await reminderRows(store, cycleId);
    expect(before.map((r) => r.recipient_id).sort()).toEqual(workers);
    expect(before.every((r) => r.idempotency_key.includes(`:reminder:${cycleId}-a:${t.at(16)}:6000`))).toBe(true);
    expect(await notificationsOf(store, cycleId, 'session_changed')).toHaveLength(4);

    const cancel = await api.call('POST', `/api/training-cycles/${cycleId}/cancel`, { token: tokens.supervisor, body: { reason: '培训暂停' } });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body).toEqual({ cycleId, status: 'cancelled', laddersSignalled: 2 });
    const result: TrainingCycleResult = await client.workflow.getHandle(launch.body.workflowId).result();
    expect(result.status).toBe('cancelled');
    for (const workerId of workers) {
      const ladder: LadderResult = await client.workflow.getHandle(workflowIds.workerLadder(cycleId, workerId)).result();
      expect(ladder.status).toBe('cancelled');
    }
    await sleepUntil(t.at(14));
    expect(await reminderRows(store, cycleId)).toHaveLength(2);
    expect(await notificationsOf(store, cycleId, 'cycle_cancelled')).toHaveLength(2);
    const cycle = await store.db.selectFrom('training_cycles').select(['status', 'cancel_reason', 'cancelled_by', 'report']).where('id', '=', cycleId).executeTakeFirstOrThrow();
    expect(cycle).toMatchObject({ status: 'cancelled', cancel_reason: '培训暂停', cancelled_by: 'test supervisor', report: expect.objectContaining({ status: 'cancelled' }) });
    expect(Object.values(await enrolmentsOf(store, cycleId)).map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    const sessions = await store.db.selectFrom('sessions').select(['id', 'status', 'place']).where('cycle_id', '=', cycleId).orderBy('id').execute();
    expect(sessions).toEqual([{ id: `${cycleId}-a`, status: 'moved', place: 'room 3' }, { id: `${cycleId}-b`, status: 'cancelled', place: 'room 2' }]);
    const runs = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = "${launch.body.workflowId}"` })) runs.push(run);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(result.runs).toBe(runs.length);
    await saveHistoryIfRequested(client, launch.body.workflowId, 'trainingCycle--moved-and-cancelled');
    const firstRun = runs.sort((x, y) => x.startTime.getTime() - y.startTime.getTime())[0]!;
    await saveHistoryIfRequested(client, launch.body.workflowId, 'trainingCycle--continued-as-new', firstRun.runId);
  }, 90_000);
});
