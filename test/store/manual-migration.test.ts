import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_CHANGE_NOTE, DEFAULT_PLAN_TEMPLATE } from '../../src/domain/plan-template.js';
import { ORG } from '../../src/seed/zhanlanlu.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { migrateToLatest, migrationsInOrder } from '../../src/store/migrate.js';
import { getManualRef, getManualVersion, listManualVersions } from '../../src/store/repositories/manual.js';

// A store that existed before the manual became versioned content (migration 0152): it has every
// other migration of that time and the built-in template as a plain row of plan_templates. Moving
// it to the latest schema runs 0152 and the migrations after it out of name order, and makes that
// row version 1 of the street's manual, marked as the project's own text, published when it was
// loaded.

const LOADED_AT = new Date('2026-10-01T02:00:00.000Z');
/** The migrations this store's code did not have yet. */
const LATER = ['0152_manual_versions', '0153_station_brands', '0154_case_call_spread_threshold'];

describe('a store from before the versioned manual', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openStore({});
    const earlier = Object.fromEntries(migrationsInOrder().filter(([name]) => !LATER.includes(name)));
    const { error } = await new Migrator({ db: store.db, provider: { getMigrations: async () => earlier }, allowUnorderedMigrations: true }).migrateToLatest();
    if (error) throw error;
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'plan_templates'`.execute(store.db);
    // The premise: plan_templates as it was before 0152.
    expect(columns.rows.map((row) => row.column_name)).not.toContain('provenance');
    await sql`insert into org_units (id, parent_id, kind, name_zh, name_en) values
      (${ORG.city.id}, null, 'city', ${ORG.city.name.zh}, ${ORG.city.name.en}),
      (${ORG.district.id}, ${ORG.city.id}, 'district', ${ORG.district.name.zh}, ${ORG.district.name.en}),
      (${ORG.street.id}, ${ORG.district.id}, 'street', ${ORG.street.name.zh}, ${ORG.street.name.en})`.execute(store.db);
    const { id, version, name } = DEFAULT_PLAN_TEMPLATE;
    await sql`insert into plan_templates (id, version, name_zh, name_en, body, created_at)
      values (${id}, ${version}, ${name.zh}, ${name.en}, ${JSON.stringify(DEFAULT_PLAN_TEMPLATE)}, ${LOADED_AT})`.execute(store.db);
  }, 120_000);
  afterAll(async () => { await store?.close(); });

  it('migrates to the latest schema, the loaded template becoming version 1 of the street\'s manual', async () => {
    const ran = await migrateToLatest(store.db);
    expect(ran).toEqual(LATER);
    expect(await migrateToLatest(store.db)).toEqual([]);

    expect(await getManualRef(store.db, DEFAULT_PLAN_TEMPLATE.id)).toEqual({ templateId: DEFAULT_PLAN_TEMPLATE.id, orgUnitId: ORG.street.id, latestVersion: 1 });
    const versions = await listManualVersions(store.db, DEFAULT_PLAN_TEMPLATE.id);
    expect(versions).toEqual([expect.objectContaining({
      version: 1, orgUnitId: ORG.street.id, provenance: 'project_default', publishedBy: 'shegong (built-in)',
      publishedAt: LOADED_AT.toISOString(), changeNote: BUILT_IN_CHANGE_NOTE,
    })]);
    const first = await getManualVersion(store.db, DEFAULT_PLAN_TEMPLATE.id, 1);
    expect(first?.template.stages.map((stage) => stage.tasks.length)).toEqual(DEFAULT_PLAN_TEMPLATE.stages.map((stage) => stage.tasks.length));
    // No draft came out of the migration.
    expect(await store.db.selectFrom('plan_template_drafts').select('template_id').execute()).toEqual([]);
  });
});
