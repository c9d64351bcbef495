import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotifyRequest } from '../../src/domain/notifications.js';
import { ladderQueries } from '../../workflows/worker-ladder.messages.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { type TrainingCycleResult } from '../../workflows/training-cycle.messages.js';
import type { TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { TEST_DATABASE_URL } from '../helpers/store.js';
import { testNamespace, testPayloadCodec, workflowBundle } from '../helpers/temporal.js';
import { enrolmentsOf, levelsIn, reminderPolicy, reminderRows, sleepUntil, startTrainingHarness, terminateAll, timeline } from './support.js';

const CHILD = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const LEAD = 'w-fuwaixi-lead';
const SW1 = 'w-fuwaixi-sw1';
const SW2 = 'w-fuwaixi-sw2';

interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<void>;
  go(): Promise<void>;
  kill(): Promise<void>;
}

/** The notify calls a workflow scheduled (a retry is the same scheduled event), decrypted and decoded. */
async function scheduledNotifies(client: Client, workflowId: string): Promise<NotifyRequest[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.activityTaskScheduledEventAttributes)
    .filter((attributes) => attributes?.activityType?.name === 'notify')
    .map((attributes) => defaultPayloadConverter.fromPayload<NotifyRequest>(testPayloadCodec().decrypt(attributes!.input!.payloads![0]!)));
}

// Worker processes on PostgreSQL, killed with SIGKILL twice: once before a session's reminders
// are due (they go out late, once) and once during a session (attendance and assessments survive).
describe('a training cycle across killed workers', () => {
  let harness: Harness;
  let store: Harness['store'];
  let client: Client;
  let api: TestApi;
  let tokens: Harness['tokens'];
  const processes: WorkerProcess[] = [];
  const started: string[] = [];
  let taskQueue: string;
  let codePath: string;

  async function spawnWorker(): Promise<WorkerProcess> {
    const lines: string[] = [];
    const errors: string[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: testNamespace(), TRAINING_DATABASE_URL: TEST_DATABASE_URL,
        TRAINING_SCHEMA: store.location.split('#')[1]!, TRAINING_TASK_QUEUE: taskQueue, TRAINING_BUNDLE: codePath,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (chunk: Buffer) => {
      errors.push(chunk.toString());
      if (process.env.TRAINING_DEBUG) process.stderr.write(`[worker ${processes.length}] ${chunk.toString()}`);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const worker: WorkerProcess = {
      child, lines, exited,
      go: async () => {
        child.stdin!.write('go\n');
        const state = await eventually('the worker to poll', () => (child.exitCode !== null ? 'exited' : lines.includes('ready') && 'ready'), { timeoutMs: 30_000, everyMs: 250 });
        if (state === 'exited') throw new Error(`worker exited: ${errors.join('')}`);
      },
      kill: async () => {
        child.kill('SIGKILL');
        await exited;
      },
    };
    processes.push(worker);
    const state = await eventually('a worker process to load', () => (child.exitCode !== null ? 'exited' : lines.includes('loaded') && 'loaded'), { timeoutMs: 90_000, everyMs: 250 });
    if (state === 'exited') throw new Error(`worker exited: ${errors.join('')}`);
    return worker;
  }

  beforeAll(async () => {
    // The worker runs in child processes the test kills: the harness starts none of its own.
    harness = await startTrainingHarness('training-restart', { backend: 'postgres', worker: false });
    ({ store, client, tokens, taskQueue } = harness);
    api = harness.api!;
    ({ codePath } = workflowBundle());
  });
  afterAll(async () => {
    if (client) await terminateAll(client, started);
    for (const worker of processes) if (worker.child.exitCode === null) await worker.kill();
    await harness?.close();
  });

  it('loses and duplicates no reminder and keeps every record when the worker is killed mid-cycle', async () => {
    const [first, second, third] = [await spawnWorker(), await spawnWorker(), await spawnWorker()];
    await first.go();

    const t = timeline(2);
    const cycleId = `cyc-restart-${Date.now().toString(36)}`;
    const [a, b] = [`${cycleId}-a`, `${cycleId}-b`];
    const ladders = [LEAD, SW1, SW2].map((workerId) => client.workflow.getHandle(workflowIds.workerLadder(cycleId, workerId)));
    const launch = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: cycleId,
        name: 'restart',
        cohort: { stationIds: ['cn-bj-xicheng-zhanlanlu-fuwaixi'] },
        sessions: [
          { id: a, dimension: 'party_policy', level: 1, startsAt: t.iso(24), endsAt: t.iso(26), place: 'p', trainer: 't', capacity: 5 },
          { id: b, dimension: 'party_policy', level: 1, startsAt: t.iso(40), endsAt: t.iso(41), place: 'p', trainer: 't', capacity: 5 },
        ],
        assessment: { passMark: 60, assessmentWindowSeconds: 10, retakeWindowSeconds: 10, attendanceGraceSeconds: 1 },
        // a: reminders at 10 s and 14 s; b: at 26 s and 30 s.
        reminderPolicy: reminderPolicy(14, 10),
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);
    started.push(launch.body.workflowId);
    await eventually('three ladders to load their plans', async () => {
      const states = await Promise.all(ladders.map((ladder) => ladder.query(ladderQueries.state).catch(() => undefined)));
      return states.every((state) => state?.status === 'running');
    }, { timeoutMs: 60_000, everyMs: 250 });

    // Down from 5 s to 15 s: both reminders of session a fall due with no worker.
    await sleepUntil(t.at(5));
    await first.kill();
    await sleepUntil(t.at(15));
    expect(await reminderRows(store, cycleId)).toHaveLength(0);
    await second.go();
    await eventually('the overdue reminders', async () => (await reminderRows(store, cycleId)).length === 6, { timeoutMs: 60_000, everyMs: 250 });

    await sleepUntil(t.at(24.3));
    const present = await api.call('POST', `/api/training-cycles/${cycleId}/attendance`, {
      token: tokens.supervisor, body: { sessionId: a, records: [{ workerId: LEAD, status: 'present' }, { workerId: SW1, status: 'late' }] },
    });
    expect(present.status, JSON.stringify(present.body)).toBe(200);

    // Down again mid-session, over a's attendance close (27 s) and b's second reminder (30 s).
    await sleepUntil(t.at(25.5));
    await second.kill();
    await sleepUntil(t.at(31));
    await third.go();

    await eventually('the assessment to open after session b', async () => {
      const states = await Promise.all(ladders.map((ladder) => ladder.query(ladderQueries.state)));
      return states.every((state) => state.tracks[0]?.status === 'awaiting_assessment');
    }, { timeoutMs: 60_000, everyMs: 250 });
    const assess = (workerId: string, score: number) => api.call('POST', `/api/training-cycles/${cycleId}/assessments`, {
      token: tokens.supervisor, body: { workerId, dimension: 'party_policy', level: 1, score },
    });
    expect((await assess(LEAD, 88)).body).toMatchObject({ passed: true, promotedTo: 1 });
    expect((await assess(SW1, 40)).body).toMatchObject({ passed: false, trackStatus: 'retake_open' });
    expect((await assess(SW1, 75)).body).toMatchObject({ attempt: 2, passed: true, promotedTo: 1 });

    const result: TrainingCycleResult = await client.workflow.getHandle(launch.body.workflowId).result();
    expect(result).toMatchObject({ status: 'completed', started: 3, finished: 3 });

    // Every reminder went out once: 2 sessions × 2 offsets × 3 workers, each scheduled exactly once.
    const reminders = await reminderRows(store, cycleId);
    expect(reminders).toHaveLength(12);
    for (const workerId of [LEAD, SW1, SW2]) {
      const notifies = await scheduledNotifies(client, workflowIds.workerLadder(cycleId, workerId));
      const keys = notifies.filter((n) => n.kind === 'session_reminder').map((n) => n.key);
      expect(keys).toHaveLength(4);
      expect(new Set(keys).size).toBe(4);
      expect(reminders.filter((r) => r.recipient_id === workerId)).toHaveLength(4);
    }

    // Records intact: attendance (b unrecorded: absences by the ladder), assessments, levels, flags.
    const attendance = await store.db.selectFrom('attendance').select(['session_id', 'worker_id', 'status'])
      .where('session_id', 'in', [a, b]).orderBy('worker_id').orderBy('session_id').execute();
    expect(attendance.map((r) => `${r.worker_id}@${r.session_id.slice(-1)}=${r.status}`)).toEqual([
      `${LEAD}@a=present`, `${LEAD}@b=absent`, `${SW1}@a=late`, `${SW1}@b=absent`, `${SW2}@a=absent`, `${SW2}@b=absent`,
    ]);
    expect(await store.db.selectFrom('assessments').select(['worker_id', 'attempt', 'passed']).where('cycle_id', '=', cycleId).orderBy('worker_id').orderBy('attempt').execute())
      .toEqual([{ worker_id: LEAD, attempt: 1, passed: true }, { worker_id: SW1, attempt: 1, passed: false }, { worker_id: SW1, attempt: 2, passed: true }]);
    expect(await levelsIn(store, LEAD)).toEqual({ party_policy: 1 });
    expect(await levelsIn(store, SW1)).toEqual({ party_policy: 1 });
    expect(await enrolmentsOf(store, cycleId)).toEqual({
      [LEAD]: { status: 'completed', coachingFlag: null },
      [SW1]: { status: 'completed', coachingFlag: null },
      [SW2]: { status: 'completed', coachingFlag: 'two_consecutive_absences' },
    });
    const report = (await store.db.selectFrom('training_cycles').select('report').where('id', '=', cycleId).executeTakeFirstOrThrow()).report;
    expect(report).toMatchObject({ attendance: { present: 1, late: 1, absent: 4 }, assessed: 2, passed: 2, promotions: 2 });
  }, 240_000);
});
