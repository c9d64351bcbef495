// `npm run worker`: the worker alone, for production, against TEMPORAL_ADDRESS and DATABASE_URL.
// Run as many as the load needs; they share the task queue.
import { loadConfig } from './config.js';
import { requireProductionSettings } from './entry.js';
import { createLogger } from './logger.js';
import { installTracing } from './observability/tracing.js';
import { openConfiguredStore } from './runtime.js';
import { connectTemporal } from './temporal/client.js';
import { createPayloadCodec } from './temporal/codec.js';
import { requirePayloadKeys } from './temporal/payload-keys.js';
import { createWorker, installRuntime } from './temporal/worker.js';

const config = requireProductionSettings(loadConfig());
const logger = createLogger(config.LOG_LEVEL);
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
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
}
await worker.run();
await store.close();
await temporal.connection.close();
await tracing?.shutdown();
