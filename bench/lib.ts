import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalCliPath, temporalServerDir } from '../scripts/lib/ensure.mjs';
import {
  CLUSTER_CONFIG_DIR, dropTemporalDatabases, parseTemporalPostgresUrl, startClusterServer, type TemporalDatabases,
} from '../src/temporal/cluster-server.js';
import { freePort } from '../src/temporal/dev-server.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes.js';

/** The Temporal CLI ($TEMPORAL_CLI or scripts/install-temporal) and the Temporal server's directory. */
export { temporalCliPath as temporalCli, temporalServerDir };

/** The p-th percentile (nearest rank) of ascending values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface BenchCluster {
  address: string;
  /** One line for the report: what server, which databases, shards, dynamic settings. */
  description: string;
  /** Stops the server and drops its databases. */
  stop(): Promise<void>;
}

/**
 * `--cluster`: the Temporal server on PostgreSQL as the cluster tests start it
 * (src/temporal/cluster-server.ts with config/temporal/shegong.yaml and its dynamic config), in two
 * databases of the bench's own named after the run (TEMPORAL_POSTGRES_URL, default the local
 * PostgreSQL), dropped when the bench stops (also on Ctrl-C), the custom search attributes
 * registered. History shards: the config's deployment count (512) unless `historyShards` is given
 * — the figure then is the deployed server's, not the tests' 8-shard one.
 * `eager`: a copy of the dynamic config with system.enableActivityEagerExecution on (the config
 * keeps it off); every other setting, one task-queue partition included, is the config's.
 */
export async function startBenchCluster(name: string, options: { historyShards?: number; eager?: boolean } = {}): Promise<BenchCluster> {
  const serverDir = temporalServerDir();
  const suffix = `${name}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const databases: TemporalDatabases = {
    postgres: parseTemporalPostgresUrl(process.env.TEMPORAL_POSTGRES_URL || undefined),
    database: `temporal_bench_${suffix}`,
    visibilityDatabase: `temporal_visibility_bench_${suffix}`,
  };
  let dynamicDir: string | undefined;
  let dynamicConfigFile: string | undefined;
  if (options.eager) {
    const original = readFileSync(join(CLUSTER_CONFIG_DIR, 'dynamicconfig.yaml'), 'utf8');
    const eager = original.replace(/(system\.enableActivityEagerExecution:\s*\n\s*- value: )false/, '$1true');
    if (eager === original) throw new Error('config/temporal/dynamicconfig.yaml: system.enableActivityEagerExecution: false not found');
    dynamicDir = mkdtempSync(join(tmpdir(), 'shegong-bench-dynamic-'));
    dynamicConfigFile = join(dynamicDir, 'dynamicconfig.yaml');
    writeFileSync(dynamicConfigFile, eager);
  }
  let stopped: Promise<void> | undefined;
  const cleanUp = async (server?: { stop(): Promise<void> }) => {
    await server?.stop();
    await dropTemporalDatabases(serverDir, databases).catch((error: Error) => {
      process.stderr.write(`bench: could not drop ${databases.database}, ${databases.visibilityDatabase}: ${error.message}\n`);
    });
    if (dynamicDir) rmSync(dynamicDir, { recursive: true, force: true });
  };
  let server;
  try {
    server = await startClusterServer({
      serverDir,
      databases,
      port: await freePort(),
      metricsAddress: `127.0.0.1:${await freePort()}`,
      freePorts: true,
      ...(options.historyShards ? { historyShards: options.historyShards } : {}),
      ...(dynamicConfigFile ? { dynamicConfigFile } : {}),
      searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
      onLog: process.env.CLUSTER_DEBUG ? (line) => process.stderr.write(`[temporal] ${line}\n`) : undefined,
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const running = server;
  const stop = () => (stopped ??= cleanUp(running));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}: stopping the Temporal server and dropping its databases\n`);
      void stop().finally(() => process.exit(130));
    });
  }
  const shards = options.historyShards ?? 'the config\'s (512)';
  return {
    address: running.address,
    description: `server ${serverDir.split('/').pop()} on PostgreSQL ${databases.postgres.host}:${databases.postgres.port} `
      + `(databases ${databases.database}, ${databases.visibilityDatabase}; history shards ${shards}; `
      + `dynamic config config/temporal/dynamicconfig.yaml${options.eager ? ' with eager activity dispatch on' : ''})`,
    stop,
  };
}
