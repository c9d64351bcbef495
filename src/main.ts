// `npm start`: the whole service on one machine with embedded defaults — the Temporal dev server
// (SQLite file and web UI), the records store (PGlite unless DATABASE_URL), the worker and the API.
import { resolve, join } from 'node:path';
import type { Server } from 'node:http';
import { createApp } from './api/app.js';
import { codecEndpointUrl } from './api/codec-endpoint.js';
import type { AppDeps } from './api/route.js';
import { ensureAdminToken, ensureAdminUser } from './bootstrap.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { openConfiguredStore } from './runtime.js';
import { loadDefaultData } from './store/seed/default-data.js';
import { runStartupSteps } from './startup.js';
import { connectTemporal } from './temporal/client.js';
import { installTracing } from './observability/tracing.js';
import { createPayloadCodec } from './temporal/codec.js';
import { requirePayloadKeys, withPayloadKeys } from './temporal/payload-keys.js';
import { startDevServer, type DevServer } from './temporal/dev-server.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from './temporal/search-attributes.js';
import { createWorker, installRuntime } from './temporal/worker.js';
import { shanghaiDate } from './domain/time.js';
import { staticDashboardDir } from './web.js';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`shegong: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.warn({ err: error }, 'cleanup failed');
      }
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    config = withPayloadKeys(config, shanghaiDate(new Date()));
    const payloadCodec = createPayloadCodec(requirePayloadKeys(config));
    let address = config.TEMPORAL_ADDRESS;
    let uiUrl = config.TEMPORAL_UI_URL;
    if (!address) {
      if (!config.TEMPORAL_CLI) throw new Error('TEMPORAL_CLI is not set: run through `npm start`, or set TEMPORAL_ADDRESS');
      logger.info('starting the Temporal dev server');
      const server: DevServer = await startDevServer({
        cli: config.TEMPORAL_CLI,
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        uiCodecEndpoint: codecEndpointUrl(config),
        dbFile: resolve(join(config.DATA_DIR, 'temporal', 'temporal.db')),
        pidFile: resolve(join(config.DATA_DIR, 'temporal', 'dev-server.pid')),
        searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
        onLog: (line) => logger.debug({ temporal: line }),
      });
      cleanups.push(() => server.stop());
      address = server.address;
      uiUrl = server.uiUrl;
      config = { ...config, TEMPORAL_ADDRESS: address, TEMPORAL_UI_URL: uiUrl };
    }
    const tracing = installTracing(config, 'worker');
    if (tracing) cleanups.push(() => tracing.shutdown());
    const temporal = await connectTemporal(address, config.TEMPORAL_NAMESPACE, payloadCodec, undefined, { tracing: Boolean(tracing) });
    cleanups.push(() => temporal.connection.close());

    const store = await openConfiguredStore(config, logger);
    cleanups.push(() => store.close());
    const clock = () => new Date();
    if (config.SEED_DEFAULT_DATA) {
      const seeded = await loadDefaultData(store.db, shanghaiDate(clock()));
      logger.info({ alreadyLoaded: seeded.alreadyLoaded }, 'default Zhanlanlu data');
    }
    const adminToken = await ensureAdminToken(store, resolve(config.DATA_DIR));
    const adminSignIn = await ensureAdminUser(store, resolve(config.DATA_DIR));

    const deps: AppDeps = { store, temporal, config, logger, clock };
    installRuntime(logger, undefined, { sdkMetricsAddress: config.TEMPORAL_SDK_METRICS_ADDRESS });
    const { worker } = await createWorker({
      address,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      activityDeps: { store, config, logger, temporal, clock },
      payloadCodec,
      tracing,
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    workerRun.catch((error) => {
      logger.error({ err: error }, 'worker stopped');
      void stop(1);
    });

    const app = createApp(deps, { staticDir: staticDashboardDir() });
    const server: Server = await new Promise((resolveListen, reject) => {
      const listening = app.listen(config.PORT, config.HOST, () => resolveListen(listening));
      listening.once('error', reject);
    });
    cleanups.push(() => new Promise((done) => server.close(() => done())));
    await runStartupSteps(deps);

    const base = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
    const lines = [
      '',
      'Shegong is ready.',
      `  Dashboard and API  ${base}/`,
      `  API docs           ${base}/docs  (OpenAPI: ${base}/api/openapi.json)`,
      `  Health             ${base}/healthz`,
      `  Temporal UI        ${uiUrl ?? '(not available: set TEMPORAL_UI_URL)'}`,
      `  Temporal address   ${address}`,
      `  Records store      ${store.location}`,
      adminToken ? `  Admin token        ${adminToken}` : '  Admin token        (created on first run; its file was removed — create another with the CLI)',
      adminSignIn ? `  Dashboard sign-in  ${adminSignIn.username} / ${adminSignIn.password}  (kept in ${resolve(config.DATA_DIR, 'admin-password')})` : '  Dashboard sign-in  (the first admin password file was removed — create users with the API or CLI)',
      '',
      'Press Ctrl-C to stop.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    logger.error({ err: error }, `start failed: ${(error as Error).message}`);
    await stop(1);
  }
}

void main();
