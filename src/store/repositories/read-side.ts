import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';

// The read side's version of a scope: the sum of the counters of the streets the scope can see
// and of '*' (changes that belong to no one street). Migration 0190 bumps the counters in the
// writing transaction, so an unchanged sum means nothing the scope reads has changed. Reading it
// costs one recursive walk of the org tree (a handful of levels), whatever the history's size.

export async function scopeVersion(db: Kysely<Database>, scopeId: string): Promise<string> {
  const result = await sql<{ version: string | null }>`
    WITH RECURSIVE sub AS (
      SELECT id, kind FROM org_units WHERE id = ${scopeId}
      UNION ALL
      SELECT o.id, o.kind FROM org_units o JOIN sub ON o.parent_id = sub.id
    ),
    streets AS (
      SELECT id FROM sub WHERE kind = 'street'
      UNION
      SELECT c.street_id FROM communities c WHERE c.id = ${scopeId}
    )
    SELECT sum(version)::text AS version FROM scope_versions
    WHERE scope_id = '*' OR scope_id IN (SELECT id FROM streets)`.execute(db);
  return result.rows[0]?.version ?? '0';
}
