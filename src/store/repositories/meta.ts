import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

// Facts about the installation itself (what bootstrap and the seed have done), by key.

export async function hasMeta(db: Kysely<Database>, key: string): Promise<boolean> {
  return (await db.selectFrom('meta').select('key').where('key', '=', key).executeTakeFirst()) !== undefined;
}

export async function insertMeta(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  await db.insertInto('meta').values({ key, value: JSON.stringify(value) }).execute();
}
