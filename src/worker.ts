// `npm run worker`: the worker alone, against TEMPORAL_ADDRESS and DATABASE_URL. `npm start` runs
// it as its own process under the supervisor (src/main.ts); in production run as many as the load
// needs: they share the task queue. Each records a heartbeat, which /healthz reads.
import { hostname } from 'node:os';
import { loadConfig } from './config.js';
import { requireProductionSettings } from './entry.js';
import { createLogger } from './logger.js';
import { installTracing } from './observability/tracing.js';
import { openConfiguredStore } from './runtime.js';
import { recordWorkerBeat } from './store/repositories/worker-heartbeat.js';
import { exitWithSupervisor, signalReady } from './supervisor.js';
import { connectTemporal } from './temporal/client.js';
import { createPayloadCodec } from './temporal/codec.js';
import { requirePayloadKeys } from './temporal/payload-keys.js';
import { createWorker, installRuntime } from './temporal/worker.js';

const config = requireProductionSettings(loadConfig());
const logger = createLogger(config.LOG_LEVEL).child({ process: 'worker' });
const payloadCodec = createPayloadCodec(requirePayloadKeys(config));
const tracing = installTracing(config, 'worker');
const temporal = await connectTemporal(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE, payloadCodec, undefined, { tracing: Boolean(tracing) });
const store = await openConfiguredStore(config, logger);
installRuntime(logger, undefined, { sdkMetricsAddress: config.TEMPORAL_SDK_METRICS_ADDRESS });
const { worker } = await createWorker({
  address: config.TEMPORAL_ADDRESS!,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  activityDeps: { store, config, logger, temporal, clock: () => new Date() },
  payloadCodec,
  tracing,
});
const stop = () => {
  if (worker.getState() === 'RUNNING') worker.shutdown();
};
exitWithSupervisor(async () => stop());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);

const identity = `${hostname()}:${process.pid}`;
const startedAt = new Date();
const beat = () => recordWorkerBeat(store.db, { identity, taskQueue: config.TEMPORAL_TASK_QUEUE, startedAt, at: new Date() })
  .catch((error: unknown) => logger.warn({ err: error }, 'heartbeat not recorded'));
const heartbeat = setInterval(() => void beat(), config.WORKER_HEARTBEAT_MS);
const running = worker.run();
await beat();
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
signalReady();
await running;
clearInterval(heartbeat);
await store.close();
await temporal.connection.close();
await tracing?.shutdown();
