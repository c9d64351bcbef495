import { randomBytes } from 'node:crypto';
import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundlePath } from '@temporalio/worker';
import pino from 'pino';
import { inject } from 'vitest';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Store } from '../../src/store/connect.js';
import { testNamespace } from './namespace.js';
import { TEST_PAYLOAD_KEYS, TEST_PAYLOAD_KEYS_ENV, testDataConverter, testPayloadCodec } from './payload-keys.js';

export { testNamespace, TEST_PAYLOAD_KEYS, TEST_PAYLOAD_KEYS_ENV, testDataConverter, testPayloadCodec };

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let runtimeInstalled = false;
/** The SDK logs warnings and errors only (its INFO lines — worker state changes — drown the report). */
function installTestRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.TEST_SDK_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN') });
  } catch {
    // Another part of this process installed the runtime first; its logger stands.
  }
}

/**
 * The workflow bundle, built once for the whole run by the global set-up (test/global-setup.ts) from
 * workflows/ as it is now: every file's workers and replays load the same code from its path.
 */
export function workflowBundle(): WorkflowBundlePath {
  return { codePath: inject('workflowBundlePath') };
}

export function uniqueTaskQueue(name: string): string {
  return `test-${name}-${randomBytes(4).toString('hex')}`;
}

/** A client on the test file's namespace that encrypts payloads with the test keys (or the given converter). */
export async function connectClient(options: { dataConverter?: DataConverter; address?: string } = {}): Promise<Client> {
  const connection = await Connection.connect({ address: options.address ?? inject('temporalAddress') });
  return new Client({ connection, namespace: testNamespace(), dataConverter: options.dataConverter ?? testDataConverter() });
}

/**
 * Closes a client's connection once none of its calls can still be retrying. The SDK's gRPC retry
 * interceptor keeps its timers after `Connection.close()`, and a retry that fires then throws
 * "Channel has been shut down" from the timer — into whichever test file this process runs next,
 * as files share processes (vitest.config.ts). Ten attempts, at most 6 s apart, end within a minute.
 */
export function closeWhenQuiet(connection: ConnectionLike): void {
  setTimeout(() => void connection.close().catch(() => undefined), 60_000).unref();
}

export function testConfig(overrides: Partial<Record<string, string>> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: testNamespace(),
    SHEGONG_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_ENV, ...overrides,
  });
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  /** Stops the worker and waits for it to finish (as a killed and restarted worker would). */
  stop(): Promise<void>;
}

/** Starts a real worker on a task queue with real activities over the given store. */
export async function startTestWorker(options: {
  store: Store;
  client: Client;
  taskQueue: string;
  config?: Config;
  clock?: () => Date;
  activities?: (deps: ActivityDeps) => object;
  /** Payload encryption; the test keys unless given (a rotation test passes its own). */
  dataConverter?: DataConverter;
  /** Another Temporal server than the run's dev server (test/cluster/). */
  address?: string;
}): Promise<RunningWorker> {
  installTestRuntime();
  const connection = await NativeConnection.connect({ address: options.address ?? inject('temporalAddress') });
  const deps: ActivityDeps = {
    store: options.store,
    config: options.config ?? testConfig({ TEMPORAL_TASK_QUEUE: options.taskQueue }),
    logger: silentLogger,
    temporal: options.client,
    clock: options.clock ?? (() => new Date()),
  };
  const worker = await Worker.create({
    connection,
    namespace: testNamespace(),
    taskQueue: options.taskQueue,
    workflowBundle: workflowBundle(),
    activities: (options.activities ?? createActivities)(deps),
    dataConverter: options.dataConverter ?? testDataConverter(),
    // Short-lived test workflows: keep shutdown quick.
    shutdownGraceTime: '2s',
  });
  const running = worker.run();
  return {
    worker,
    taskQueue: options.taskQueue,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
