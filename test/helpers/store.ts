import { randomBytes } from 'node:crypto';
import { dropSchema, openStore, type Store } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { loadDefaultData } from '../../src/store/seed/default-data.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type BackendName = 'pglite' | 'postgres';
export const BACKENDS: BackendName[] = ['pglite', 'postgres'];

export interface TestStore extends Store {
  /** Closes the store and drops what the test made (its PostgreSQL schema). */
  dispose(): Promise<void>;
}

/** A migrated, empty store: PGlite in memory, or a fresh schema in the test PostgreSQL. */
export async function createTestStore(backend: BackendName = 'pglite', options: { seed?: boolean; today?: string } = {}): Promise<TestStore> {
  const schema = backend === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const store = await openStore(backend === 'postgres' ? { databaseUrl: TEST_DATABASE_URL, schema, poolSize: 4 } : {});
  await migrateToLatest(store.db);
  if (options.seed) await loadDefaultData(store.db, options.today ?? '2026-11-28');
  return {
    ...store,
    dispose: async () => {
      await store.close();
      if (schema) await dropSchema(TEST_DATABASE_URL, schema);
    },
  };
}
