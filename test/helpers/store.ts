import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { dropSchema, openStore, type Store } from '../../src/store/connect.js';
import { migrateAndSeed, pgliteTemplate } from './store-template.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type BackendName = 'pglite' | 'postgres';
export const BACKENDS: BackendName[] = ['pglite', 'postgres'];

export interface TestStore extends Store {
  /** Closes the store and drops what the test made (its PostgreSQL schema). */
  dispose(): Promise<void>;
}

/** A migrated, empty store: PGlite in memory, or a fresh schema in the test PostgreSQL. */
export async function createTestStore(backend: BackendName = 'pglite', options: { seed?: boolean; today?: string } = {}): Promise<TestStore> {
  if (backend === 'pglite') {
    const store = await openStore({ fromDump: await pgliteTemplate(inject('storeTemplateDir'), options) });
    return { ...store, dispose: () => store.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 4 });
  await migrateAndSeed(store.db, options);
  return {
    ...store,
    dispose: async () => {
      await store.close();
      await dropSchema(TEST_DATABASE_URL, schema);
    },
  };
}
