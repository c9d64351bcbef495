import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

// The `meta` table: small keyed values the service keeps about itself (the last digest per street …).

/** Writes a value under a key, replacing what was there; writing the same value again changes nothing. */
export async function putMeta(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db.insertInto('meta')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}
