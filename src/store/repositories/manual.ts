import { type Kysely, sql } from 'kysely';
import type { PlanTemplate } from '../../domain/plan-template.js';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';

// The station work manual's versions (rows of plan_templates, each published) and its one draft
// (plan_template_drafts). A manual is a template id owned by an org unit (null: the built-in one).

export interface ManualVersionSummary {
  templateId: string;
  version: number;
  name: { zh: string; en: string };
  orgUnitId: string | null;
  provenance: 'project_default' | 'edited';
  /** Who published it; null where the reader may not see names (viewers). */
  publishedBy: string | null;
  publishedAt: string;
  changeNote: string;
}

export interface ManualVersionRecord extends ManualVersionSummary {
  template: PlanTemplate;
}

export interface ManualDraftRecord {
  templateId: string;
  orgUnitId: string | null;
  baseVersion: number;
  template: PlanTemplate;
  revision: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** A manual: its template id, owner and newest version. */
export interface ManualRef {
  templateId: string;
  orgUnitId: string | null;
  latestVersion: number;
}

const SUMMARY_COLUMNS = ['id', 'version', 'name_zh', 'name_en', 'org_unit_id', 'provenance', 'published_by', 'published_at', 'change_note'] as const;

function summary(row: {
  id: string; version: number; name_zh: string; name_en: string; org_unit_id: string | null; provenance: 'project_default' | 'edited';
  published_by: string; published_at: Date; change_note: string;
}): ManualVersionSummary {
  return {
    templateId: row.id, version: row.version, name: { zh: row.name_zh, en: row.name_en }, orgUnitId: row.org_unit_id,
    provenance: row.provenance, publishedBy: row.published_by, publishedAt: row.published_at.toISOString(), changeNote: row.change_note,
  };
}

/** The manuals owned by one of these org units or by none (the built-in), newest version each. */
export async function manualsOwnedBy(db: Kysely<Database>, orgUnitIds: string[]): Promise<ManualRef[]> {
  const rows = await db.selectFrom('plan_templates')
    .select(['id', 'org_unit_id', sql<number>`max(version)`.as('latest')])
    .where((eb) => eb.or([eb('org_unit_id', 'is', null), ...(orgUnitIds.length > 0 ? [eb('org_unit_id', 'in', orgUnitIds)] : [])]))
    .groupBy(['id', 'org_unit_id']).orderBy('id').execute();
  return rows.map((row) => ({ templateId: row.id, orgUnitId: row.org_unit_id, latestVersion: Number(row.latest) }));
}

/** The first manual owned by an org unit in the subtree of a scope (by template id). */
export async function firstManualUnder(db: Kysely<Database>, subtree: ReturnType<typeof sql<string>>): Promise<ManualRef | undefined> {
  const row = await db.selectFrom('plan_templates')
    .select(['id', 'org_unit_id', sql<number>`max(version)`.as('latest')])
    .where('org_unit_id', 'in', subtree)
    .groupBy(['id', 'org_unit_id']).orderBy('id').limit(1).executeTakeFirst();
  return row ? { templateId: row.id, orgUnitId: row.org_unit_id, latestVersion: Number(row.latest) } : undefined;
}

export async function getManualRef(db: Kysely<Database>, templateId: string): Promise<ManualRef | undefined> {
  const row = await db.selectFrom('plan_templates')
    .select(['id', 'org_unit_id', sql<number>`max(version)`.as('latest')])
    .where('id', '=', templateId).groupBy(['id', 'org_unit_id']).orderBy('latest', 'desc').executeTakeFirst();
  return row ? { templateId: row.id, orgUnitId: row.org_unit_id, latestVersion: Number(row.latest) } : undefined;
}

/** A manual's versions, newest first. */
export async function listManualVersions(db: Kysely<Database>, templateId: string): Promise<ManualVersionSummary[]> {
  const rows = await db.selectFrom('plan_templates').select(SUMMARY_COLUMNS).where('id', '=', templateId).orderBy('version', 'desc').execute();
  return rows.map(summary);
}

export async function getManualVersion(db: Kysely<Database>, templateId: string, version: number): Promise<ManualVersionRecord | undefined> {
  const row = await db.selectFrom('plan_templates').select([...SUMMARY_COLUMNS, 'body']).where('id', '=', templateId).where('version', '=', version)
    .executeTakeFirst();
  return row ? { ...summary(row), template: row.body as PlanTemplate } : undefined;
}

function draftRecord(row: {
  template_id: string; org_unit_id: string | null; base_version: number; body: unknown; revision: number; created_by: string; created_at: Date;
  updated_by: string; updated_at: Date;
}): ManualDraftRecord {
  return {
    templateId: row.template_id, orgUnitId: row.org_unit_id, baseVersion: row.base_version, template: row.body as PlanTemplate, revision: row.revision,
    createdBy: row.created_by, createdAt: row.created_at.toISOString(), updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString(),
  };
}

export async function getManualDraft(db: Kysely<Database>, templateId: string): Promise<ManualDraftRecord | undefined> {
  const row = await db.selectFrom('plan_template_drafts').selectAll().where('template_id', '=', templateId).executeTakeFirst();
  return row ? draftRecord(row) : undefined;
}

/** Creates the manual's draft; undefined when it already has one. */
export async function insertManualDraft(
  db: Kysely<Database>,
  draft: { templateId: string; orgUnitId: string | null; baseVersion: number; template: PlanTemplate; by: string },
  audit: AuditEntry,
): Promise<ManualDraftRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('plan_template_drafts')
      .values({
        template_id: draft.templateId, org_unit_id: draft.orgUnitId, base_version: draft.baseVersion, body: JSON.stringify(draft.template),
        created_by: draft.by, updated_by: draft.by,
      })
      .onConflict((oc) => oc.column('template_id').doNothing()).returningAll().executeTakeFirst();
    if (!row) return undefined;
    await recordAudit(trx, audit);
    return draftRecord(row);
  });
}

/** Replaces the draft's content; undefined when there is no draft (or not at `expectedRevision`). */
export async function updateManualDraft(
  db: Kysely<Database>,
  templateId: string,
  change: { template: PlanTemplate; by: string; expectedRevision?: number },
  audit: AuditEntry,
): Promise<ManualDraftRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    let query = trx.updateTable('plan_template_drafts')
      .set((eb) => ({ body: JSON.stringify(change.template), updated_by: change.by, updated_at: new Date(), revision: eb('revision', '+', 1) }))
      .where('template_id', '=', templateId);
    if (change.expectedRevision !== undefined) query = query.where('revision', '=', change.expectedRevision);
    const row = await query.returningAll().executeTakeFirst();
    if (!row) return undefined;
    await recordAudit(trx, audit);
    return draftRecord(row);
  });
}

export async function deleteManualDraft(db: Kysely<Database>, templateId: string, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('plan_template_drafts').where('template_id', '=', templateId).returning('template_id').executeTakeFirst();
    if (!row) return false;
    await recordAudit(trx, audit);
    return true;
  });
}

export type PublishOutcome =
  | { outcome: 'published'; version: ManualVersionSummary }
  | { outcome: 'no_draft' }
  | { outcome: 'stale'; baseVersion: number; latestVersion: number };

/**
 * Publishes the draft as the next version and removes it, in one transaction with the audit
 * entry. Refused (`stale`) when a version was published after the draft was made from its base.
 */
export async function publishManualDraft(
  db: Kysely<Database>,
  templateId: string,
  publication: { by: string; changeNote: string; at: Date },
  audit: (version: number) => AuditEntry,
): Promise<PublishOutcome> {
  return db.transaction().execute(async (trx) => {
    const draft = await trx.selectFrom('plan_template_drafts').selectAll().where('template_id', '=', templateId).forUpdate().executeTakeFirst();
    if (!draft) return { outcome: 'no_draft' as const };
    const latest = await trx.selectFrom('plan_templates').select(sql<number>`max(version)`.as('latest')).where('id', '=', templateId).executeTakeFirst();
    const latestVersion = Number(latest?.latest ?? 0);
    if (latestVersion !== draft.base_version) return { outcome: 'stale' as const, baseVersion: draft.base_version, latestVersion };
    const version = latestVersion + 1;
    const body = draft.body as PlanTemplate;
    const template: PlanTemplate = { ...body, id: templateId, version };
    const row = await trx.insertInto('plan_templates')
      .values({
        id: templateId, version, name_zh: template.name.zh, name_en: template.name.en, body: JSON.stringify(template), org_unit_id: draft.org_unit_id,
        provenance: 'edited', published_by: publication.by, published_at: publication.at, change_note: publication.changeNote,
      })
      .returning(SUMMARY_COLUMNS).executeTakeFirstOrThrow();
    await trx.deleteFrom('plan_template_drafts').where('template_id', '=', templateId).execute();
    await recordAudit(trx, audit(version));
    return { outcome: 'published' as const, version: summary(row) };
  });
}

/**
 * The newest version of the manual a community's plans take: the one owned by its nearest
 * ancestor (the street, usually), else the built-in one.
 */
export async function manualForCommunity(db: Kysely<Database>, ancestors: string[]): Promise<PlanTemplate | undefined> {
  const manuals = await manualsOwnedBy(db, ancestors);
  const rank = (ref: ManualRef) => (ref.orgUnitId === null ? ancestors.length : ancestors.indexOf(ref.orgUnitId));
  const chosen = [...manuals].sort((a, b) => rank(a) - rank(b))[0];
  if (!chosen) return undefined;
  return (await getManualVersion(db, chosen.templateId, chosen.latestVersion))?.template;
}
