import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { openStore, type Store } from './store/connect.js';
import { migrateToLatest } from './store/migrate.js';

/** Opens the records store the config names (PostgreSQL, or PGlite under DATA_DIR) and migrates it. */
export async function openConfiguredStore(config: Config, logger: Logger): Promise<Store> {
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : resolve(join(config.DATA_DIR, 'records')),
  });
  const applied = await migrateToLatest(store.db);
  logger.info({ store: store.location, applied }, 'records store ready');
  return store;
}

/** The Temporal Web UI link for a workflow, when the UI address is known. */
export function workflowUiUrl(config: Config, workflowId: string, client?: Client): string | undefined {
  const base = config.TEMPORAL_UI_URL;
  if (!base) return undefined;
  const namespace = client?.options.namespace ?? config.TEMPORAL_NAMESPACE;
  return `${base.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
