// The Temporal server on PostgreSQL (the cluster topology), built by scripts/install-temporal-server
// and configured by config/temporal/shegong.yaml — the same file docker-compose.yml mounts. Used by
// `npm run cluster` and by the fault tests in test/cluster/.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { createServer } from 'node:net';
import { canConnect, waitForPort } from './dev-server.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLUSTER_CONFIG_DIR = join(REPO_ROOT, 'config', 'temporal');
/** The config file's name without `.yaml`, passed as the server's `--env`. */
export const CLUSTER_CONFIG_ENV = 'shegong';

/** Where the server's PostgreSQL is, parsed from TEMPORAL_POSTGRES_URL (its path is ignored). */
export interface TemporalPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const DEFAULT_TEMPORAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432';

export function parseTemporalPostgresUrl(url: string = DEFAULT_TEMPORAL_POSTGRES_URL): TemporalPostgres {
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`TEMPORAL_POSTGRES_URL must be a postgres:// URL, got ${parsed.protocol}`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
  };
}

export interface TemporalDatabases {
  postgres: TemporalPostgres;
  /** Defaults `temporal` and `temporal_visibility`; tests use names of their own per run. */
  database: string;
  visibilityDatabase: string;
}

/** Runs the server's SQL tool, failing with its output. */
async function sqlTool(serverDir: string, databases: TemporalDatabases, database: string, args: string[]): Promise<string> {
  const { postgres } = databases;
  const fullArgs = [
    '--plugin', 'postgres12', '--endpoint', postgres.host, '--port', String(postgres.port),
    '--user', postgres.user, '--password', postgres.password, '--database', database, ...args,
  ];
  return runToEnd(join(serverDir, 'temporal-sql-tool'), fullArgs, `temporal-sql-tool ${args[0]} (${database})`);
}

/**
 * Creates both databases if missing and brings their schemas to the version the server binary
 * ships (setup at 0.0, then every versioned step; a second run finds them current and changes nothing).
 */
export async function setupTemporalDatabases(serverDir: string, databases: TemporalDatabases): Promise<void> {
  const steps: Array<[string, string]> = [
    [databases.database, 'temporal'],
    [databases.visibilityDatabase, 'visibility'],
  ];
  for (const [database, schema] of steps) {
    try {
      await sqlTool(serverDir, databases, database, ['create-database']);
    } catch (error) {
      if (!/already exists/i.test((error as Error).message)) throw error;
    }
    try {
      await sqlTool(serverDir, databases, database, ['setup-schema', '-v', '0.0']);
    } catch (error) {
      if (!/already exists/i.test((error as Error).message)) throw error;
    }
    await sqlTool(serverDir, databases, database, ['update-schema', '-d', join(serverDir, 'schema', 'postgresql', 'v12', schema, 'versioned')]);
  }
}

/** Drops both databases (a test run's own); the server must be stopped first. */
export async function dropTemporalDatabases(serverDir: string, databases: TemporalDatabases): Promise<void> {
  for (const database of [databases.database, databases.visibilityDatabase]) {
    await sqlTool(serverDir, databases, database, ['drop-database', '--force']);
  }
}

export interface ClusterServerOptions {
  /** The directory scripts/install-temporal-server prints (temporal-server, temporal-sql-tool, schema/). */
  serverDir: string;
  databases: TemporalDatabases;
  ip?: string;
  /** The frontend's gRPC port (clients and workers connect here); default 7233. */
  port?: number;
  /** Where the server's Prometheus metrics are served; default 127.0.0.1:8000. */
  metricsAddress?: string;
  /** Overrides the config's history shard count; only takes effect when the database is new. */
  historyShards?: number;
  /** A dynamic config file instead of config/temporal/dynamicconfig.yaml (the benchmarks' variants). */
  dynamicConfigFile?: string;
  /** Free ports for the other services, instead of the config's defaults (tests). */
  freePorts?: boolean;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Namespaces to register (with `default`); the search attributes are added to each. */
  namespaces?: string[];
  searchAttributes: Array<{ name: string; type: string }>;
  onLog?: (line: string) => void;
  /** Start the server in a process group of its own, so a terminal's Ctrl-C leaves its stopping to the caller. */
  ownProcessGroup?: boolean;
}

export interface ClusterServer {
  address: string;
  metricsUrl: string;
  /** Stops the server process (SIGTERM, then SIGKILL after 15 s). */
  stop(): Promise<void>;
  /** Starts the process again with the same ports and databases. */
  start(): Promise<void>;
}

const { IndexedValueType } = proto.temporal.api.enums.v1;
const KEYWORD_TYPES: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Sets up the databases, starts `temporal-server` with the repo's config, waits until the frontend
 * answers, then registers the namespaces and the custom search attributes (safe to repeat).
 */
export async function startClusterServer(options: ClusterServerOptions): Promise<ClusterServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const metricsAddress = options.metricsAddress ?? '127.0.0.1:8000';
  await setupTemporalDatabases(options.serverDir, options.databases);

  const ports: Record<string, string> = { TEMPORAL_FRONTEND_PORT: String(port) };
  if (options.freePorts) {
    for (const name of [
      'TEMPORAL_FRONTEND_HTTP_PORT', 'TEMPORAL_FRONTEND_MEMBERSHIP_PORT', 'TEMPORAL_HISTORY_PORT', 'TEMPORAL_HISTORY_MEMBERSHIP_PORT',
      'TEMPORAL_MATCHING_PORT', 'TEMPORAL_MATCHING_MEMBERSHIP_PORT', 'TEMPORAL_WORKER_PORT', 'TEMPORAL_WORKER_MEMBERSHIP_PORT',
    ]) {
      ports[name] = String(await freeLowPort(new Set(Object.values(ports).map(Number))));
    }
  }
  const { postgres } = options.databases;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...ports,
    TEMPORAL_BIND_IP: ip,
    TEMPORAL_BROADCAST_ADDRESS: ip,
    TEMPORAL_DB_HOST: postgres.host,
    TEMPORAL_DB_PORT: String(postgres.port),
    TEMPORAL_DB_USER: postgres.user,
    TEMPORAL_DB_PASSWORD: postgres.password,
    TEMPORAL_DB_NAME: options.databases.database,
    TEMPORAL_VISIBILITY_DB_NAME: options.databases.visibilityDatabase,
    TEMPORAL_METRICS_ADDRESS: metricsAddress,
    TEMPORAL_DYNAMIC_CONFIG_FILE: options.dynamicConfigFile ?? join(CLUSTER_CONFIG_DIR, 'dynamicconfig.yaml'),
    TEMPORAL_LOG_LEVEL: options.logLevel ?? 'warn',
    ...(options.historyShards ? { NUM_HISTORY_SHARDS: String(options.historyShards) } : {}),
  };

  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  const output: string[] = [];

  const start = async () => {
    if (await canConnect(ip, port)) throw new Error(`port ${port} is taken (another Temporal server?): stop it or choose another port`);
    child = spawn(join(options.serverDir, 'temporal-server'), [
      '--root', REPO_ROOT, '--config', 'config/temporal', '--env', CLUSTER_CONFIG_ENV, '--allow-no-auth', 'start',
    ], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false });
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > 80) output.shift();
        options.onLog?.(line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const spawned = child;
    exited = new Promise((resolve) => spawned.once('exit', (code) => resolve(code)));
    const ready = waitUntilServing(`${ip}:${port}`, 120_000);
    const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
    if (first === 'exited') throw new Error(`temporal-server exited before it was ready:\n${output.join('\n')}`);
  };

  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      running.kill('SIGKILL');
      await exited;
    }
  };

  await start();
  try {
    await registerNamespaces(`${ip}:${port}`, ['default', ...(options.namespaces ?? [])], options.searchAttributes);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address: `${ip}:${port}`, metricsUrl: `http://${metricsAddress}/metrics`, stop, start };
}

/**
 * A free port below 32768: the server records membership ports in a smallint column, and the
 * ports the OS hands out for port 0 lie above that.
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below 32768');
}

/** Waits until the frontend answers a health check (the port opens before the services have joined). */
async function waitUntilServing(address: string, timeoutMs: number): Promise<void> {
  const [host, port] = address.split(':');
  await waitForPort(host!, Number(port), timeoutMs);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${(lastError as Error)?.message}`);
}

/** Registers each namespace (7 days' retention) and adds the custom search attributes to it. */
export async function registerNamespaces(address: string, namespaces: string[], searchAttributes: Array<{ name: string; type: string }>): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    for (const namespace of new Set(namespaces)) {
      try {
        await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('7 days') });
      } catch (error) {
        if (!/already exists|AlreadyExists/i.test((error as Error).message)) throw error;
      }
    }
    // A namespace is usable once every service's namespace cache has refreshed (up to ~10 s):
    // adding the search attributes is retried until it is.
    const wanted = Object.fromEntries(searchAttributes.map((attribute) => [attribute.name, KEYWORD_TYPES[attribute.type] ?? KEYWORD_TYPES.KEYWORD!]));
    for (const namespace of new Set(namespaces)) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          const existing = await connection.operatorService.listSearchAttributes({ namespace });
          const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !(name in (existing.customAttributes ?? {}))));
          if (Object.keys(missing).length > 0) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
          // Listed is not yet usable: the frontend validates a start's search attributes against its
          // own namespace cache, which learns the new mapping later. A query naming every one of
          // them fails until it has.
          const names = Object.keys(wanted);
          const query = names.length > 0 ? names.map((name) => `${name} IS NULL`).join(' AND ') : undefined;
          await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, ...(query ? { query } : {}) });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`could not set up namespace ${namespace}: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    }
  } finally {
    await connection.close();
  }
}

function runToEnd(command: string, args: string[], label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${label} failed (exit ${code}):\n${output.slice(-4000)}`));
    });
  });
}
