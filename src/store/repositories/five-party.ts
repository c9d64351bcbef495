import { type Kysely, sql } from 'kysely';
import type { CharitableResourceKind, Database, SocialOrganisationKind } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { subtreeOf } from './org-unit.js';

// Five-party linkage (五社联动): social organisations, volunteers with their hours, charitable
// resources, and the linkage index. A volunteer's `name` and `phone` are personal data: only
// `volunteerContacts` reads them; every other function here leaves them out.

type Localized = { zh: string; en: string };
type UnitRef = { id: string; name: Localized };

// ── Social organisations ─────────────────────────────────────────────────────────────────────

export interface OrganisationView {
  id: string;
  orgUnit: UnitRef;
  name: Localized;
  kind: SocialOrganisationKind;
  registrationNumber: string | null;
  contact: string | null;
  services: string[];
  themes: string[];
  stations: UnitRef[];
  note: string | null;
  isExample: boolean;
}

/**
 * Organisations a scope sees: those registered in its subtree, and those working with one of its
 * stations (a station lead sees the street's organisations that work with their station), each
 * with the stations of the scope it works with. `communityId` must lie in the scope (the caller checks).
 */
export async function listOrganisations(
  db: Kysely<Database>, filter: { scopeId: string; ids?: string[]; communityId?: string; kind?: SocialOrganisationKind; theme?: string },
): Promise<OrganisationView[]> {
  if (filter.ids?.length === 0) return [];
  let query = db.selectFrom('social_organisations as o').innerJoin('org_units as u', 'u.id', 'o.org_unit_id')
    .select(['o.id', 'o.org_unit_id', 'u.name_zh as unit_zh', 'u.name_en as unit_en', 'o.name_zh', 'o.name_en', 'o.kind', 'o.registration_number',
      'o.contact', 'o.services', 'o.theme_keys', 'o.note', 'o.is_example'])
    .where((eb) => eb.or([
      eb('o.org_unit_id', 'in', subtreeOf(filter.scopeId)),
      eb.exists(eb.selectFrom('social_organisation_stations as s').select('s.organisation_id')
        .whereRef('s.organisation_id', '=', 'o.id').where('s.community_id', 'in', subtreeOf(filter.scopeId))),
    ]))
    .orderBy('o.name_zh').orderBy('o.id');
  if (filter.ids) query = query.where('o.id', 'in', filter.ids);
  if (filter.kind) query = query.where('o.kind', '=', filter.kind);
  if (filter.theme) query = query.where(sql<boolean>`o.theme_keys ? ${filter.theme}`);
  if (filter.communityId) {
    const communityId = filter.communityId;
    query = query.where((eb) => eb.or([
      eb('o.org_unit_id', '=', communityId),
      eb.exists(eb.selectFrom('social_organisation_stations as s').select('s.organisation_id').whereRef('s.organisation_id', '=', 'o.id').where('s.community_id', '=', communityId)),
    ]));
  }
  const rows = await query.execute();
  if (rows.length === 0) return [];
  // Only the stations in the scope: that a street's organisation also works with another station is that station's business.
  const links = await db.selectFrom('social_organisation_stations as s').innerJoin('communities as c', 'c.id', 's.community_id')
    .select(['s.organisation_id', 's.community_id', 'c.name_zh', 'c.name_en'])
    .where('s.organisation_id', 'in', rows.map((row) => row.id)).where('s.community_id', 'in', subtreeOf(filter.scopeId))
    .orderBy('s.community_id').execute();
  return rows.map((row) => ({
    id: row.id, orgUnit: { id: row.org_unit_id, name: { zh: row.unit_zh, en: row.unit_en } }, name: { zh: row.name_zh, en: row.name_en },
    kind: row.kind, registrationNumber: row.registration_number, contact: row.contact, services: row.services, themes: row.theme_keys,
    stations: links.filter((link) => link.organisation_id === row.id).map((link) => ({ id: link.community_id, name: { zh: link.name_zh, en: link.name_en } })),
    note: row.note, isExample: row.is_example,
  }));
}

export async function findOrganisation(db: Kysely<Database>, id: string): Promise<{ id: string; orgUnitId: string; stationIds: string[] } | undefined> {
  const row = await db.selectFrom('social_organisations').select(['id', 'org_unit_id']).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const links = await db.selectFrom('social_organisation_stations').select('community_id').where('organisation_id', '=', id).orderBy('community_id').execute();
  return { id: row.id, orgUnitId: row.org_unit_id, stationIds: links.map((link) => link.community_id) };
}

export interface OrganisationRecord {
  id: string;
  orgUnitId: string;
  name: Localized;
  kind: SocialOrganisationKind;
  registrationNumber: string | null;
  contact: string | null;
  services: string[];
  themes: string[];
  stationIds: string[];
  note: string | null;
  by: string;
  at: Date;
}

/** Creates or replaces an organisation and its stations, with its audit entry, in one transaction. */
export async function saveOrganisation(db: Kysely<Database>, org: OrganisationRecord, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const values = {
      org_unit_id: org.orgUnitId, name_zh: org.name.zh, name_en: org.name.en, kind: org.kind, registration_number: org.registrationNumber,
      contact: org.contact, services: JSON.stringify(org.services), theme_keys: JSON.stringify(org.themes), note: org.note, updated_at: org.at,
    };
    const before = await trx.selectFrom('social_organisations').select('id').where('id', '=', org.id).forUpdate().executeTakeFirst();
    if (before) await trx.updateTable('social_organisations').set(values).where('id', '=', org.id).execute();
    else await trx.insertInto('social_organisations').values({ id: org.id, created_by: org.by, ...values }).execute();
    await trx.deleteFrom('social_organisation_stations').where('organisation_id', '=', org.id).execute();
    if (org.stationIds.length > 0) {
      await trx.insertInto('social_organisation_stations').values(org.stationIds.map((communityId) => ({ organisation_id: org.id, community_id: communityId }))).execute();
    }
    await recordAudit(trx, audit);
    return !before;
  });
}

// ── Volunteers ───────────────────────────────────────────────────────────────────────────────

export interface VolunteerView {
  id: string;
  communityId: string;
  communityName: Localized;
  skills: string[];
  active: boolean;
  isExample: boolean;
  hours: { month: string; inMonth: number; total: number };
}

/** Volunteers of the given stations with their hours in `month` (YYYY-MM) and in all; no names, no phones. */
export async function listVolunteers(db: Kysely<Database>, filter: { communityIds: string[]; ids?: string[] }, month: string): Promise<VolunteerView[]> {
  if (filter.communityIds.length === 0 || filter.ids?.length === 0) return [];
  const first = `${month}-01`;
  let query = db.selectFrom('volunteers as v').innerJoin('communities as c', 'c.id', 'v.community_id')
    .leftJoin(
      (eb) => eb.selectFrom('volunteer_hours').select([
        'volunteer_id',
        sql<string>`sum(hours)`.as('total'),
        sql<string>`coalesce(sum(hours) FILTER (WHERE served_on >= ${first}::date AND served_on < (${first}::date + interval '1 month')), 0)`.as('in_month'),
      ]).where('community_id', 'in', filter.communityIds).groupBy('volunteer_id').as('h'),
      (join) => join.onRef('h.volunteer_id', '=', 'v.id'),
    )
    .select(['v.id', 'v.community_id', 'c.name_zh', 'c.name_en', 'v.skills', 'v.active', 'v.is_example', 'h.total', 'h.in_month'])
    .where('v.community_id', 'in', filter.communityIds)
    .orderBy('v.community_id').orderBy('v.created_at').orderBy('v.id');
  if (filter.ids) query = query.where('v.id', 'in', filter.ids);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id, communityId: row.community_id, communityName: { zh: row.name_zh, en: row.name_en }, skills: row.skills, active: row.active,
    isExample: row.is_example, hours: { month, inMonth: Number(row.in_month ?? 0), total: Number(row.total ?? 0) },
  }));
}

/** Personal data: names and phones of volunteers of the given stations (the caller's route audits the read). */
export async function volunteerContacts(db: Kysely<Database>, filter: { communityIds: string[]; ids?: string[] }): Promise<Array<{ id: string; communityId: string; name: string; phone: string | null }>> {
  if (filter.communityIds.length === 0 || filter.ids?.length === 0) return [];
  let query = db.selectFrom('volunteers').select(['id', 'community_id', 'name', 'phone']).where('community_id', 'in', filter.communityIds)
    .orderBy('community_id').orderBy('created_at').orderBy('id');
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, communityId: row.community_id, name: row.name, phone: row.phone }));
}

export async function findVolunteer(db: Kysely<Database>, id: string): Promise<{ id: string; communityId: string } | undefined> {
  const row = await db.selectFrom('volunteers').select(['id', 'community_id']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, communityId: row.community_id } : undefined;
}

/**
 * Creates or replaces a volunteer with its audit entry. The entry is the caller's: it must name
 * the personal fields written, never their values.
 */
export async function saveVolunteer(
  db: Kysely<Database>, volunteer: { id: string; communityId: string; name: string; phone: string | null; skills: string[]; active: boolean; by: string; at: Date }, audit: AuditEntry,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const values = { community_id: volunteer.communityId, name: volunteer.name, phone: volunteer.phone, skills: JSON.stringify(volunteer.skills), active: volunteer.active, updated_at: volunteer.at };
    const before = await trx.selectFrom('volunteers').select('id').where('id', '=', volunteer.id).forUpdate().executeTakeFirst();
    if (before) await trx.updateTable('volunteers').set(values).where('id', '=', volunteer.id).execute();
    else await trx.insertInto('volunteers').values({ id: volunteer.id, created_by: volunteer.by, ...values }).execute();
    await recordAudit(trx, audit);
    return !before;
  });
}

export interface HoursEntry {
  id: string;
  volunteerId: string;
  communityId: string;
  servedOn: string;
  hours: number;
  serviceRecordId: string | null;
  activity: string | null;
}

/**
 * Logs a volunteer's hours. Hours given to a service record may not exceed the volunteer hours the
 * record states: the record is locked while its logged hours are summed, so two loggers cannot both
 * pass the check. Answers the room left when the hours do not fit.
 */
export async function logVolunteerHours(
  db: Kysely<Database>, entry: HoursEntry & { by: string }, audit: AuditEntry,
): Promise<{ logged: HoursEntry } | { exceeds: { recordHours: number; logged: number } }> {
  return db.transaction().execute(async (trx) => {
    if (entry.serviceRecordId) {
      const record = await trx.selectFrom('service_records').select('volunteer_hours').where('id', '=', entry.serviceRecordId).forUpdate().executeTakeFirstOrThrow();
      const logged = await trx.selectFrom('volunteer_hours').select(sql<string>`coalesce(sum(hours), 0)`.as('hours'))
        .where('service_record_id', '=', entry.serviceRecordId).executeTakeFirstOrThrow();
      if (Number(logged.hours) + entry.hours > Number(record.volunteer_hours)) {
        return { exceeds: { recordHours: Number(record.volunteer_hours), logged: Number(logged.hours) } };
      }
    }
    await trx.insertInto('volunteer_hours').values({
      id: entry.id, volunteer_id: entry.volunteerId, community_id: entry.communityId, service_record_id: entry.serviceRecordId,
      activity: entry.activity, served_on: entry.servedOn, hours: entry.hours, created_by: entry.by,
    }).execute();
    await recordAudit(trx, audit);
    const { by: _by, ...logged } = entry;
    return { logged };
  });
}

/** Volunteer hours per month and station, summed in SQL. */
export async function volunteerHoursByMonth(
  db: Kysely<Database>, filter: { communityIds: string[]; volunteerId?: string; from?: string; to?: string },
): Promise<Array<{ month: string; communityId: string; hours: number; entries: number; volunteers: number }>> {
  if (filter.communityIds.length === 0) return [];
  let query = db.selectFrom('volunteer_hours')
    .select([
      sql<string>`to_char(served_on, 'YYYY-MM')`.as('month'), 'community_id',
      sql<string>`sum(hours)`.as('hours'), sql<string>`count(*)`.as('entries'), sql<string>`count(DISTINCT volunteer_id)`.as('volunteers'),
    ])
    .where('community_id', 'in', filter.communityIds)
    .groupBy([sql`to_char(served_on, 'YYYY-MM')`, 'community_id'])
    .orderBy(sql`to_char(served_on, 'YYYY-MM')`).orderBy('community_id');
  if (filter.volunteerId) query = query.where('volunteer_id', '=', filter.volunteerId);
  if (filter.from) query = query.where('served_on', '>=', `${filter.from}-01`);
  if (filter.to) query = query.where(sql<boolean>`served_on < (${`${filter.to}-01`}::date + interval '1 month')`);
  const rows = await query.execute();
  return rows.map((row) => ({ month: row.month, communityId: row.community_id, hours: Number(row.hours), entries: Number(row.entries), volunteers: Number(row.volunteers) }));
}

// ── Charitable resources ─────────────────────────────────────────────────────────────────────

export interface ResourceView {
  id: string;
  orgUnit: UnitRef;
  projectId: string | null;
  organisationId: string | null;
  donor: string;
  kind: CharitableResourceKind;
  amount: number;
  unit: string;
  restrictions: string | null;
  receivedOn: string;
  note: string | null;
  isExample: boolean;
}

/** Resources held in a scope's subtree, newest first. `communityId` also finds those for the station's projects. */
export async function listResources(
  db: Kysely<Database>, filter: { scopeId: string; ids?: string[]; communityId?: string; kind?: CharitableResourceKind; from?: string; to?: string },
): Promise<ResourceView[]> {
  if (filter.ids?.length === 0) return [];
  let query = db.selectFrom('charitable_resources as r').innerJoin('org_units as u', 'u.id', 'r.org_unit_id')
    .select(['r.id', 'r.org_unit_id', 'u.name_zh', 'u.name_en', 'r.project_id', 'r.organisation_id', 'r.donor', 'r.kind', 'r.amount', 'r.unit',
      'r.restrictions', 'r.received_on', 'r.note', 'r.is_example'])
    .where('r.org_unit_id', 'in', subtreeOf(filter.scopeId))
    .orderBy('r.received_on', 'desc').orderBy('r.id');
  if (filter.ids) query = query.where('r.id', 'in', filter.ids);
  if (filter.kind) query = query.where('r.kind', '=', filter.kind);
  if (filter.from) query = query.where('r.received_on', '>=', filter.from);
  if (filter.to) query = query.where('r.received_on', '<=', filter.to);
  if (filter.communityId) {
    const communityId = filter.communityId;
    query = query.where((eb) => eb.or([
      eb('r.org_unit_id', '=', communityId),
      eb('r.project_id', 'in', eb.selectFrom('venture_projects').select('id').where('community_id', '=', communityId)),
    ]));
  }
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id, orgUnit: { id: row.org_unit_id, name: { zh: row.name_zh, en: row.name_en } }, projectId: row.project_id, organisationId: row.organisation_id,
    donor: row.donor, kind: row.kind, amount: Number(row.amount), unit: row.unit, restrictions: row.restrictions, receivedOn: row.received_on,
    note: row.note, isExample: row.is_example,
  }));
}

export async function findResource(db: Kysely<Database>, id: string): Promise<{ id: string; orgUnitId: string } | undefined> {
  const row = await db.selectFrom('charitable_resources').select(['id', 'org_unit_id']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, orgUnitId: row.org_unit_id } : undefined;
}

export interface ResourceRecord {
  id: string;
  orgUnitId: string;
  projectId: string | null;
  organisationId: string | null;
  donor: string;
  kind: CharitableResourceKind;
  amount: number;
  unit: string;
  restrictions: string | null;
  receivedOn: string;
  note: string | null;
  by: string;
  at: Date;
}

export async function saveResource(db: Kysely<Database>, resource: ResourceRecord, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const values = {
      org_unit_id: resource.orgUnitId, project_id: resource.projectId, organisation_id: resource.organisationId, donor: resource.donor, kind: resource.kind,
      amount: resource.amount, unit: resource.unit, restrictions: resource.restrictions, received_on: resource.receivedOn, note: resource.note, updated_at: resource.at,
    };
    const before = await trx.selectFrom('charitable_resources').select('id').where('id', '=', resource.id).forUpdate().executeTakeFirst();
    if (before) await trx.updateTable('charitable_resources').set(values).where('id', '=', resource.id).execute();
    else await trx.insertInto('charitable_resources').values({ id: resource.id, created_by: resource.by, ...values }).execute();
    await recordAudit(trx, audit);
    return !before;
  });
}

/** Org units (id, kind) among these ids, and the community each venture project belongs to. */
export async function unitKinds(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('org_units').select(['id', 'kind']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.kind]));
}

// ── The linkage index ────────────────────────────────────────────────────────────────────────

export interface LinkageStationRow {
  communityId: string;
  communityName: Localized;
  streetId: string;
  communityRecords: number;
  serviceRecords: number;
  socialWorkers: number;
  volunteers: number;
  volunteerHours: number;
  resources: number;
  organisations: number;
}

/**
 * Per station (a community of `communityIds` with a station), what the five parties did between
 * `from` and `to` (inclusive), counted in SQL through the (community, date) indexes: community
 * work records, service records naming social workers and the distinct workers named, volunteers
 * who logged hours (or records stating volunteer hours) and their hours, resources received for
 * the station or its projects, and the distinct social organisations that gave them.
 */
export async function linkageByStation(db: Kysely<Database>, communityIds: string[], from: string, to: string): Promise<LinkageStationRow[]> {
  if (communityIds.length === 0) return [];
  const ids = sql.join(communityIds);
  const result = await sql<{
    id: string; street_id: string; name_zh: string; name_en: string; community_records: string | null; service_records: string | null;
    social_workers: string | null; volunteers: string | null; record_volunteer_hours: string | null; logged_hours: string | null;
    resources: string | null; organisations: string | null;
  }>`
    WITH c AS (
      SELECT c.id, c.street_id, c.name_zh, c.name_en FROM communities c
      WHERE c.id IN (${ids}) AND EXISTS (SELECT 1 FROM stations s WHERE s.community_id = c.id)
    ),
    r AS (
      SELECT community_id,
        count(*) FILTER (WHERE kind = 'community') AS community_records,
        count(*) AS service_records,
        sum(volunteer_hours) AS record_volunteer_hours
      FROM service_records WHERE community_id IN (SELECT id FROM c) AND served_on BETWEEN ${from}::date AND ${to}::date
      GROUP BY community_id
    ),
    w AS (
      SELECT r.community_id, count(DISTINCT w.worker_id) AS social_workers
      FROM service_records r CROSS JOIN LATERAL jsonb_array_elements_text(r.worker_ids) AS w(worker_id)
      WHERE r.community_id IN (SELECT id FROM c) AND r.served_on BETWEEN ${from}::date AND ${to}::date
      GROUP BY r.community_id
    ),
    v AS (
      SELECT community_id, count(DISTINCT volunteer_id) AS volunteers, sum(hours) AS logged_hours
      FROM volunteer_hours WHERE community_id IN (SELECT id FROM c) AND served_on BETWEEN ${from}::date AND ${to}::date
      GROUP BY community_id
    ),
    g AS (
      SELECT coalesce(p.community_id, x.org_unit_id) AS community_id, count(*) AS resources, count(DISTINCT x.organisation_id) AS organisations
      FROM charitable_resources x LEFT JOIN venture_projects p ON p.id = x.project_id
      WHERE (x.org_unit_id IN (SELECT id FROM c) OR p.community_id IN (SELECT id FROM c)) AND x.received_on BETWEEN ${from}::date AND ${to}::date
      GROUP BY 1
    )
    SELECT c.id, c.street_id, c.name_zh, c.name_en, r.community_records, r.service_records, w.social_workers, v.volunteers,
      r.record_volunteer_hours, v.logged_hours, g.resources, g.organisations
    FROM c LEFT JOIN r ON r.community_id = c.id LEFT JOIN w ON w.community_id = c.id LEFT JOIN v ON v.community_id = c.id
      LEFT JOIN g ON g.community_id = c.id
    ORDER BY c.id`.execute(db);
  return result.rows.map((row) => ({
    communityId: row.id, communityName: { zh: row.name_zh, en: row.name_en }, streetId: row.street_id,
    communityRecords: Number(row.community_records ?? 0), serviceRecords: Number(row.service_records ?? 0), socialWorkers: Number(row.social_workers ?? 0),
    volunteers: Number(row.volunteers ?? 0),
    // Hours logged per volunteer are part of what records state; a station that logs none still shows its records' hours.
    volunteerHours: Math.max(Number(row.logged_hours ?? 0), Number(row.record_volunteer_hours ?? 0)),
    resources: Number(row.resources ?? 0), organisations: Number(row.organisations ?? 0),
  }));
}

/** Resources received between `from` and `to` by the given streets themselves (not for one station), per street. */
export async function streetResources(db: Kysely<Database>, streetIds: string[], from: string, to: string): Promise<Map<string, { resources: number; organisations: number }>> {
  if (streetIds.length === 0) return new Map();
  const rows = await db.selectFrom('charitable_resources')
    .select(['org_unit_id', sql<string>`count(*)`.as('resources'), sql<string>`count(DISTINCT organisation_id)`.as('organisations')])
    .where('org_unit_id', 'in', streetIds).where('project_id', 'is', null).where('received_on', '>=', from).where('received_on', '<=', to)
    .groupBy('org_unit_id').execute();
  return new Map(rows.map((row) => [row.org_unit_id, { resources: Number(row.resources), organisations: Number(row.organisations) }]));
}

export async function streetNames(db: Kysely<Database>, streetIds: string[]): Promise<Map<string, Localized>> {
  if (streetIds.length === 0) return new Map();
  const rows = await db.selectFrom('org_units').select(['id', 'name_zh', 'name_en']).where('id', 'in', streetIds).execute();
  return new Map(rows.map((row) => [row.id, { zh: row.name_zh, en: row.name_en }]));
}
