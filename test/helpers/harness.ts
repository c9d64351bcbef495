// The one test harness: a migrated store (PGlite or PostgreSQL, optionally seeded), a Temporal
// client on the test file's namespace, a real worker with real activities on a task queue of the
// file's own, the real API over HTTP, and a token per role. Every integration file builds its
// set-up from this, and closes it in afterAll.
import type { Client } from '@temporalio/client';
import type { ActivityDeps } from '../../activities/index.js';
import type { AppOptions } from '../../src/api/app.js';
import type { Config } from '../../src/config.js';
import type { Role } from '../../src/domain/types.js';
import { startTestApi, tokensForRoles, type TestApi } from './app.js';
import { createTestStore, type BackendName, type TestStore } from './store.js';
import { closeWhenQuiet, connectClient, startTestWorker, testConfig, uniqueTaskQueue, type RunningWorker } from './temporal.js';

export interface HarnessOptions {
  /** Names the task queue (`test-<name>-<random>`). */
  name: string;
  backend?: BackendName;
  /** Load the default Zhanlanlu data (as of `today`). */
  seed?: boolean;
  today?: string;
  /** The wall clock handed to the API and the activities. */
  clock?: () => Date;
  /** Extra environment for the config (e.g. SMTP_URL). */
  env?: Partial<Record<string, string>>;
  /** Start a worker (default true); `activities` replaces the real activity factory. */
  worker?: boolean | { activities?: (deps: ActivityDeps) => object };
  /** Start the API (default true). */
  api?: boolean | { app?: AppOptions };
  /** Create a token per role over the default data (default: when seeded). */
  tokens?: boolean;
  /** Another Temporal server than the run's dev server (the cluster, test/cluster/). */
  temporalAddress?: string;
  /** A store made by the test (e.g. on a PostgreSQL it stops); the harness disposes of it on close. */
  store?: TestStore;
}

export interface Harness {
  store: TestStore;
  client: Client;
  config: Config;
  taskQueue: string;
  /** Undefined when started with `worker: false`. */
  worker: RunningWorker | undefined;
  /** Undefined when started with `api: false`. */
  api: TestApi | undefined;
  /** A token per role: admin at the city, supervisor and viewer at the street, lead and worker at Wanmingyuan. */
  tokens: Record<Role, string>;
  /** Stops the worker (as a killed worker would stop) and starts a fresh one on the same queue. */
  restartWorker(): Promise<RunningWorker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const store = options.store ?? await createTestStore(options.backend ?? 'pglite', { seed: options.seed, today: options.today });
  const address = options.temporalAddress;
  const client = await connectClient({ address });
  const taskQueue = uniqueTaskQueue(options.name);
  const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue, ...(address ? { TEMPORAL_ADDRESS: address } : {}), ...options.env });
  const workerOptions = typeof options.worker === 'object' ? options.worker : {};
  const startWorker = () => startTestWorker({ store, client, taskQueue, config, clock: options.clock, activities: workerOptions.activities, address });
  let worker = options.worker === false ? undefined : await startWorker();
  const api = options.api === false
    ? undefined
    : await startTestApi({ store, temporal: client, config, clock: options.clock, app: typeof options.api === 'object' ? options.api.app : undefined });
  const tokens = (options.tokens ?? options.seed) ? await tokensForRoles(store) : ({} as Record<Role, string>);
  const harness: Harness = {
    store, client, config, taskQueue, api, tokens,
    get worker() {
      return worker;
    },
    async restartWorker() {
      await worker?.stop();
      worker = await startWorker();
      return worker;
    },
    async stopWorker() {
      await worker?.stop();
      worker = undefined;
    },
    async close() {
      await api?.close();
      await worker?.stop();
      closeWhenQuiet(client.connection);
      await store.dispose();
    },
  };
  return harness;
}
