import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { benchWorkflowBundle } from '../../bench/bundle.js';
import { createNotifyActivities } from '../../activities/notification.js';
import type { NotifyResult } from '../../src/domain/notifications.js';
import { eventually } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { TEST_DATABASE_URL, type TestStore } from '../helpers/store.js';
import { silentLogger, testConfig, testDataConverter, testNamespace } from '../helpers/temporal.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './support.js';

const WORKER = 'w-wanmingyuan-sw1';
const FROM = 'Shegong <noreply@shegong.test>';
const CHILD = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));

// Two real worker processes: the first is killed (SIGKILL) after notify wrote its outbox rows and
// before it delivered any; the second picks up Temporal's retry. Exactly one e-mail and one WeCom
// message arrive. The store is PostgreSQL so both processes share it.
describe('notify across a killed worker process', () => {
  let harness: Harness;
  let store: TestStore;
  let smtp: SmtpReceiver;
  let robot: WebhookReceiver;
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // The SDK's own INFO lines would drown the test output; this file runs in its own process.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    harness = await startHarness({ name: 'crash', backend: 'postgres', seed: true, worker: false, api: false, tokens: false });
    store = harness.store;
    smtp = await startSmtpReceiver();
    robot = await startWebhookReceiver();
    dir = mkdtempSync(join(tmpdir(), 'shegong-crash-'));
    await store.db.updateTable('workers').set({ email: 'sw1@wanmingyuan.test', channels: ['inbox', 'email', 'wecom'], wecom_webhook_url: robot.url, locale: 'en' })
      .where('id', '=', WORKER).execute();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await smtp?.close();
    await robot?.close();
    await harness?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers exactly once when the worker dies between "written" and "delivered"', async () => {
    const { taskQueue, client: temporal } = harness;
    const bundle = await benchWorkflowBundle();
    const codePath = join(dir, 'bench-workflows.js');
    writeFileSync(codePath, bundle.code);
    const schema = store.location.split('#')[1]!;

    const lines: string[] = [];
    child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: testNamespace(), SMTP_URL: smtp.url, SMTP_FROM: FROM, WECOM_ALLOWED_HOSTS: new URL(robot.url).origin,
        CRASH_DATABASE_URL: TEST_DATABASE_URL, CRASH_SCHEMA: schema, CRASH_TASK_QUEUE: taskQueue, CRASH_BUNDLE: codePath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const errors: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    await eventually('the first worker to start', () => lines.includes('ready') || child!.exitCode !== null, { timeoutMs: 90_000, everyMs: 50 });
    expect(child.exitCode, errors.join('')).toBeNull();

    const workflowId = `crash-test-${taskQueue}`;
    const handle = await temporal.workflow.start('benchReminder', {
      taskQueue, workflowId,
      args: [{ recipientId: WORKER, dueAt: Date.now(), notifyTimeoutMs: 4000, kind: 'task_due', data: { taskTitle: 'Set up the ledger', communityName: 'Wanmingyuan', stage: 'guide', dueAt: Date.now() } }],
    });
    await eventually('the outbox rows to be written', () => lines.some((line) => line.startsWith('written ')), { timeoutMs: 30_000, everyMs: 50 });
    const written = await store.db.selectFrom('notifications').select(['channel', 'status']).where('workflow_id', '=', workflowId).orderBy('channel').execute();
    expect(written).toEqual([{ channel: 'email', status: 'pending' }, { channel: 'inbox', status: 'delivered' }, { channel: 'wecom', status: 'pending' }]);

    child.kill('SIGKILL');
    await exited;
    expect(smtp.messages).toHaveLength(0);
    expect(robot.requests).toHaveLength(0);

    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const second = await Worker.create({
      connection, namespace: testNamespace(), taskQueue, workflowBundle: bundle, dataConverter: testDataConverter(),
      activities: createNotifyActivities({ store, config: testConfig({ SMTP_URL: smtp.url, SMTP_FROM: FROM, WECOM_ALLOWED_HOSTS: new URL(robot.url).origin }), logger: silentLogger, temporal, clock: () => new Date() }),
    });
    const result = await second.runUntil(handle.result()) as NotifyResult;
    await connection.close();

    expect(result).toEqual({ outcome: 'sent', deliveries: [
      { channel: 'inbox', status: 'already' },
      { channel: 'email', status: 'delivered' },
      { channel: 'wecom', status: 'delivered' },
    ] });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.subject).toBe('Task due soon: Set up the ledger');
    expect(robot.requests).toHaveLength(1);
    const rows = await store.db.selectFrom('notifications').select(['channel', 'status', 'attempts']).where('workflow_id', '=', workflowId).orderBy('channel').execute();
    expect(rows).toEqual([
      { channel: 'email', status: 'delivered', attempts: 1 },
      { channel: 'inbox', status: 'delivered', attempts: 1 },
      { channel: 'wecom', status: 'delivered', attempts: 1 },
    ]);
    // Temporal ran notify twice: the attempt on the killed worker timed out and was retried.
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).filter((event) => event.activityTaskStartedEventAttributes).map((event) => event.activityTaskStartedEventAttributes!.attempt);
    expect(Math.max(...attempts.map(Number))).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
