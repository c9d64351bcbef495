import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertWorkers } from '../../src/store/repositories/worker.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { TEST_DATABASE_URL } from '../helpers/store.js';
import { testNamespace, workflowBundle } from '../helpers/temporal.js';
import { reminderPolicy, reminderRows, startTrainingHarness, timeline, WANMINGYUAN } from '../training-cycle/support.js';
import { startTestCluster, type TestCluster } from './support.js';

const CHILD = fileURLToPath(new URL('../training-cycle/worker-process.ts', import.meta.url));
const WORKERS = 500;
const ids = Array.from({ length: WORKERS }, (_, i) => `w-kill-${String(i).padStart(4, '0')}`);

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<void>;
  kill(): Promise<void>;
}

// Two worker processes on the cluster topology share a 500-worker training cycle's fan-out; one is
// killed (SIGKILL) while the ladders are being started. The other finishes the fan-out: every
// ladder exists once and every ladder's reminder arrives once.
describe('a worker process killed during a 500-worker fan-out on the cluster', () => {
  let cluster: TestCluster;
  let harness: Harness;
  const processes: WorkerProcess[] = [];

  async function spawnWorker(codePath: string): Promise<WorkerProcess> {
    const lines: string[] = [];
    const errors: string[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env, TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: testNamespace(), TRAINING_DATABASE_URL: TEST_DATABASE_URL,
        TRAINING_SCHEMA: harness.store.location.split('#')[1]!, TRAINING_TASK_QUEUE: harness.taskQueue, TRAINING_BUNDLE: codePath,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const worker = { child, exited, kill: async () => { child.kill('SIGKILL'); await exited; } };
    processes.push(worker);
    const loaded = await eventually('a worker process to load', () => (child.exitCode !== null ? 'exited' : lines.includes('loaded') && 'loaded'), { timeoutMs: 120_000, everyMs: 250 });
    if (loaded === 'exited') throw new Error(`worker exited: ${errors.join('')}`);
    child.stdin!.write('go\n');
    const ready = await eventually('the worker to poll', () => (child.exitCode !== null ? 'exited' : lines.includes('ready') && 'ready'), { timeoutMs: 60_000, everyMs: 250 });
    if (ready === 'exited') throw new Error(`worker exited: ${errors.join('')}`);
    return worker;
  }

  beforeAll(async () => {
    cluster = await startTestCluster('worker_kill');
    harness = await startTrainingHarness('cluster-worker-kill', { backend: 'postgres', worker: false, temporalAddress: cluster.address });
    await upsertWorkers(harness.store.db, ids.map((id, i) => ({ id, orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, name: `社工${i}`, position: 'social_worker' as const })));
    const { codePath } = workflowBundle();
    await spawnWorker(codePath);
    await spawnWorker(codePath);
  }, 600_000);
  afterAll(async () => {
    for (const worker of processes) if (worker.child.exitCode === null) await worker.kill();
    await harness?.close();
    // The cluster's databases (and every open ladder with them) are dropped.
    await cluster?.dispose();
  }, 120_000);

  it('lets the other worker finish: every ladder once, every reminder once', async () => {
    const t = timeline();
    const cycleId = `cyc-kill-${Date.now().toString(36)}`;
    const launch = await harness.api!.call('POST', '/api/training-cycles', {
      token: harness.tokens.supervisor,
      body: {
        id: cycleId, name: 'worker kill', cohort: { workerIds: ids },
        // One reminder per ladder, due 30 seconds after the launch: most ladders start after it is
        // due, and a reminder due since the enrolment is owed at once, so the reminders go out while
        // the fan-out runs and the kill lands among them.
        sessions: [{ dimension: 'party_policy', level: 1, startsAt: t.iso(3_600), endsAt: t.iso(3_700), place: 'p', trainer: 't', capacity: 1000 }],
        assessment: { passMark: 60, retakeWindowSeconds: 60 },
        reminderPolicy: reminderPolicy(3_570),
        fanOut: { window: 50, childrenPerRun: 250, pageSize: 250 },
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);
    expect(launch.body.enrolled).toBe(WORKERS);

    // The namespace is on this file's own server: every ladder in it is this cycle's.
    const ladderCount = async () => {
      const { count } = await harness.client.workflow.count(`WorkflowType = 'workerLadder'`);
      return count;
    };
    // Kill one worker once the fan-out is under way.
    await eventually('the fan-out under way', async () => (await ladderCount()) >= 50, { timeoutMs: 180_000, everyMs: 1_000 });
    await processes[0]!.kill();

    await eventually(`all ${WORKERS} ladders started`, async () => (await ladderCount()) === WORKERS, { timeoutMs: 600_000, everyMs: 2_000 });
    // Each ladder once: ids are business ids, and no second run of any.
    const listed: string[] = [];
    for await (const execution of harness.client.workflow.list({ query: `WorkflowType = 'workerLadder'` })) listed.push(execution.workflowId);
    expect(listed).toHaveLength(WORKERS);
    expect(new Set(listed).size).toBe(WORKERS);

    await eventually('every reminder', async () => (await reminderRows(harness.store, cycleId)).length >= WORKERS, { timeoutMs: 600_000, everyMs: 2_000 });
    const reminders = await reminderRows(harness.store, cycleId);
    expect(reminders).toHaveLength(WORKERS);
    expect(new Set(reminders.map((row) => row.recipient_id))).toEqual(new Set(ids));
  }, 1_200_000);
});
