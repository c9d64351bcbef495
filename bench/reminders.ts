// `npm run bench:reminders -- [--count 10000] [--window 60] [--lead 0] [--eager] [--one-partition] [--cluster [--history-shards N]]`
//
// Schedules `count` reminders due within `window` seconds through real workflows (benchReminder:
// a timer, then the real notify activity writing the outbox) and, in the same run, as many bare
// timers with the same due times (benchTimer). Reports lateness p50/p95/p99/max of both:
// reminders from due time to the outbox row's delivered_at, timers from due time to the workflow
// task that woke them. Counts duplicates (a key delivered twice) and missing reminders.
//
// Temporal: TEMPORAL_ADDRESS, or a dev server it starts (TEMPORAL_CLI, or scripts/install-temporal);
// `--eager` starts that server with eager activity dispatch (system.enableActivityEagerExecution),
// which hands notify to the worker in the reply to the workflow task instead of through matching;
// `--one-partition` gives task queues a single partition.
// `--cluster`: the Temporal server on PostgreSQL instead (bench/lib.ts startBenchCluster: the
// repo's cluster config, databases of the run's own, dropped afterwards; 512 history shards unless
// `--history-shards N`); its dynamic config already has one partition, and `--eager` turns eager
// activity dispatch on in a copy of it.
// Store: DATABASE_URL, or PGlite in memory.
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import pino from 'pino';
import { createNotifyActivities } from '../activities/notification.js';
import { loadConfig } from '../src/config.js';
import type { NotifyRequest } from '../src/domain/notifications.js';
import { loadDefaultData } from '../src/store/seed/default-data.js';
import { dropSchema, openStore } from '../src/store/connect.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { freePort, waitForPort } from '../src/temporal/dev-server.js';
import { benchWorkflowBundle } from './bundle.js';
import { startBenchCluster, temporalCli, percentile } from './lib.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

const count = option('count', 10_000);
const windowMs = option('window', 60) * 1000;
// Time to start every workflow before the first is due; 0: estimated from the count.
const leadMs = option('lead', 0) * 1000 || 20_000 + count * 2 * 6;
const eager = process.argv.includes('--eager');
// One task-queue partition (the dev server has four): a poll waiting on one partition then always
// meets the task, instead of the task waiting in another partition's backlog.
const onePartition = process.argv.includes('--one-partition');
const cluster = process.argv.includes('--cluster');
const historyShards = option('history-shards', 0) || undefined;
const taskQueue = `bench-reminders-${Date.now().toString(36)}`;



function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item);
    }
  }));
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** An in-memory, headless dev server of the bench's own (the bench needs no search attributes). */
async function startServer(): Promise<{ address: string; stop(): Promise<void> }> {
  const port = await freePort();
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'error'];
  if (eager) args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  if (onePartition) {
    args.push('--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1', '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1');
  }
  const child = spawn(temporalCli(), args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort('127.0.0.1', port, 60_000);
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const clusterServer = cluster ? await startBenchCluster('reminders', { eager, historyShards }) : undefined;
const server = process.env.TEMPORAL_ADDRESS || clusterServer ? undefined : await startServer();
const address = clusterServer?.address ?? process.env.TEMPORAL_ADDRESS ?? server!.address;
const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: address, LOG_LEVEL: 'silent' });
// A PostgreSQL run gets a schema of its own, dropped at the end.
const schema = config.DATABASE_URL ? `bench_${Date.now().toString(36)}` : undefined;
const store = await openStore({ databaseUrl: config.DATABASE_URL, schema, poolSize: 16 });
await migrateToLatest(store.db);
await loadDefaultData(store.db, '2026-11-28');
const recipients = (await store.db.selectFrom('workers').select('id').orderBy('id').execute()).map((row) => row.id);
// Inbox only: the figure is our scheduling and outbox path, not a mail server's speed.
await store.db.updateTable('workers').set({ channels: ['inbox'] }).execute();

const client = new Client({ connection: await Connection.connect({ address }) });
const delivered = new Map<string, number>();
const attempts = new Map<string, number>();
// When notify began, per key: splits delivery into dispatch (woken → activity running) and the
// activity's own work (running → row delivered).
const began = new Map<string, number>();
const notifyActivities = createNotifyActivities({ store, config, logger: pino({ level: 'silent' }), temporal: client, clock: () => new Date() });
const activities = {
  async notify(request: NotifyRequest) {
    attempts.set(request.key, (attempts.get(request.key) ?? 0) + 1);
    if (!began.has(request.key)) began.set(request.key, Date.now());
    const result = await notifyActivities.notify(request);
    for (const delivery of result.deliveries) {
      if (delivery.status === 'delivered') delivered.set(request.key, (delivered.get(request.key) ?? 0) + 1);
    }
    return result;
  },
};
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address }),
  taskQueue,
  workflowBundle: await benchWorkflowBundle(),
  activities,
  maxCachedWorkflows: 2 * count + 100,
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentActivityTaskExecutions: 100,
});

const running = worker.run();
const startedAt = Date.now();
const firstDue = startedAt + leadMs;
const dues = Array.from({ length: count }, (_, index) => firstDue + Math.floor((index * windowMs) / count));
log(`${count} reminders and ${count} bare timers due from +${Math.round(leadMs / 1000)} s over ${windowMs / 1000} s; starting workflows`);

let startedLate = 0;
const timerHandles: Array<{ id: string; due: number }> = [];
await pool(dues.map((due, index) => ({ due, index })), 64, async ({ due, index }) => {
  const recipientId = recipients[index % recipients.length]!;
  await client.workflow.start('benchReminder', { taskQueue, workflowId: `${taskQueue}-r${index}`, args: [{ recipientId, dueAt: due }] });
  await client.workflow.start('benchTimer', { taskQueue, workflowId: `${taskQueue}-t${index}`, args: [{ dueAt: due }] });
  timerHandles.push({ id: `${taskQueue}-t${index}`, due });
  if (Date.now() > due) startedLate += 1;
});
log(`started ${2 * count} workflows in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${startedLate} pairs after their due time)`);

// Read results only after the last due time, so result polling does not load the server while
// the timers fire.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, dues[dues.length - 1]! + 2000 - Date.now())));
const timerLateness: number[] = [];
await pool(timerHandles, 64, async ({ id, due }) => {
  const wokeAt = await client.workflow.getHandle(id).result() as number;
  timerLateness.push(wokeAt - due);
});
let reminderFailures = 0;
await pool(dues.map((_, index) => index), 64, async (index) => {
  try {
    await client.workflow.getHandle(`${taskQueue}-r${index}`).result();
  } catch {
    reminderFailures += 1;
  }
});
worker.shutdown();
await running;

const rows = await sql<{ key: string; dueAt: number; wokeAt: number; deliveredAt: number }>`
  SELECT idempotency_key AS key,
         (extract(epoch FROM due_at) * 1000)::float8 AS "dueAt",
         (payload->'data'->>'wokeAt')::float8 AS "wokeAt",
         (extract(epoch FROM delivered_at) * 1000)::float8 AS "deliveredAt"
  FROM notifications
  WHERE workflow_id LIKE ${`${taskQueue}-r%`} AND channel = 'inbox' AND status = 'delivered'`.execute(store.db);
const startOf = (key: string) => began.get(key.replace(/:[^:]+:inbox$/, '')) ?? NaN;
const split = (of: (row: (typeof rows.rows)[number]) => number) => summary(rows.rows.map(of));
const ours = split((row) => row.deliveredAt - row.dueAt);
const oursWoke = split((row) => row.wokeAt - row.dueAt);
const oursDelivery = split((row) => row.deliveredAt - row.wokeAt);
const oursDispatch = split((row) => startOf(row.key) - row.wokeAt);
const oursWork = split((row) => row.deliveredAt - startOf(row.key));
const baseline = summary(timerLateness);
const duplicates = [...delivered.values()].filter((n) => n > 1).length;
const retried = [...attempts.values()].filter((n) => n > 1).length;
const missing = count - rows.rows.length;
const target = 1.25 * baseline.p99 + 200;
const ms = (value: number) => `${Math.round(value)} ms`;

const report = [
  `| | n | p50 | p95 | p99 | max |`,
  `| --- | --- | --- | --- | --- | --- |`,
  `| reminders (due → outbox row delivered) | ${ours.n} | ${ms(ours.p50)} | ${ms(ours.p95)} | ${ms(ours.p99)} | ${ms(ours.max)} |`,
  `| bare timers (due → woken) | ${baseline.n} | ${ms(baseline.p50)} | ${ms(baseline.p95)} | ${ms(baseline.p99)} | ${ms(baseline.max)} |`,
  `| … reminders' own timer (due → woken) | ${oursWoke.n} | ${ms(oursWoke.p50)} | ${ms(oursWoke.p95)} | ${ms(oursWoke.p99)} | ${ms(oursWoke.max)} |`,
  `| … reminders' delivery (woken → outbox row delivered) | ${oursDelivery.n} | ${ms(oursDelivery.p50)} | ${ms(oursDelivery.p95)} | ${ms(oursDelivery.p99)} | ${ms(oursDelivery.max)} |`,
  `| … … dispatch (woken → notify running) | ${oursDispatch.n} | ${ms(oursDispatch.p50)} | ${ms(oursDispatch.p95)} | ${ms(oursDispatch.p99)} | ${ms(oursDispatch.max)} |`,
  `| … … notify's own work (running → row delivered) | ${oursWork.n} | ${ms(oursWork.p50)} | ${ms(oursWork.p95)} | ${ms(oursWork.p99)} | ${ms(oursWork.max)} |`,
  '',
  `- reminders: ${count}, due within ${windowMs / 1000} s, ${startedLate} started after their due time`,
  `- duplicates: ${duplicates}; missing: ${missing}; failed reminder workflows: ${reminderFailures}; notify retried for ${retried}`,
  `- target p99 ≤ 1.25 × baseline p99 + 200 ms = ${ms(target)}: ${ours.p99 <= target ? 'met' : 'NOT met'}`,
  `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; store ${store.location}; Temporal ${clusterServer ? clusterServer.description : server ? `dev server (in memory)${eager ? ', eager activity dispatch' : ''}${onePartition ? ', one task-queue partition' : ''}` : address}`,
].join('\n');
process.stdout.write(`${report}\n`);

await client.connection.close();
await store.close();
if (schema) await dropSchema(config.DATABASE_URL!, schema);
await server?.stop();
await clusterServer?.stop();
process.exit(duplicates === 0 && missing === 0 && reminderFailures === 0 ? 0 : 1);
