// `npm run api`: the API alone, against TEMPORAL_ADDRESS and DATABASE_URL. `npm start` runs it as
// its own process under the supervisor (src/main.ts), so a request that hogs it cannot stall the
// worker, nor a worker fault the API.
import { createApp } from './api/app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { installTracing } from './observability/tracing.js';
import { openConfiguredStore } from './runtime.js';
import { runStartupSteps } from './startup.js';
import { exitWithSupervisor, signalReady } from './supervisor.js';
import { connectTemporal } from './temporal/client.js';
import { createPayloadCodec } from './temporal/codec.js';
import { requirePayloadKeys } from './temporal/payload-keys.js';
import { staticDashboardDir } from './web.js';
import { requireProductionSettings } from './entry.js';

const config = requireProductionSettings(loadConfig());
const logger = createLogger(config.LOG_LEVEL).child({ process: 'api' });
const payloadCodec = createPayloadCodec(requirePayloadKeys(config));
const tracing = installTracing(config, 'api');
const temporal = await connectTemporal(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE, payloadCodec, undefined, { tracing: Boolean(tracing) });
const store = await openConfiguredStore(config, logger);
const deps = { store, temporal, config, logger, clock: () => new Date() };
const app = createApp(deps, { staticDir: staticDashboardDir() });
const server = app.listen(config.PORT, config.HOST, () => {
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'API listening');
});
server.on('error', (error) => {
  logger.error({ err: error }, `API cannot listen: ${error.message}`);
  process.exit(1);
});

const shutdown = () => new Promise<void>((resolve) => {
  server.close(async () => {
    await store.close();
    await temporal.connection.close();
    await tracing?.shutdown();
    resolve();
  });
  server.closeIdleConnections();
});
exitWithSupervisor(shutdown);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown().then(() => process.exit(0)));

await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
await runStartupSteps(deps);
signalReady();
