import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { loadDefaultData } from '../../src/store/seed/default-data.js';

const DEFAULT_TODAY = '2026-11-28';

/** Every migration, then the default data when asked (as of `today`, by default 2026-11-28). */
export async function migrateAndSeed(db: Store['db'], options: { seed?: boolean; today?: string }): Promise<void> {
  await migrateToLatest(db);
  if (options.seed) await loadDefaultData(db, options.today ?? DEFAULT_TODAY);
}

/**
 * The data folder of a migrated (and, when asked, seeded) PGlite store as a tarball, made once for
 * the run in `dir`: migrating PGlite from nothing costs seconds of CPU, and some ninety stores a
 * run start from the same few states. The global set-up makes the two common ones; another (a
 * seed for a different day) is made by the first file that needs it, written under a temporary
 * name and then renamed, so no file reads half of one. Every store loaded from it is its own copy.
 */
export async function pgliteTemplateFile(dir: string, options: { seed?: boolean; today?: string } = {}): Promise<string> {
  const key = options.seed ? `seeded-${options.today ?? DEFAULT_TODAY}` : 'migrated';
  const file = join(dir, `pglite-${key}.tar.gz`);
  if (!existsSync(file)) {
    // A seeded template starts from the migrated one (migrating in WASM is the dearer half).
    const store = await openStore(options.seed ? { fromDump: await pgliteTemplate(dir) } : {});
    try {
      await migrateAndSeed(store.db, options);
      const dump = await store.dumpDataDir!();
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
    } finally {
      await store.close();
    }
  }
  return file;
}

/** The template's tarball, to open a store from (`openStore({ fromDump })`). */
export async function pgliteTemplate(dir: string, options: { seed?: boolean; today?: string } = {}): Promise<Blob> {
  return new Blob([readFileSync(await pgliteTemplateFile(dir, options))]);
}
