// `npm run bench:cycle-fanout -- [--baseline 1000] [--sizes 500,1000,3000] [--window 50] [--sticky-seconds 30] [--cluster [--history-shards N]]`
//
// One Temporal dev server (SQLite file, WAL) and one worker, every tuning option explicit. First a
// baseline: `baseline` bare workflows with one activity each, workflows per second. Then one
// training cycle per size, 6 sessions per worker: how fast its ladders start (÷ the baseline
// rate), the cycle's history per child and the largest history (events and bytes), the worker's
// RSS at the peak and per cached workflow, timeouts; then the cycle is cancelled and the
// cancellation's fan-out is timed too. One summary line per figure.
//
// Temporal: a dev server it starts (TEMPORAL_CLI, or scripts/install-temporal); with `--cluster`,
// the Temporal server on PostgreSQL (bench/lib.ts startBenchCluster: the repo's cluster config,
// databases of the run's own, dropped afterwards; 512 history shards unless `--history-shards N`).
// Store: DATABASE_URL, or PGlite in memory (the single-machine default).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities/index.js';
import type { Principal } from '../../src/domain/principal.js';
import { loadConfig } from '../../src/config.js';
import { loadDefaultData } from '../../src/store/seed/default-data.js';
import { launchCycle, cancelCycle } from '../../src/services/training-cycle.js';
import { dropSchema, openStore } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { upsertWorkers } from '../../src/store/repositories/worker.js';
import { freePort, startDevServer } from '../../src/temporal/dev-server.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.js';
import { trainingQueries, type TrainingCycleProgress } from '../../workflows/training-cycle.messages.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { startBenchCluster, temporalCli } from '../lib.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1] ?? fallback;
}

const BASELINE = Number(option('baseline', '1000'));
const SIZES = option('sizes', '500,1000,3000').split(',').map(Number);
const CLUSTER = process.argv.includes('--cluster');
const HISTORY_SHARDS = Number(option('history-shards', '0')) || undefined;
const DIMENSIONS = ['party_policy', 'professional_methods', 'project_management', 'resident_mobilization', 'resource_linkage', 'community_culture'];
const COMMUNITY = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';

// Every tuning option the figures depend on, stated.
const TUNING = {
  maxCachedWorkflows: 5_000,
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentActivityTaskExecutions: 200,
  maxConcurrentWorkflowTaskPolls: 10,
  maxConcurrentActivityTaskPolls: 10,
  stickyQueueScheduleToStartTimeout: `${Number(option('sticky-seconds', '30'))}s`,
  reuseV8Context: true,
};
const FAN_OUT = { window: Number(option('window', '50')), childrenPerRun: 500, pageSize: 250 };

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const dir = mkdtempSync(join(tmpdir(), 'shegong-bench-'));
const cluster = CLUSTER ? await startBenchCluster('fanout', { historyShards: HISTORY_SHARDS }) : undefined;
const server = cluster ?? await startDevServer({ cli: temporalCli(), port: await freePort(), dbFile: join(dir, 'temporal.sqlite'), searchAttributes: CUSTOM_SEARCH_ATTRIBUTES });
const taskQueue = `bench-fanout-${Date.now().toString(36)}`;
const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000' });
const schema = config.DATABASE_URL ? `bench_${Date.now().toString(36)}` : undefined;
const store = await openStore({ databaseUrl: config.DATABASE_URL, schema, poolSize: 16 });
await migrateToLatest(store.db);
await loadDefaultData(store.db, '2026-11-28');
const most = Math.max(...SIZES);
await upsertWorkers(store.db, Array.from({ length: most }, (_, i) => ({
  id: `w-bench-${String(i).padStart(5, '0')}`, orgUnitId: COMMUNITY, communityId: COMMUNITY, name: `bench ${i}`, position: 'social_worker' as const,
})));

const client = new Client({ connection: await Connection.connect({ address: server.address }) });
const logger = pino({ level: 'silent' });
const deps = { store, temporal: client, config, logger, clock: () => new Date() };
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: server.address }),
  taskQueue,
  workflowBundle: await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  }),
  activities: { ...createActivities(deps), benchNoop: async () => undefined },
  ...TUNING,
});
const running = worker.run();

// RSS sampled through the run; the peak is read per phase.
let peakRss = 0;
let peakCached = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) {
    peakRss = rss;
    peakCached = worker.getStatus().numCachedWorkflows;
  }
}, 200);

const lines: string[] = [];
const line = (text: string) => {
  lines.push(text);
  process.stdout.write(`${text}\n`);
};
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

// ── baseline ──────────────────────────────────────────────────────────────────────────────────
log(`baseline: ${BASELINE} bare workflows with one activity`);
const baselineStart = Date.now();
const bare: WorkflowHandle[] = [];
await pool(Array.from({ length: BASELINE }, (_, i) => i), 100, async (i) => {
  bare.push(await client.workflow.start('benchBare', { taskQueue, workflowId: `${taskQueue}-bare-${i}` }));
});
await pool(bare, 100, async (handle) => {
  await handle.result();
});
const baselineRate = BASELINE / ((Date.now() - baselineStart) / 1000);
line(`baseline: ${BASELINE} bare workflows (start → one activity → done) at ${baselineRate.toFixed(1)} workflows/s`);

interface HistoryFigures { events: number; bytes: number; timeouts: number; kinds: string[]; types: Record<string, number> }
async function historyOf(workflowId: string, runId?: string): Promise<HistoryFigures> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const kinds = events.flatMap((e) => [
    ...(e.workflowTaskTimedOutEventAttributes ? [`workflow task ${e.workflowTaskTimedOutEventAttributes.timeoutType === 2 ? 'schedule-to-start (sticky)' : 'start-to-close'}`] : []),
    ...(e.activityTaskTimedOutEventAttributes ? ['activity'] : []),
    ...(e.childWorkflowExecutionTimedOutEventAttributes ? ['child workflow'] : []),
  ]);
  const types: Record<string, number> = {};
  for (const event of events) {
    const name = proto.temporal.api.enums.v1.EventType[event.eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? String(event.eventType);
    types[name] = (types[name] ?? 0) + 1;
  }
  return { events: events.length, bytes: proto.temporal.api.history.v1.History.encode(history).finish().byteLength, timeouts: kinds.length, kinds, types };
}

// ── cycles ────────────────────────────────────────────────────────────────────────────────────
const principal: Principal = { tokenId: 'bench', name: 'bench supervisor', role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu', workerId: 'w-zhanlanlu-supervisor-01' };
let failed = false;
for (const size of SIZES) {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  peakCached = 0;
  const first = Date.now() + 24 * 3_600_000;
  const sessions = DIMENSIONS.map((dimension, i) => ({
    dimension, level: 1, place: '展览路街道社会工作服务中心', trainer: 'bench', capacity: size,
    startsAt: new Date(first + i * 2 * 3_600_000).toISOString(), endsAt: new Date(first + (i * 2 + 1) * 3_600_000).toISOString(),
  }));
  const cycleId = `bench-${size}-${Date.now().toString(36)}`;
  const workflowId = workflowIds.trainingCycle(cycleId);
  log(`cycle of ${size} workers, 6 sessions each`);
  const launchedAt = Date.now();
  await launchCycle(deps, principal, {
    id: cycleId, name: `bench ${size}`, cohort: { stationIds: [], workerIds: Array.from({ length: size }, (_, i) => `w-bench-${String(i).padStart(5, '0')}`) },
    sessions, assessment: { passMark: 60, assessmentWindowSeconds: 3600, retakeWindowSeconds: 3600, attendanceGraceSeconds: 600, checkInOpensSeconds: 1800, lateAfterSeconds: 600 },
    reminderPolicy: { offsetsSeconds: [86_400, 3_600], quietHours: null, workingDaysOnly: false }, fanOut: FAN_OUT,
  }, `bench-${size}`);
  const validatedIn = Date.now() - launchedAt;
  let progress: TrainingCycleProgress | undefined;
  for (;;) {
    progress = await client.workflow.getHandle(workflowId).query(trainingQueries.progress).catch(() => progress);
    if (progress && progress.started >= size && progress.inFlight === 0 && progress.exhausted) break;
    if (Date.now() - launchedAt > 30 * 60_000) throw new Error(`cycle ${cycleId} did not start its ladders in 30 min`);
    // Queries reach the cycle between its workflow tasks: poll gently so the probe does not slow the fan-out.
    await sleep(500);
  }
  const startSeconds = (Date.now() - launchedAt) / 1000;
  const startRate = size / startSeconds;
  // Every ladder loaded its plan and sits on its first reminder timer: the cached set is complete.
  await sleep(3_000);
  const settledPeak = peakRss;
  const cachedAtPeak = Math.max(peakCached, worker.getStatus().numCachedWorkflows);

  const cancelAt = Date.now();
  await cancelCycle(deps, principal, cycleId, 'bench over', `bench-${size}-cancel`);
  await client.workflow.getHandle(workflowId).result();
  for (;;) {
    const open = await store.db.selectFrom('enrolments').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cycle_id', '=', cycleId).where('finished_at', 'is', null).executeTakeFirstOrThrow();
    if (Number(open.n) === 0) break;
    await sleep(200);
  }
  const cancelSeconds = (Date.now() - cancelAt) / 1000;

  const runs: Array<{ runId: string }> = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push({ runId: execution.runId });
  const parent = await Promise.all(runs.map((run) => historyOf(workflowId, run.runId)));
  const sample = Array.from({ length: Math.min(size, 50) }, (_, i) => `w-bench-${String(Math.floor((i * size) / Math.min(size, 50))).padStart(5, '0')}`);
  const ladders: HistoryFigures[] = [];
  await pool(sample, 10, async (workerId) => {
    ladders.push(await historyOf(workflowIds.workerLadder(cycleId, workerId)));
  });
  const parentEvents = parent.reduce((sum, h) => sum + h.events, 0);
  const largestParent = parent.reduce((a, b) => (b.events > a.events ? b : a));
  const largestLadder = ladders.reduce((a, b) => (b.events > a.events ? b : a));
  const timeouts = parent.reduce((sum, h) => sum + h.timeouts, 0) + ladders.reduce((sum, h) => sum + h.timeouts, 0);
  const perCached = cachedAtPeak > 0 ? (settledPeak - rssBefore) / cachedAtPeak : NaN;
  const ratio = startRate / baselineRate;

  line(`cycle ${size}: launch validated and written in ${(validatedIn / 1000).toFixed(2)} s`);
  line(`cycle ${size}: ${size} ladders started in ${startSeconds.toFixed(1)} s = ${startRate.toFixed(1)} children/s = ${ratio.toFixed(2)} × baseline (target ≥ 0.7: ${ratio >= 0.7 ? 'met' : 'NOT met'})`);
  line(`cycle ${size}: parent history ${parentEvents} events over ${runs.length} runs = ${(parentEvents / size).toFixed(2)} events per child`);
  line(`cycle ${size}: largest parent run ${largestParent.events} events, ${(largestParent.bytes / 1024).toFixed(0)} KiB; largest sampled ladder ${largestLadder.events} events, ${(largestLadder.bytes / 1024).toFixed(0)} KiB (${Math.round((largestParent.events / 10_240) * 100)}% of the 10,240-event warning)`);
  const mix = Object.entries(largestParent.types).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([type, n]) => `${type} ${n}`).join(', ');
  line(`cycle ${size}: largest parent run's events by type: ${mix}`);
  line(`cycle ${size}: worker RSS ${mib(rssBefore)} before, ${mib(settledPeak)} at the peak with ${cachedAtPeak} cached workflows = ${(perCached / 2 ** 20).toFixed(2)} MiB per cached workflow (target ≤ 1.5 MB)`);
  line(`cycle ${size}: cancelled and every ladder closed in ${cancelSeconds.toFixed(1)} s`);
  const kinds = [...parent, ...ladders].flatMap((h) => h.kinds);
  const byKind = [...new Set(kinds)].map((kind) => `${kinds.filter((k) => k === kind).length} ${kind}`).join(', ');
  line(`cycle ${size}: timeouts in the parent's ${runs.length} runs and ${ladders.length} sampled ladders: ${timeouts}${timeouts ? ` (${byKind})` : ''} (target: none)`);
  if (timeouts > 0) failed = true;
}

clearInterval(sampler);
line(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; store ${store.location}; Temporal ${cluster ? cluster.description : 'dev server on SQLite (WAL)'}; fan-out ${JSON.stringify(FAN_OUT)}; tuning ${JSON.stringify(TUNING)}`);

worker.shutdown();
await running;
await client.connection.close();
await store.close();
if (schema) await dropSchema(config.DATABASE_URL!, schema);
await server.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
