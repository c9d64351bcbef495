import type { Kysely } from 'kysely';
import type { DimensionDefinition } from '../../domain/catalog.js';
import type { Database } from '../database.js';

/** The dimension catalog as the store holds it: dimensions in their sort order, each with its levels. */
export async function listDimensions(db: Kysely<Database>): Promise<DimensionDefinition[]> {
  const dimensions = await db.selectFrom('dimensions').select(['key', 'name_zh', 'name_en']).orderBy('sort_order').orderBy('key').execute();
  const levels = await db.selectFrom('levels').select(['dimension_key', 'level', 'name_zh', 'name_en']).orderBy('dimension_key').orderBy('level').execute();
  return dimensions.map((dimension) => ({
    key: dimension.key,
    name: { zh: dimension.name_zh, en: dimension.name_en },
    levels: levels.filter((row) => row.dimension_key === dimension.key).map((row) => ({ level: row.level, name: { zh: row.name_zh, en: row.name_en } })),
  }));
}
