import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';

/** Asks the store the smallest question it can answer; throws when it cannot. */
export async function pingStore(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
