import { type Kysely, type Selectable, sql } from 'kysely';
import type { CaseFileTable, Database, ServiceKind } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';

// Service records (专业服务): what a station did — casework, group work, community work — with
// residents served as counts. A casework record's case file (a resident's personal data) lives in
// `case_files` and is read by its own functions only: nothing here that lists or sums records
// touches it.

export interface ServiceRecordView {
  id: string;
  communityId: string;
  communityName: { zh: string; en: string };
  projectId: string | null;
  servedOn: string;
  kind: ServiceKind;
  theme: string;
  title: { zh: string; en: string };
  workerIds: string[];
  residentsServed: number;
  newResidents: number;
  volunteerHours: number;
  evidence: { note: string | null; links: string[] } | null;
  note: string | null;
  provenance: string | null;
  recordedBy: string | null;
  hasCaseFile: boolean;
}

export interface ServiceRecordFilter {
  communityIds: string[];
  ids?: string[];
  kind?: ServiceKind;
  theme?: string;
  projectId?: string;
  from?: string;
  to?: string;
}

function filtered(db: Kysely<Database>, filter: ServiceRecordFilter) {
  let query = db.selectFrom('service_records as r').where('r.community_id', 'in', filter.communityIds);
  if (filter.ids) query = query.where('r.id', 'in', filter.ids);
  if (filter.kind) query = query.where('r.kind', '=', filter.kind);
  if (filter.theme) query = query.where('r.theme_key', '=', filter.theme);
  if (filter.projectId) query = query.where('r.project_id', '=', filter.projectId);
  if (filter.from) query = query.where('r.served_on', '>=', filter.from);
  if (filter.to) query = query.where('r.served_on', '<=', filter.to);
  return query;
}

/** Records in the given communities, newest first (stable by id), with the total that match. */
export async function listServiceRecordsIn(
  db: Kysely<Database>, filter: ServiceRecordFilter, page: { limit: number; offset: number } = { limit: 100, offset: 0 },
): Promise<{ total: number; items: ServiceRecordView[] }> {
  if (filter.communityIds.length === 0 || filter.ids?.length === 0) return { total: 0, items: [] };
  const count = await filtered(db, filter).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const rows = await filtered(db, filter)
    .innerJoin('communities as c', 'c.id', 'r.community_id')
    .leftJoin('case_files as f', 'f.service_record_id', 'r.id')
    .select([
      'r.id', 'r.community_id', 'c.name_zh', 'c.name_en', 'r.project_id', 'r.served_on', 'r.kind', 'r.theme_key', 'r.title_zh', 'r.title_en',
      'r.worker_ids', 'r.residents_served', 'r.new_residents', 'r.volunteer_hours', 'r.evidence', 'r.note', 'r.provenance', 'r.recorded_by',
      'f.service_record_id as case_file',
    ])
    .orderBy('r.served_on', 'desc').orderBy('r.id')
    .limit(page.limit).offset(page.offset)
    .execute();
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((row) => ({
      id: row.id,
      communityId: row.community_id,
      communityName: { zh: row.name_zh, en: row.name_en },
      projectId: row.project_id,
      servedOn: row.served_on,
      kind: row.kind,
      theme: row.theme_key,
      title: { zh: row.title_zh, en: row.title_en },
      workerIds: row.worker_ids,
      residentsServed: row.residents_served,
      newResidents: row.new_residents,
      volunteerHours: Number(row.volunteer_hours),
      evidence: row.evidence ?? null,
      note: row.note,
      provenance: row.provenance,
      recordedBy: row.recorded_by,
      hasCaseFile: row.case_file !== null,
    })),
  };
}

/** One record by id (whatever its community: the caller checks scope), or undefined. */
export async function findServiceRecord(db: Kysely<Database>, id: string): Promise<{ id: string; communityId: string; kind: ServiceKind } | undefined> {
  const row = await db.selectFrom('service_records').select(['id', 'community_id', 'kind']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, communityId: row.community_id, kind: row.kind } : undefined;
}

/** A record as written: the view's fields but the names and flags the store derives, with its author. */
export type NewServiceRecord = Omit<ServiceRecordView, 'communityName' | 'provenance' | 'recordedBy' | 'hasCaseFile'> & { recordedBy: string };

const insertValues = (record: NewServiceRecord) => ({
  id: record.id, community_id: record.communityId, project_id: record.projectId, served_on: record.servedOn, kind: record.kind,
  theme_key: record.theme, title_zh: record.title.zh, title_en: record.title.en, worker_ids: JSON.stringify(record.workerIds),
  residents_served: record.residentsServed, new_residents: record.newResidents, volunteer_hours: record.volunteerHours,
  evidence: record.evidence === null ? null : JSON.stringify(record.evidence), note: record.note, provenance: null, recorded_by: record.recordedBy,
});

/**
 * Inserts records once per id, in one transaction with one audit entry each: an id that exists
 * already is left as it is (a retried request or a re-imported file counts once). Answers the ids
 * written and, for ids that existed, the community they belong to, so the caller can refuse a
 * record of another station before anything commits (it throws; the transaction rolls back).
 */
export async function insertServiceRecords(
  db: Kysely<Database>,
  records: NewServiceRecord[],
  audit: (record: NewServiceRecord) => AuditEntry,
  check: (existing: Array<{ id: string; communityId: string }>) => void,
): Promise<{ created: string[]; existing: string[] }> {
  return db.transaction().execute(async (trx) => {
    const ids = records.map((record) => record.id);
    const found = ids.length === 0 ? [] : await trx.selectFrom('service_records').select(['id', 'community_id']).where('id', 'in', ids).forUpdate().execute();
    check(found.map((row) => ({ id: row.id, communityId: row.community_id })));
    const existing = new Set(found.map((row) => row.id));
    const fresh = records.filter((record) => !existing.has(record.id));
    // Chunked: PostgreSQL takes at most 65,535 parameters in one statement.
    for (let start = 0; start < fresh.length; start += 500) {
      await trx.insertInto('service_records').values(fresh.slice(start, start + 500).map(insertValues)).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
    for (const record of fresh) await recordAudit(trx, audit(record));
    return { created: fresh.map((record) => record.id), existing: [...existing] };
  });
}

/** Which of these ids are venture projects, and their community. */
export async function projectCommunities(db: Kysely<Database>, projectIds: string[]): Promise<Map<string, string>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db.selectFrom('venture_projects').select(['id', 'community_id']).where('id', 'in', projectIds).execute();
  return new Map(rows.map((row) => [row.id, row.community_id]));
}

/** Which of these ids are workers, and their community. */
export async function workerCommunities(db: Kysely<Database>, workerIds: string[]): Promise<Map<string, string | null>> {
  if (workerIds.length === 0) return new Map();
  const rows = await db.selectFrom('workers').select(['id', 'community_id']).where('id', 'in', workerIds).execute();
  return new Map(rows.map((row) => [row.id, row.community_id]));
}

/** The names of these workers and the titles of these venture projects (for an export's rows). */
export async function recordLabels(db: Kysely<Database>, workerIds: string[], projectIds: string[]): Promise<{ workers: Map<string, string>; projects: Map<string, string> }> {
  const workers = workerIds.length === 0 ? [] : await db.selectFrom('workers').select(['id', 'name']).where('id', 'in', workerIds).execute();
  const projects = projectIds.length === 0 ? [] : await db.selectFrom('venture_projects').select(['id', 'title_zh']).where('id', 'in', projectIds).execute();
  return { workers: new Map(workers.map((row) => [row.id, row.name])), projects: new Map(projects.map((row) => [row.id, row.title_zh])) };
}

/** The theme keys the catalog holds. */
export async function themeKeys(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('themes').select('key').execute();
  return new Set(rows.map((row) => row.key));
}

// ── Case files: personal data ────────────────────────────────────────────────────────────────

export interface CaseFileView {
  serviceRecordId: string;
  communityId: string;
  residentName: string;
  gender: string | null;
  birthYear: number | null;
  phone: string | null;
  address: string | null;
  needs: string | null;
  plan: string | null;
  notes: string | null;
  updatedBy: string;
  updatedAt: string;
}

const caseFileView = (row: Selectable<CaseFileTable>): CaseFileView => ({
  serviceRecordId: row.service_record_id, communityId: row.community_id, residentName: row.resident_name, gender: row.gender,
  birthYear: row.birth_year, phone: row.phone, address: row.address, needs: row.needs, plan: row.plan, notes: row.notes,
  updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString(),
});

export async function getCaseFile(db: Kysely<Database>, serviceRecordId: string): Promise<CaseFileView | undefined> {
  const row = await db.selectFrom('case_files').selectAll().where('service_record_id', '=', serviceRecordId).executeTakeFirst();
  return row ? caseFileView(row) : undefined;
}

export interface CaseFileInput {
  residentName: string;
  gender: string | null;
  birthYear: number | null;
  phone: string | null;
  address: string | null;
  needs: string | null;
  plan: string | null;
  notes: string | null;
}

/** Writes a record's case file (creating or replacing it) with its audit entry; the entry names fields, never values. */
export async function putCaseFile(
  db: Kysely<Database>, file: { serviceRecordId: string; communityId: string; updatedBy: string; at: Date } & CaseFileInput, audit: AuditEntry,
): Promise<{ created: boolean; file: CaseFileView }> {
  return db.transaction().execute(async (trx) => {
    const values = {
      resident_name: file.residentName, gender: file.gender, birth_year: file.birthYear, phone: file.phone, address: file.address,
      needs: file.needs, plan: file.plan, notes: file.notes, updated_by: file.updatedBy, updated_at: file.at,
    };
    const before = await trx.selectFrom('case_files').select('service_record_id').where('service_record_id', '=', file.serviceRecordId).forUpdate().executeTakeFirst();
    if (before) await trx.updateTable('case_files').set(values).where('service_record_id', '=', file.serviceRecordId).execute();
    else await trx.insertInto('case_files').values({ service_record_id: file.serviceRecordId, community_id: file.communityId, ...values }).execute();
    await recordAudit(trx, audit);
    return { created: !before, file: (await getCaseFile(trx, file.serviceRecordId))! };
  });
}

// ── Residents served: aggregates only ────────────────────────────────────────────────────────

export interface ResidentsServedRow {
  key: string;
  residentsServed: number;
  newResidents: number;
  records: number;
  projects: number;
}

/**
 * Residents served in the given communities grouped by one dimension, in SQL (no row leaves the
 * database). All time is read from the read side's monthly aggregate (0191: kept by a trigger in
 * the transaction that writes a record), so it does not grow with history; a recent window
 * (`since`, exclusive: the digest's week) is read from its records through (community_id, served_on).
 */
export async function residentsServedBy(
  db: Kysely<Database>, communityIds: string[], by: 'theme' | 'kind' | 'community' | 'month' | 'month_theme' | 'total', options: { since?: string } = {},
): Promise<ResidentsServedRow[]> {
  if (communityIds.length === 0) return [];
  const monthly = options.since === undefined;
  const key = {
    theme: sql<string>`theme_key`,
    kind: sql<string>`kind`,
    community: sql<string>`community_id`,
    month: monthly ? sql<string>`to_char(month, 'YYYY-MM')` : sql<string>`to_char(served_on, 'YYYY-MM')`,
    // `YYYY-MM theme` (a theme key has no space): one group per month and theme.
    month_theme: monthly ? sql<string>`to_char(month, 'YYYY-MM') || ' ' || theme_key` : sql<string>`to_char(served_on, 'YYYY-MM') || ' ' || theme_key`,
    total: sql<string>`'total'`,
  }[by];
  const rows = monthly
    ? await db.selectFrom('service_monthly')
      .select([
        key.as('key'),
        (eb) => eb.fn.sum<string>('residents_served').as('residents'),
        (eb) => eb.fn.sum<string>('new_residents').as('fresh'),
        (eb) => eb.fn.sum<string>('records').as('records'),
        sql<string>`count(DISTINCT project_id)`.as('projects'),
      ])
      .where('community_id', 'in', communityIds)
      // A constant is no GROUP BY expression: the total is the one row of the ungrouped sums.
      .$if(by !== 'total', (qb) => qb.groupBy(key).orderBy(key))
      .execute()
    : await db.selectFrom('service_records')
      .select([
        key.as('key'),
        (eb) => eb.fn.sum<string>('residents_served').as('residents'),
        (eb) => eb.fn.sum<string>('new_residents').as('fresh'),
        (eb) => eb.fn.countAll<string>().as('records'),
        sql<string>`count(DISTINCT project_id)`.as('projects'),
      ])
      .where('community_id', 'in', communityIds)
      .where('served_on', '>', options.since!)
      .$if(by !== 'total', (qb) => qb.groupBy(key).orderBy(key))
      .execute();
  return rows.map((row) => ({
    key: row.key, residentsServed: Number(row.residents ?? 0), newResidents: Number(row.fresh ?? 0), records: Number(row.records), projects: Number(row.projects),
  }));
}
