import { inject } from 'vitest';
import { dropTemporalDatabases, parseTemporalPostgresUrl, startClusterServer, type ClusterServer, type TemporalDatabases } from '../../src/temporal/cluster-server.js';
import { freePort } from '../../src/temporal/dev-server.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.js';
import { testNamespace } from '../helpers/temporal.js';

// The cluster topology in tests: the Temporal server built from go.temporal.io/server (the global
// setup builds it when missing) on PostgreSQL (TEMPORAL_POSTGRES_URL, default the local one), in
// databases named after the run and the file, dropped afterwards. 8 history shards instead of the
// config's 512: the count only spreads load, and 512 shards cost this 2-core machine seconds at
// every start (docs/deployment.md, "History shards").

export interface TestCluster extends ClusterServer {
  databases: TemporalDatabases;
  dispose(): Promise<void>;
}

export async function startTestCluster(name: string): Promise<TestCluster> {
  const serverDir = inject('temporalServerDir');
  const suffix = `${inject('runId')}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const databases: TemporalDatabases = {
    postgres: parseTemporalPostgresUrl(process.env.TEMPORAL_POSTGRES_URL || undefined),
    database: `temporal_${suffix}`,
    visibilityDatabase: `temporal_visibility_${suffix}`,
  };
  const server = await startClusterServer({
    serverDir,
    databases,
    port: await freePort(),
    metricsAddress: `127.0.0.1:${await freePort()}`,
    freePorts: true,
    historyShards: 8,
    namespaces: [testNamespace()],
    searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
    onLog: process.env.CLUSTER_DEBUG ? (line) => process.stderr.write(`[temporal] ${line}\n`) : undefined,
  });
  return {
    ...server,
    databases,
    dispose: async () => {
      await server.stop();
      await dropTemporalDatabases(serverDir, databases).catch(() => undefined);
    },
  };
}
