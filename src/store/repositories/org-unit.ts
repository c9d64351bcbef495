import { type Kysely, sql } from 'kysely';
import type { Principal } from '../../domain/principal.js';
import type { Database } from '../database.js';

// The org tree (city → district → street → community) and the scope questions every layer asks of it.

/** The ids of an org unit and all its ancestors, nearest first. */
export async function orgAncestors(db: Kysely<Database>, orgUnitId: string): Promise<string[]> {
  const result: string[] = [];
  let current: string | null = orgUnitId;
  // Trees are a handful of levels deep (city → district → street → community).
  for (let depth = 0; current && depth < 16; depth += 1) {
    const row: { id: string; parent_id: string | null } | undefined = await db.selectFrom('org_units')
      .select(['id', 'parent_id']).where('id', '=', current).executeTakeFirst();
    if (!row) break;
    result.push(row.id);
    current = row.parent_id;
  }
  return result;
}

/** Whether a principal's scope covers an org unit (the unit itself or one of its ancestors). */
export async function inScope(db: Kysely<Database>, principal: Principal, orgUnitId: string): Promise<boolean> {
  return (await orgAncestors(db, orgUnitId)).includes(principal.scopeId);
}

/** A subquery of every org unit id in the subtree under (and including) a scope, for `col IN (…)`. */
export function subtreeOf(scopeId: string) {
  return sql<string>`(
    WITH RECURSIVE sub AS (
      SELECT id FROM org_units WHERE id = ${scopeId}
      UNION ALL
      SELECT o.id FROM org_units o JOIN sub ON o.parent_id = sub.id
    )
    SELECT id FROM sub)`;
}

/** Every org unit id in the subtree under (and including) a scope. */
export async function subtreeIds(db: Kysely<Database>, scopeId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    WITH RECURSIVE sub AS (
      SELECT id FROM org_units WHERE id = ${scopeId}
      UNION ALL
      SELECT o.id FROM org_units o JOIN sub ON o.parent_id = sub.id
    )
    SELECT id FROM sub`.execute(db);
  return result.rows.map((row) => row.id);
}

/** Whether an org unit is a root of the tree (no parent): its admins see what belongs to no scope. */
export async function isRootOrgUnit(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db.selectFrom('org_units').select('parent_id').where('id', '=', id).executeTakeFirst();
  return row !== undefined && row.parent_id === null;
}

/** The communities under a principal's scope. */
export async function scopedCommunityIds(db: Kysely<Database>, principal: Principal): Promise<string[]> {
  const ids = await subtreeIds(db, principal.scopeId);
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('communities').select('id').where('id', 'in', ids).orderBy('id').execute();
  return rows.map((row) => row.id);
}

export interface OrgUnitView {
  id: string;
  kind: string;
  name: { zh: string; en: string };
}

export async function getOrgUnit(db: Kysely<Database>, id: string): Promise<OrgUnitView | undefined> {
  const row = await db.selectFrom('org_units').select(['id', 'kind', 'name_zh', 'name_en']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, kind: row.kind, name: { zh: row.name_zh, en: row.name_en } } : undefined;
}

/** The existing org units among these ids, locked (FOR UPDATE) until the caller's transaction ends. */
export async function lockOrgUnits(db: Kysely<Database>, ids: string[]): Promise<Array<{ id: string; kind: string; parentId: string | null }>> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('org_units').select(['id', 'kind', 'parent_id']).where('id', 'in', [...new Set(ids)]).orderBy('id').forUpdate().execute();
  return rows.map((row) => ({ id: row.id, kind: row.kind, parentId: row.parent_id }));
}

/** Which of these org unit ids exist, in one query however many are asked about. */
export async function existingOrgUnitIds(db: Kysely<Database>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('org_units').select('id').where('id', 'in', [...new Set(ids)]).execute();
  return rows.map((row) => row.id);
}

export async function orgUnitExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('org_units').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** The first root of the org tree (by id): where the first admin's scope goes. */
export async function firstRootOrgUnitId(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('org_units').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
  return row?.id;
}

/** The org units directly under one, by id: the rows of a roll-up. */
export async function childOrgUnits(db: Kysely<Database>, parentId: string): Promise<OrgUnitView[]> {
  const rows = await db.selectFrom('org_units').select(['id', 'kind', 'name_zh', 'name_en']).where('parent_id', '=', parentId).orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, kind: row.kind, name: { zh: row.name_zh, en: row.name_en } }));
}

/** The communities in the subtree under (and including) an org unit. */
export async function communityIdsUnder(db: Kysely<Database>, orgUnitId: string): Promise<string[]> {
  const rows = await db.selectFrom('communities').select('id').where('id', 'in', subtreeOf(orgUnitId)).orderBy('id').execute();
  return rows.map((row) => row.id);
}
