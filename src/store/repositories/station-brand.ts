import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';

// A station's brand (一站一品牌一特色): its name, the feature it is known for and the venture
// projects of its community that carry it. One per community; a change replaces it whole and is
// written with its audit entry (before and after) in one transaction.

type Localized = { zh: string; en: string };

export interface StationBrandProjectView {
  id: string;
  title: Localized;
  theme: string;
  status: string;
}

export interface StationBrandView {
  communityId: string;
  communityName: Localized;
  name: Localized;
  feature: Localized;
  /** The linked projects in the order given; a project since moved to another community is left out. */
  projects: StationBrandProjectView[];
  updatedBy: string;
  updatedAt: string;
}

export async function getStationBrand(db: Kysely<Database>, communityId: string): Promise<StationBrandView | undefined> {
  const row = await db.selectFrom('station_brands as b').innerJoin('communities as c', 'c.id', 'b.community_id')
    .select(['b.community_id', 'c.name_zh as community_zh', 'c.name_en as community_en', 'b.name_zh', 'b.name_en', 'b.feature_zh', 'b.feature_en', 'b.updated_by', 'b.updated_at'])
    .where('b.community_id', '=', communityId).executeTakeFirst();
  if (!row) return undefined;
  // Only projects still of this community: a project moved elsewhere is that station's to show.
  const projects = await db.selectFrom('station_brand_projects as l').innerJoin('venture_projects as p', 'p.id', 'l.project_id')
    .select(['p.id', 'p.title_zh', 'p.title_en', 'p.theme_key', 'p.status'])
    .where('l.community_id', '=', communityId).where('p.community_id', '=', communityId)
    .orderBy('l.position').execute();
  return {
    communityId: row.community_id,
    communityName: { zh: row.community_zh, en: row.community_en },
    name: { zh: row.name_zh, en: row.name_en },
    feature: { zh: row.feature_zh, en: row.feature_en },
    projects: projects.map((p) => ({ id: p.id, title: { zh: p.title_zh, en: p.title_en }, theme: p.theme_key, status: p.status })),
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Which of these venture projects exist, and the community each belongs to. */
export async function projectCommunitiesOf(db: Kysely<Database>, projectIds: string[]): Promise<Map<string, string>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db.selectFrom('venture_projects').select(['id', 'community_id']).where('id', 'in', [...new Set(projectIds)]).execute();
  return new Map(rows.map((row) => [row.id, row.community_id]));
}

export interface StationBrandInput {
  communityId: string;
  name: Localized;
  feature: Localized;
  projectIds: string[];
  by: string;
  at: Date;
}

/** What a brand holds, as compared and audited: no one's name, no times. */
interface BrandContent {
  name: Localized;
  feature: Localized;
  projectIds: string[];
}

const sameContent = (a: BrandContent, b: BrandContent) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Records a station's brand or replaces it. Answers whether it was new and whether anything
 * changed: sending the same brand again writes nothing (no new audit entry, the same updatedAt).
 */
export async function saveStationBrand(
  db: Kysely<Database>, brand: StationBrandInput, audit: Omit<AuditEntry, 'before' | 'after' | 'action'>,
): Promise<{ created: boolean; changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    // Two first writes of one station's brand wait for each other here rather than one failing on
    // the key; NO KEY UPDATE leaves rows that reference the community free to be written meanwhile.
    await trx.selectFrom('communities').select('id').where('id', '=', brand.communityId).forNoKeyUpdate().executeTakeFirst();
    const existing = await trx.selectFrom('station_brands').select(['name_zh', 'name_en', 'feature_zh', 'feature_en'])
      .where('community_id', '=', brand.communityId).forUpdate().executeTakeFirst();
    const after: BrandContent = { name: brand.name, feature: brand.feature, projectIds: brand.projectIds };
    let before: BrandContent | undefined;
    if (existing) {
      const links = await trx.selectFrom('station_brand_projects').select('project_id').where('community_id', '=', brand.communityId).orderBy('position').execute();
      before = {
        name: { zh: existing.name_zh, en: existing.name_en }, feature: { zh: existing.feature_zh, en: existing.feature_en },
        projectIds: links.map((link) => link.project_id),
      };
      if (sameContent(before, after)) return { created: false, changed: false };
      await trx.updateTable('station_brands').set({
        name_zh: brand.name.zh, name_en: brand.name.en, feature_zh: brand.feature.zh, feature_en: brand.feature.en, updated_by: brand.by, updated_at: brand.at,
      }).where('community_id', '=', brand.communityId).execute();
      await trx.deleteFrom('station_brand_projects').where('community_id', '=', brand.communityId).execute();
    } else {
      await trx.insertInto('station_brands').values({
        community_id: brand.communityId, name_zh: brand.name.zh, name_en: brand.name.en, feature_zh: brand.feature.zh, feature_en: brand.feature.en,
        created_by: brand.by, created_at: brand.at, updated_by: brand.by, updated_at: brand.at,
      }).execute();
    }
    if (brand.projectIds.length > 0) {
      await trx.insertInto('station_brand_projects')
        .values(brand.projectIds.map((projectId, position) => ({ community_id: brand.communityId, project_id: projectId, position })))
        .execute();
    }
    await recordAudit(trx, { ...audit, action: existing ? 'update' : 'create', before, after });
    return { created: !existing, changed: true };
  });
}
