// `npm run cluster`: the cluster topology on one machine, as docker-compose.yml deploys it: the
// Temporal server built from go.temporal.io/server on PostgreSQL (config/temporal/shegong.yaml),
// two worker processes and the API as a separate process, all on PostgreSQL for the records.
// Prints the addresses; Ctrl-C stops the API, then the workers, then the Temporal server.
// scripts/cluster.mjs builds the server when missing and sets TEMPORAL_SERVER_DIR.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureAdminToken, ensureAdminUser } from './bootstrap.js';
import { loadConfig } from './config.js';
import { shanghaiDate } from './domain/time.js';
import { createLogger } from './logger.js';
import { openStore } from './store/connect.js';
import { ensureDatabase } from './store/admin.js';
import { migrateToLatest } from './store/migrate.js';
import { loadDefaultData } from './store/seed/default-data.js';
import { DEFAULT_TEMPORAL_POSTGRES_URL, parseTemporalPostgresUrl, REPO_ROOT, startClusterServer } from './temporal/cluster-server.js';
import { ensureGeneratedKeyFile } from './temporal/payload-keys.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from './temporal/search-attributes.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const serverDir = process.env.TEMPORAL_SERVER_DIR;
if (!serverDir) {
  console.error('shegong cluster: TEMPORAL_SERVER_DIR is not set: run it as `npm run cluster`, which finds or builds the Temporal server');
  process.exit(2);
}
const temporalPostgresUrl = process.env.TEMPORAL_POSTGRES_URL || DEFAULT_TEMPORAL_POSTGRES_URL;
// The records go to PostgreSQL: PGlite belongs to one process and here there are three.
const databaseUrl = config.DATABASE_URL ?? `${temporalPostgresUrl.replace(/\/[^/]*$/, '').replace(/\/$/, '')}/shegong`;
const workerCount = Number(process.env.CLUSTER_WORKERS ?? 2);
const frontendPort = config.TEMPORAL_DEV_PORT;
const temporalAddress = `127.0.0.1:${frontendPort}`;

interface Supervised {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const running: Supervised[] = [];
let stopping = false;

/** Starts one child process, its output prefixed with its name; an unexpected exit stops everything. */
function startProcess(name: string, script: string, env: NodeJS.ProcessEnv): Supervised {
  // A process group of its own: the terminal's Ctrl-C reaches only this supervisor, which then
  // stops the processes in order.
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) stream.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', prefix(process.stdout));
  child.stderr?.on('data', prefix(process.stderr));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  void exited.then((code) => {
    if (!stopping) {
      logger.error({ process: name, code }, 'a cluster process exited: stopping the rest');
      void stopAll(1);
    }
  });
  const supervised = { name, child, exited };
  running.push(supervised);
  return supervised;
}

async function stopProcess(target: Supervised): Promise<void> {
  if (target.child.exitCode !== null || target.child.signalCode !== null) return;
  target.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 20_000).unref());
  if ((await Promise.race([target.exited, timeout])) === 'timeout') {
    logger.warn({ process: target.name }, 'did not stop within 20 s: killing it');
    target.child.kill('SIGKILL');
    await target.exited;
  }
}

let stopTemporal: (() => Promise<void>) | undefined;

async function stopAll(code: number): Promise<never> {
  if (stopping) return new Promise(() => undefined);
  stopping = true;
  logger.info('stopping: the API, then the workers, then the Temporal server');
  for (const group of [running.filter((p) => p.name === 'api'), running.filter((p) => p.name !== 'api')]) {
    await Promise.all(group.map(stopProcess));
  }
  await stopTemporal?.().catch((error: unknown) => logger.error({ err: error }, 'stopping the Temporal server failed'));
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  const today = shanghaiDate(new Date());
  const keyFile = config.SHEGONG_PAYLOAD_KEY_FILE?.path ?? (config.SHEGONG_PAYLOAD_KEYS ? undefined : ensureGeneratedKeyFile(config.DATA_DIR, today).path);

  // The records store: created, migrated and seeded once here, before any process uses it.
  await ensureDatabase(databaseUrl);
  const store = await openStore({ databaseUrl });
  await migrateToLatest(store.db);
  if (config.SEED_DEFAULT_DATA) await loadDefaultData(store.db, today);
  const adminToken = await ensureAdminToken(store, resolve(config.DATA_DIR));
  const adminSignIn = await ensureAdminUser(store, resolve(config.DATA_DIR));
  await store.close();

  logger.info('starting the Temporal server on PostgreSQL');
  const temporal = await startClusterServer({
    serverDir,
    databases: { postgres: parseTemporalPostgresUrl(temporalPostgresUrl), database: 'temporal', visibilityDatabase: 'temporal_visibility' },
    port: frontendPort,
    metricsAddress: process.env.TEMPORAL_METRICS_ADDRESS ?? '127.0.0.1:8000',
    namespaces: [config.TEMPORAL_NAMESPACE],
    searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
    onLog: (line) => logger.debug({ temporal: line }),
    ownProcessGroup: true,
  });
  stopTemporal = temporal.stop;

  const shared: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: databaseUrl,
    ...(keyFile ? { SHEGONG_PAYLOAD_KEY_FILE: keyFile } : {}),
  };
  const workerMetrics: string[] = [];
  for (let index = 1; index <= workerCount; index += 1) {
    const metricsAddress = `127.0.0.1:${9463 + index}`;
    workerMetrics.push(metricsAddress);
    startProcess(`worker-${index}`, 'src/worker.ts', { ...shared, TEMPORAL_SDK_METRICS_ADDRESS: metricsAddress });
  }
  startProcess('api', 'src/server.ts', shared);

  const base = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  const lines = [
    '',
    'Shegong cluster is starting (the API is ready once it logs "API listening").',
    `  Dashboard and API     ${base}/`,
    `  Health                ${base}/healthz`,
    `  API metrics           ${base}/metrics  (loopback only unless METRICS_TOKEN is set)`,
    `  Temporal frontend     ${temporal.address}  (server on PostgreSQL, config/temporal/shegong.yaml)`,
    `  Temporal metrics      ${temporal.metricsUrl}`,
    ...workerMetrics.map((address, index) => `  Worker ${index + 1} SDK metrics  http://${address}/metrics`),
    `  Records store         ${databaseUrl.replace(/\/\/[^@/]*@/, '//')}`,
    adminToken ? `  Admin token           ${adminToken}` : '  Admin token           (created on an earlier run; create another with the CLI)',
    adminSignIn ? `  Dashboard sign-in     ${adminSignIn.username} / ${adminSignIn.password}` : '  Dashboard sign-in     (created on an earlier run)',
    '',
    'Press Ctrl-C to stop (API, then workers, then the Temporal server).',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  logger.error({ err: error }, `cluster start failed: ${(error as Error).message}`);
  await stopAll(1);
}
