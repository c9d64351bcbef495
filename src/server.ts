// `npm run api`: the API alone, for production, against TEMPORAL_ADDRESS and DATABASE_URL.
import { createApp } from './api/app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { installTracing } from './observability/tracing.js';
import { openConfiguredStore } from './runtime.js';
import { runStartupSteps } from './startup.js';
import { connectTemporal } from './temporal/client.js';
import { createPayloadCodec } from './temporal/codec.js';
import { requirePayloadKeys } from './temporal/payload-keys.js';
import { staticDashboardDir } from './web.js';
import { requireProductionSettings } from './entry.js';

const config = requireProductionSettings(loadConfig());
const logger = createLogger(config.LOG_LEVEL);
const payloadCodec = createPayloadCodec(requirePayloadKeys(config));
const tracing = installTracing(config, 'api');
const temporal = await connectTemporal(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE, payloadCodec, undefined, { tracing: Boolean(tracing) });
const store = await openConfiguredStore(config, logger);
const deps = { store, temporal, config, logger, clock: () => new Date() };
const app = createApp(deps, { staticDir: staticDashboardDir() });
const server = app.listen(config.PORT, config.HOST, () => {
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'API listening');
});
await runStartupSteps(deps);

const shutdown = () => {
  server.close(async () => {
    await store.close();
    await temporal.connection.close();
    await tracing?.shutdown();
    process.exit(0);
  });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
