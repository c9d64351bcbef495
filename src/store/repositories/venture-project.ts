import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';

// Venture projects (公益创投) and their service records: a record carries a count of residents
// served, never a resident. Every change is written with its audit entry in one transaction.

export type VentureStatus = 'proposed' | 'approved' | 'running' | 'evaluated' | 'rejected';

export interface VentureProjectView {
  id: string;
  communityId: string;
  communityName: { zh: string; en: string };
  theme: string;
  title: { zh: string; en: string };
  status: VentureStatus;
  startsOn: string | null;
  endsOn: string | null;
  budgetYuan: number | null;
  residentsServed: number;
  serviceRecords: number;
  proposedBy: string | null;
  approvedBy: string | null;
  evaluation: unknown;
}

export async function listVentureProjects(
  db: Kysely<Database>,
  filter: { communityIds?: string[]; ids?: string[]; theme?: string; status?: VentureStatus },
): Promise<VentureProjectView[]> {
  if (filter.communityIds?.length === 0 || filter.ids?.length === 0) return [];
  // From the monthly aggregate (0190, 0191): a project's months, not its every record.
  const served = db.selectFrom('service_monthly')
    .select(['project_id', (eb) => eb.fn.sum<string>('residents_served').as('residents'), (eb) => eb.fn.sum<string>('records').as('records')])
    .$if(filter.communityIds !== undefined, (qb) => qb.where('project_id', 'in', (eb) => eb.selectFrom('venture_projects').select('id').where('community_id', 'in', filter.communityIds!)))
    .$if(filter.ids !== undefined, (qb) => qb.where('project_id', 'in', filter.ids!))
    .groupBy('project_id').as('s');
  let query = db.selectFrom('venture_projects as p').innerJoin('communities as c', 'c.id', 'p.community_id').leftJoin(served, 's.project_id', 'p.id')
    .select([
      'p.id', 'p.community_id', 'c.name_zh as community_zh', 'c.name_en as community_en', 'p.theme_key', 'p.title_zh', 'p.title_en', 'p.status',
      'p.starts_on', 'p.ends_on', 'p.budget_yuan', 'p.proposed_by', 'p.approved_by', 'p.evaluation', 's.residents', 's.records',
    ])
    .orderBy('p.community_id').orderBy('p.id');
  if (filter.communityIds) query = query.where('p.community_id', 'in', filter.communityIds);
  if (filter.ids) query = query.where('p.id', 'in', filter.ids);
  if (filter.theme) query = query.where('p.theme_key', '=', filter.theme);
  if (filter.status) query = query.where('p.status', '=', filter.status);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    communityId: row.community_id,
    communityName: { zh: row.community_zh, en: row.community_en },
    theme: row.theme_key,
    title: { zh: row.title_zh, en: row.title_en },
    status: row.status,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    budgetYuan: row.budget_yuan === null ? null : Number(row.budget_yuan),
    residentsServed: Number(row.residents ?? 0),
    serviceRecords: Number(row.records ?? 0),
    proposedBy: row.proposed_by,
    approvedBy: row.approved_by,
    evaluation: row.evaluation ?? null,
  }));
}

export async function getVentureProject(db: Kysely<Database>, id: string): Promise<VentureProjectView | undefined> {
  return (await listVentureProjects(db, { ids: [id] }))[0];
}

export interface NewVentureProject {
  id: string;
  communityId: string;
  theme: string;
  title: { zh: string; en: string };
  startsOn: string | null;
  endsOn: string | null;
  budgetYuan: number | null;
  proposedBy: string;
}

/** Inserts a proposed project; undefined when a project with its id exists already (nothing written). */
export async function insertVentureProject(db: Kysely<Database>, project: NewVentureProject, audit: AuditEntry): Promise<VentureProjectView | undefined> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('venture_projects').values({
      id: project.id, community_id: project.communityId, theme_key: project.theme, title_zh: project.title.zh, title_en: project.title.en,
      status: 'proposed', starts_on: project.startsOn, ends_on: project.endsOn, budget_yuan: project.budgetYuan,
      approved_by: null, proposed_by: project.proposedBy,
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) return undefined;
    await recordAudit(trx, audit);
    return (await getVentureProject(trx, project.id))!;
  });
}

export interface VentureProjectMove {
  id: string;
  from: VentureStatus;
  to: VentureStatus;
  at: Date;
  /** Who approved or rejected it. */
  approvedBy?: string;
  evaluation?: unknown;
}

/** Moves a project from one status to the next; undefined when it is not in `from` (nothing written). */
export async function moveVentureProject(db: Kysely<Database>, move: VentureProjectMove, audit: AuditEntry): Promise<VentureProjectView | undefined> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('venture_projects')
      .set({
        status: move.to,
        updated_at: move.at,
        ...(move.approvedBy !== undefined ? { approved_by: move.approvedBy } : {}),
        ...(move.evaluation !== undefined ? { evaluation: JSON.stringify(move.evaluation) } : {}),
      })
      .where('id', '=', move.id).where('status', '=', move.from).returning('id').executeTakeFirst();
    if (!updated) return undefined;
    await recordAudit(trx, audit);
    return (await getVentureProject(trx, move.id))!;
  });
}

export interface ServiceRecordRow {
  id: string;
  projectId: string;
  servedOn: string;
  residentsServed: number;
  note: string | null;
}

/** A project's service records, oldest first. */
export async function listServiceRecords(db: Kysely<Database>, projectId: string): Promise<ServiceRecordRow[]> {
  const rows = await db.selectFrom('service_records').select(['id', 'project_id', 'served_on', 'residents_served', 'note'])
    .where('project_id', '=', projectId).orderBy('served_on').orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, projectId: row.project_id ?? projectId, servedOn: row.served_on, residentsServed: row.residents_served, note: row.note }));
}

/**
 * Records a service once per id: a retried request finds its record (`created: false`) and writes
 * nothing; the caller checks the found record belongs to the same project.
 */
export async function recordServiceRecord(
  db: Kysely<Database>,
  record: ServiceRecordRow & { communityId: string; theme: string; title: { zh: string; en: string }; recordedBy: string },
  audit: AuditEntry,
): Promise<{ created: boolean; record: ServiceRecordRow }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('service_records').selectAll().where('id', '=', record.id).executeTakeFirst();
    if (existing) {
      return {
        created: false,
        record: { id: existing.id, projectId: existing.project_id ?? '', servedOn: existing.served_on, residentsServed: existing.residents_served, note: existing.note },
      };
    }
    await trx.insertInto('service_records').values({
      id: record.id, project_id: record.projectId, served_on: record.servedOn, residents_served: record.residentsServed, note: record.note,
      community_id: record.communityId, theme_key: record.theme, title_zh: record.title.zh, title_en: record.title.en, recorded_by: record.recordedBy,
    }).execute();
    await recordAudit(trx, audit);
    return { created: true, record };
  });
}
