import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

export interface CommunityView {
  id: string;
  streetId: string;
  name: { zh: string; en: string };
  isPlaceholder: boolean;
  station: { id: string; status: string; openedOn: string | null } | null;
}

/** `%text%` for LIKE, with LIKE's own wildcards in the text taken literally. */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Communities with their station, real ones before the placeholders that stand in for the names
 * the source does not give; `q` matches part of the id or either name.
 */
export async function listCommunities(
  db: Kysely<Database>, options: { streetId?: string; ids?: string[]; q?: string; limit?: number; offset?: number } = {},
): Promise<CommunityView[]> {
  let query = db.selectFrom('communities as c')
    .leftJoin('stations as s', 's.community_id', 'c.id')
    .select(['c.id', 'c.street_id', 'c.name_zh', 'c.name_en', 'c.is_placeholder', 's.id as station_id', 's.status as station_status', 's.opened_on'])
    .orderBy('c.is_placeholder')
    .orderBy('c.id');
  if (options.streetId) query = query.where('c.street_id', '=', options.streetId);
  if (options.q) {
    const like = containing(options.q);
    query = query.where((eb) => eb.or([eb('c.id', 'ilike', like), eb('c.name_zh', 'ilike', like), eb('c.name_en', 'ilike', like)]));
  }
  if (options.limit !== undefined) query = query.limit(options.limit);
  if (options.offset !== undefined) query = query.offset(options.offset);
  if (options.ids) {
    if (options.ids.length === 0) return [];
    query = query.where('c.id', 'in', options.ids);
  }
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    streetId: row.street_id,
    name: { zh: row.name_zh, en: row.name_en },
    isPlaceholder: row.is_placeholder,
    station: row.station_id ? { id: row.station_id, status: row.station_status ?? 'operating', openedOn: row.opened_on ?? null } : null,
  }));
}

export async function getCommunity(db: Kysely<Database>, id: string): Promise<CommunityView | undefined> {
  return (await listCommunities(db, { ids: [id] }))[0];
}

export interface CommunityInput {
  id: string;
  streetId: string;
  nameZh: string;
  nameEn: string;
  isPlaceholder?: boolean;
  hasStation?: boolean;
}

/**
 * Inserts or renames communities (an import replaces placeholders by id). Runs on the caller's
 * transaction; returns what each row was before, for the audit log.
 */
export async function upsertCommunities(db: Kysely<Database>, rows: CommunityInput[]) {
  const changes: Array<{ id: string; before: unknown; after: unknown }> = [];
  for (const row of rows) {
    const before = await db.selectFrom('communities').selectAll().where('id', '=', row.id).executeTakeFirst();
    await db.insertInto('org_units')
      .values({ id: row.id, parent_id: row.streetId, kind: 'community', name_zh: row.nameZh, name_en: row.nameEn })
      // A community moved to another street moves in the org tree too, so scope follows it.
      .onConflict((oc) => oc.column('id').doUpdateSet({ parent_id: row.streetId, name_zh: row.nameZh, name_en: row.nameEn }))
      .execute();
    const values = { street_id: row.streetId, name_zh: row.nameZh, name_en: row.nameEn, is_placeholder: row.isPlaceholder ?? false };
    await db.insertInto('communities')
      .values({ id: row.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
    if (row.hasStation) {
      await db.insertInto('stations')
        .values({ id: `station-${row.id}`, community_id: row.id, name_zh: `${row.nameZh}社会工作服务站`, name_en: `${row.nameEn} social-work station`, status: 'operating', opened_on: null })
        .onConflict((oc) => oc.column('community_id').doNothing())
        .execute();
    }
    changes.push({ id: row.id, before: before ?? null, after: { id: row.id, ...values, hasStation: row.hasStation ?? false } });
  }
  return changes;
}
