import type { Kysely } from 'kysely';
import { DEFAULT_DIMENSIONS, DEFAULT_THEMES } from '../../domain/catalog.js';
import { BUILT_IN_CHANGE_NOTE, DEFAULT_PLAN_TEMPLATE } from '../../domain/plan-template.js';
import type { Database } from '../database.js';
import { addDays } from '../../domain/time.js';
import { CENTER, COMMUNITIES, ORG, POST_TYPES, PROJECTS, seedFiveParty, seedPosts, seedServiceRecords, seedWorkers } from '../../seed/zhanlanlu.js';

export const SEED_KEY = 'seed:zhanlanlu';
/** Set once the five-party examples have been loaded (docs/default-data.md). */
const FIVE_PARTY_EXAMPLES_KEY = 'seed:zhanlanlu:five-party-examples';
const SEED_VERSION = 2;

export interface SeedResult {
  alreadyLoaded: boolean;
}

/**
 * Loads the default Zhanlanlu data in one transaction. Idempotent: every insert skips rows that
 * exist, so a second run (or a run over records a street has since edited) changes nothing.
 */
export async function loadDefaultData(
  db: Kysely<Database>,
  today: string,
  // Lets a caller write its audit entry in the same transaction as the data.
  onLoaded?: (trx: Kysely<Database>, result: SeedResult) => Promise<void>,
): Promise<SeedResult> {
  return db.transaction().execute(async (trx) => {
    const marker = await trx.selectFrom('meta').select('value').where('key', '=', SEED_KEY).executeTakeFirst();
    const orgUnits = [
      { id: ORG.city.id, parent_id: null, kind: 'city' as const, name_zh: ORG.city.name.zh, name_en: ORG.city.name.en },
      { id: ORG.district.id, parent_id: ORG.city.id, kind: 'district' as const, name_zh: ORG.district.name.zh, name_en: ORG.district.name.en },
      { id: ORG.street.id, parent_id: ORG.district.id, kind: 'street' as const, name_zh: ORG.street.name.zh, name_en: ORG.street.name.en },
      ...COMMUNITIES.map((c) => ({ id: c.id, parent_id: ORG.street.id, kind: 'community' as const, name_zh: c.name.zh, name_en: c.name.en })),
    ];
    await trx.insertInto('org_units').values(orgUnits).onConflict((oc) => oc.column('id').doNothing()).execute();
    await trx.insertInto('centers')
      .values({ id: CENTER.id, street_id: ORG.street.id, name_zh: CENTER.name.zh, name_en: CENTER.name.en })
      .onConflict((oc) => oc.column('id').doNothing()).execute();
    await trx.insertInto('communities')
      .values(COMMUNITIES.map((c) => ({ id: c.id, street_id: ORG.street.id, name_zh: c.name.zh, name_en: c.name.en, is_placeholder: c.isPlaceholder })))
      .onConflict((oc) => oc.column('id').doNothing()).execute();
    await trx.insertInto('stations')
      .values(COMMUNITIES.filter((c) => c.hasStation).map((c) => ({
        id: `station-${c.id}`, community_id: c.id, name_zh: `${c.name.zh}社会工作服务站`, name_en: `${c.name.en} social-work station`,
        status: 'operating' as const, opened_on: null,
      })))
      .onConflict((oc) => oc.column('id').doNothing()).execute();

    await trx.insertInto('dimensions')
      .values(DEFAULT_DIMENSIONS.map((d, index) => ({ key: d.key, name_zh: d.name.zh, name_en: d.name.en, sort_order: index + 1 })))
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    await trx.insertInto('levels')
      .values(DEFAULT_DIMENSIONS.flatMap((d) => d.levels.map((lv) => ({ dimension_key: d.key, level: lv.level, name_zh: lv.name.zh, name_en: lv.name.en }))))
      .onConflict((oc) => oc.columns(['dimension_key', 'level']).doNothing()).execute();
    await trx.insertInto('themes')
      .values(DEFAULT_THEMES.map((t, index) => ({ key: t.key, name_zh: t.name.zh, name_en: t.name.en, sort_order: index + 1 })))
      .onConflict((oc) => oc.column('key').doNothing()).execute();

    await trx.insertInto('plan_templates')
      .values({
        id: DEFAULT_PLAN_TEMPLATE.id, version: DEFAULT_PLAN_TEMPLATE.version,
        name_zh: DEFAULT_PLAN_TEMPLATE.name.zh, name_en: DEFAULT_PLAN_TEMPLATE.name.en,
        body: JSON.stringify(DEFAULT_PLAN_TEMPLATE), org_unit_id: ORG.street.id,
        provenance: 'project_default', published_by: 'shegong (built-in)', change_note: BUILT_IN_CHANGE_NOTE,
      })
      .onConflict((oc) => oc.columns(['id', 'version']).doNothing()).execute();
    // The built-in manual (version 1, loaded by migration 0152) becomes the street's to edit.
    await trx.updateTable('plan_templates').set({ org_unit_id: ORG.street.id })
      .where('id', '=', DEFAULT_PLAN_TEMPLATE.id).where('org_unit_id', 'is', null).execute();
    await trx.updateTable('plan_template_drafts').set({ org_unit_id: ORG.street.id })
      .where('template_id', '=', DEFAULT_PLAN_TEMPLATE.id).where('org_unit_id', 'is', null).execute();

    await trx.insertInto('workers')
      .values(seedWorkers().map((w) => ({
        id: w.id, name: w.name, position: w.position, community_id: w.communityId,
        org_unit_id: w.communityId ?? ORG.street.id,
      })))
      .onConflict((oc) => oc.column('id').doNothing()).execute();

    for (const project of PROJECTS) {
      await trx.insertInto('venture_projects')
        .values({
          id: project.id, community_id: project.communityId, theme_key: project.theme,
          title_zh: project.title.zh, title_en: project.title.en, status: 'running', starts_on: null, ends_on: null, budget_yuan: null,
          provenance: JSON.stringify(project.provenance),
        })
        .onConflict((oc) => oc.column('id').doNothing()).execute();
      // Data loaded before provenance was kept gets it; a value a street has set is left alone.
      await trx.updateTable('venture_projects').set({ provenance: JSON.stringify(project.provenance) })
        .where('id', '=', project.id).where('provenance', 'is', null).execute();
      // Version 1 put each project's residents in one record dated the day of loading; those rows
      // (and only those: their id and note are the loader's) give way to the spread below.
      await trx.deleteFrom('service_records').where('id', '=', `${project.id}-seed`).where('note', '=', 'From the source report (default data)').execute();
    }
    const records = seedServiceRecords();
    if (records.length > 0) {
      await trx.insertInto('service_records')
        .values(records.map((record) => ({
          id: record.id, project_id: record.projectId, community_id: record.communityId, theme_key: record.theme, kind: record.kind,
          served_on: record.servedOn, title_zh: record.title.zh, title_en: record.title.en,
          residents_served: record.residentsServed, new_residents: record.newResidents,
          note: 'Default data: the split of the source\'s 1,100 residents over records is illustrative', provenance: 'illustrative',
        })))
        .onConflict((oc) => oc.column('id').doNothing()).execute();
    }

    await trx.insertInto('post_types')
      .values(POST_TYPES.map((type, index) => ({ key: type.key, name_zh: type.name.zh, name_en: type.name.en, sort_order: (index + 1) * 10 })))
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    // Example posts and assignments (the source gives no numbers): marked as examples in the data.
    for (const post of seedPosts()) {
      await trx.insertInto('posts')
        .values({ id: post.id, community_id: post.communityId, post_type_key: post.type, required: post.required, note: null, is_example: true })
        .onConflict((oc) => oc.doNothing()).execute();
      await trx.insertInto('post_assignments')
        .values(post.assignees.map((workerId) => ({ id: `${post.id}-${workerId}`, post_id: post.id, worker_id: workerId, from_date: today, to_date: null, is_example: true, created_by: 'default data' })))
        .onConflict((oc) => oc.column('id').doNothing()).execute();
    }

    // Five-party examples (the source names none): flagged `is_example`, named 示例. Loaded once,
    // under a marker of their own, so examples a street has removed do not come back on the next start.
    const fivePartyLoaded = await trx.selectFrom('meta').select('key').where('key', '=', FIVE_PARTY_EXAMPLES_KEY).executeTakeFirst();
    if (!fivePartyLoaded) {
      await insertFivePartyExamples(trx, seedFiveParty(today, addDays));
      await trx.insertInto('meta').values({ key: FIVE_PARTY_EXAMPLES_KEY, value: JSON.stringify({ loadedOn: today }) }).onConflict((oc) => oc.column('key').doNothing()).execute();
    }

    await trx.insertInto('meta')
      .values({ key: SEED_KEY, value: JSON.stringify({ version: SEED_VERSION, loadedOn: today }) })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    const result = { alreadyLoaded: marker !== undefined };
    await onLoaded?.(trx, result);
    return result;
  });
}

async function insertFivePartyExamples(trx: Kysely<Database>, parties: ReturnType<typeof seedFiveParty>): Promise<void> {
  for (const org of parties.organisations) {
    await trx.insertInto('social_organisations')
      .values({
        id: org.id, org_unit_id: org.orgUnitId, name_zh: org.name.zh, name_en: org.name.en, kind: org.kind, registration_number: null, contact: null,
        services: JSON.stringify(org.services), theme_keys: JSON.stringify(org.themes), note: null, is_example: true, created_by: 'default data',
      })
      .onConflict((oc) => oc.column('id').doNothing()).execute();
    await trx.insertInto('social_organisation_stations').values(org.stationIds.map((communityId) => ({ organisation_id: org.id, community_id: communityId })))
      .onConflict((oc) => oc.doNothing()).execute();
  }
  await trx.insertInto('volunteers')
    .values(parties.volunteers.map((v) => ({ id: v.id, community_id: v.communityId, name: v.name, phone: null, skills: JSON.stringify(v.skills), is_example: true, created_by: 'default data' })))
    .onConflict((oc) => oc.column('id').doNothing()).execute();
  await trx.insertInto('volunteer_hours')
    .values(parties.hours.map((h) => ({
      id: h.id, volunteer_id: h.volunteerId, community_id: h.communityId, service_record_id: null, activity: h.activity, served_on: h.servedOn, hours: h.hours,
      is_example: true, created_by: 'default data',
    })))
    .onConflict((oc) => oc.column('id').doNothing()).execute();
  await trx.insertInto('charitable_resources')
    .values(parties.resources.map((r) => ({
      id: r.id, org_unit_id: r.orgUnitId, project_id: r.projectId, organisation_id: r.organisationId, donor: r.donor, kind: r.kind, amount: r.amount,
      unit: r.unit, restrictions: r.restrictions, received_on: r.receivedOn, note: null, is_example: true, created_by: 'default data',
    })))
    .onConflict((oc) => oc.column('id').doNothing()).execute();
}
