import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

// The `meta` table: small keyed values the service keeps about itself (what bootstrap and the
// seed have done, the last digest per street …).

/** Writes a value under a key, replacing what was there; writing the same value again changes nothing. */
export async function putMeta(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db.insertInto('meta')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}

export async function hasMeta(db: Kysely<Database>, key: string): Promise<boolean> {
  return (await db.selectFrom('meta').select('key').where('key', '=', key).executeTakeFirst()) !== undefined;
}

export async function insertMeta(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  await db.insertInto('meta').values({ key, value: JSON.stringify(value) }).execute();
}
