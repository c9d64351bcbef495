// `npm start`: the whole service on one machine with embedded defaults, as three processes under
// one supervisor (src/supervisor.ts): the platform (the Temporal dev server, and the records store —
// PGlite, served on loopback — migrated and seeded), then the worker, then the API. A fault in the
// API cannot stall the worker, nor a worker fault the API; either is restarted with a back-off.
// Ctrl-C stops the API, then the worker, then the platform. Every line goes to one stream,
// prefixed with the process it came from.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { secureDataDir } from './data-dir.js';
import { shanghaiDate } from './domain/time.js';
import { createSupervisor, type ChildSpec } from './supervisor.js';
import { freePort } from './temporal/dev-server.js';
import { withPayloadKeys } from './temporal/payload-keys.js';

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

// Everything written under DATA_DIR from here on — by us, PGlite, the Temporal dev server — is
// readable by this user only; what an earlier version left readable is fixed first.
process.umask(0o077);
const dataDir = resolve(config.DATA_DIR);
secureDataDir(dataDir);
const keyFile = withPayloadKeys(config, shanghaiDate(new Date())).SHEGONG_PAYLOAD_KEY_FILE;

const storePort = config.DATABASE_URL ? undefined : config.STORE_PORT || await freePort();
const temporalAddress = config.TEMPORAL_ADDRESS || `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
const uiUrl = config.TEMPORAL_UI_URL || (config.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`);
const databaseUrl = config.DATABASE_URL || `postgres://postgres@127.0.0.1:${storePort}/postgres`;

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const env = (extra: Record<string, string | undefined>): NodeJS.ProcessEnv => ({
  ...process.env,
  DATA_DIR: dataDir,
  ...(keyFile && !config.SHEGONG_PAYLOAD_KEYS ? { SHEGONG_PAYLOAD_KEY_FILE: keyFile.path } : {}),
  ...Object.fromEntries(Object.entries(extra).filter((entry): entry is [string, string] => entry[1] !== undefined)),
});
const tsx = (entry: string) => ['--import', 'tsx', join(root, 'src', entry)];
const children: ChildSpec[] = [
  { name: 'platform', command: process.execPath, args: tsx('platform.ts'), cwd: root, env: env({ STORE_PORT: storePort === undefined ? undefined : String(storePort) }), readyMessage: true },
  { name: 'worker', command: process.execPath, args: tsx('worker.ts'), cwd: root, env: env({ TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl }), readyMessage: true },
  { name: 'api', command: process.execPath, args: tsx('server.ts'), cwd: root, env: env({ TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, TEMPORAL_UI_URL: uiUrl }), readyMessage: true },
];
const supervisor = createSupervisor(children);
supervisor.stopOnSignals(0);

try {
  await supervisor.start();
} catch (error) {
  console.error(`shegong: start failed: ${(error as Error).message}`);
  await supervisor.stop();
  process.exit(1);
}

const read = (name: string) => {
  const file = join(dataDir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
};
const adminToken = read('admin-token');
const adminPassword = read('admin-password');
const base = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
const pids = Object.fromEntries(supervisor.children().map((child) => [child.name, child.pid]));
const lines = [
  '',
  'Shegong is ready.',
  `  Dashboard and API  ${base}/`,
  `  API docs           ${base}/docs  (OpenAPI: ${base}/api/openapi.json)`,
  `  Health             ${base}/healthz`,
  `  Temporal UI        ${uiUrl ?? '(not available: set TEMPORAL_UI_URL)'}`,
  `  Temporal address   ${temporalAddress}`,
  `  Records store      ${config.DATABASE_URL ? new URL(config.DATABASE_URL).host : `${join(dataDir, 'records')} (PGlite, served on 127.0.0.1:${storePort})`}`,
  `  Processes          platform ${pids.platform}, worker ${pids.worker}, api ${pids.api}`,
  adminToken ? `  Admin token        ${adminToken}` : '  Admin token        (created on first run; its file was removed — create another with the CLI)',
  adminPassword ? `  Dashboard sign-in  admin / ${adminPassword}  (kept in ${join(dataDir, 'admin-password')})` : '  Dashboard sign-in  (the first admin password file was removed — create users with the API or CLI)',
  '',
  'Press Ctrl-C to stop.',
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
