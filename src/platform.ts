// `npm start`'s first process: the parts the API and the worker share on one machine. It starts
// the Temporal dev server (unless TEMPORAL_ADDRESS), opens the records store — PGlite under
// DATA_DIR, served on loopback over the PostgreSQL protocol, unless DATABASE_URL — migrates and
// seeds it, and creates the first admin token and sign-in. Then it says it is ready, and the
// supervisor (src/main.ts) starts the worker and the API as processes of their own.
import { join, resolve } from 'node:path';
import { ensureAdminToken, ensureAdminUser } from './bootstrap.js';
import { codecEndpointUrl } from './api/codec-endpoint.js';
import { loadConfig } from './config.js';
import { shanghaiDate } from './domain/time.js';
import { createLogger } from './logger.js';
import { openConfiguredStore } from './runtime.js';
import { servePglite } from './store/pglite-server.js';
import { loadDefaultData } from './store/seed/default-data.js';
import { exitWithSupervisor, signalReady } from './supervisor.js';
import { startDevServer } from './temporal/dev-server.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from './temporal/search-attributes.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL).child({ process: 'platform' });
const cleanups: Array<() => Promise<void>> = [];
const stop = async (code: number) => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'cleanup failed'));
  process.exit(code);
};
exitWithSupervisor(() => stop(1));
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

try {
  if (!config.TEMPORAL_ADDRESS) {
    if (!config.TEMPORAL_CLI) throw new Error('TEMPORAL_CLI is not set: run through `npm start`, or set TEMPORAL_ADDRESS');
    const server = await startDevServer({
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
    logger.info({ address: server.address, ui: server.uiUrl }, 'Temporal dev server ready');
  }
  const store = await openConfiguredStore(config, logger);
  cleanups.push(() => store.close());
  if (config.SEED_DEFAULT_DATA) {
    const seeded = await loadDefaultData(store.db, shanghaiDate(new Date()));
    logger.info({ alreadyLoaded: seeded.alreadyLoaded }, 'default Zhanlanlu data');
  }
  await ensureAdminToken(store, resolve(config.DATA_DIR));
  await ensureAdminUser(store, resolve(config.DATA_DIR));
  if (store.pglite) {
    const served = await servePglite(store.pglite, config.STORE_PORT);
    cleanups.push(() => served.close());
    logger.info({ port: served.port }, 'records store served on loopback');
  }
  signalReady();
} catch (error) {
  logger.error({ err: error }, `platform failed: ${(error as Error).message}`);
  await stop(1);
}
