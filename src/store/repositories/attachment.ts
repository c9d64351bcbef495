import type { Kysely } from 'kysely';
import type { AttachmentOwnerKind, Database, MilestoneName } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { subtreeOf } from './org-unit.js';

// Evidence files: a blob per content hash and the attachments that name it. A blob is written
// once (ON CONFLICT DO NOTHING on its hash); the same file attached twice is two attachments of one blob.

export interface AttachmentView {
  id: string;
  ownerKind: AttachmentOwnerKind;
  ownerId: string;
  orgUnitId: string;
  sha256: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  uploadedBy: string;
  uploadedAt: string;
}

export interface NewAttachment {
  id: string;
  ownerKind: AttachmentOwnerKind;
  ownerId: string;
  orgUnitId: string;
  sha256: string;
  fileName: string;
  mediaType: string;
  content: Uint8Array;
  uploadedBy: string;
}

const columns = ['id', 'owner_kind', 'owner_id', 'org_unit_id', 'sha256', 'file_name', 'media_type', 'size_bytes', 'uploaded_by', 'uploaded_at'] as const;

type AttachmentRow = { id: string; owner_kind: AttachmentOwnerKind; owner_id: string; org_unit_id: string; sha256: string; file_name: string; media_type: string; size_bytes: number; uploaded_by: string; uploaded_at: Date };

const toView = (row: AttachmentRow): AttachmentView => ({
  id: row.id, ownerKind: row.owner_kind, ownerId: row.owner_id, orgUnitId: row.org_unit_id, sha256: row.sha256, fileName: row.file_name,
  mediaType: row.media_type, sizeBytes: row.size_bytes, uploadedBy: row.uploaded_by, uploadedAt: row.uploaded_at.toISOString(),
});

/** Stores files and their attachments in one transaction with one audit entry per file. */
export async function insertAttachments(db: Kysely<Database>, files: NewAttachment[], audit: (file: NewAttachment) => AuditEntry): Promise<AttachmentView[]> {
  return db.transaction().execute(async (trx) => {
    for (const file of files) {
      await trx.insertInto('file_blobs').values({ sha256: file.sha256, media_type: file.mediaType, size_bytes: file.content.byteLength, content: file.content })
        .onConflict((oc) => oc.column('sha256').doNothing()).execute();
      await trx.insertInto('attachments').values({
        id: file.id, owner_kind: file.ownerKind, owner_id: file.ownerId, org_unit_id: file.orgUnitId, sha256: file.sha256, file_name: file.fileName,
        media_type: file.mediaType, size_bytes: file.content.byteLength, uploaded_by: file.uploadedBy, removed_at: null, removed_by: null,
      }).execute();
      await recordAudit(trx, audit(file));
    }
    const rows = await trx.selectFrom('attachments').select(columns).where('id', 'in', files.map((file) => file.id)).orderBy('uploaded_at').orderBy('id').execute();
    return rows.map(toView);
  });
}

/** One attachment that has not been removed. */
export async function getAttachment(db: Kysely<Database>, id: string): Promise<AttachmentView | undefined> {
  const row = await db.selectFrom('attachments').select(columns).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  return row ? toView(row) : undefined;
}

/** The stored bytes of a blob. */
export async function getBlobContent(db: Kysely<Database>, sha256: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('file_blobs').select('content').where('sha256', '=', sha256).executeTakeFirst();
  return row?.content;
}

export interface AttachmentFilter {
  /** Org units under this scope only. */
  scopeId: string;
  ownerKind?: AttachmentOwnerKind;
  ownerId?: string;
  orgUnitId?: string;
  ids?: string[];
  limit: number;
}

/** Attachments in a scope, oldest first, by owner when given. */
export async function listAttachments(db: Kysely<Database>, filter: AttachmentFilter): Promise<AttachmentView[]> {
  if (filter.ids?.length === 0) return [];
  let query = db.selectFrom('attachments').select(columns).where('removed_at', 'is', null)
    .where('org_unit_id', 'in', subtreeOf(filter.scopeId))
    .orderBy('uploaded_at').orderBy('id').limit(filter.limit);
  if (filter.ownerKind) query = query.where('owner_kind', '=', filter.ownerKind);
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.orgUnitId) query = query.where('org_unit_id', '=', filter.orgUnitId);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  return (await query.execute()).map(toView);
}

/** How many attachments an owner has, and their total size: the per-owner limits count these. */
export async function ownerUsage(db: Kysely<Database>, ownerKind: AttachmentOwnerKind, ownerId: string): Promise<{ count: number; bytes: number }> {
  const row = await db.selectFrom('attachments')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.coalesce(eb.fn.sum<string>('size_bytes'), eb.val('0')).as('bytes')])
    .where('owner_kind', '=', ownerKind).where('owner_id', '=', ownerId).where('removed_at', 'is', null).executeTakeFirstOrThrow();
  return { count: Number(row.count), bytes: Number(row.bytes) };
}

/** Marks an attachment removed; false when it was removed already. */
export async function removeAttachment(db: Kysely<Database>, id: string, by: string, at: Date, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('attachments').set({ removed_at: at, removed_by: by }).where('id', '=', id).where('removed_at', 'is', null).returning('id').executeTakeFirst();
    if (!updated) return false;
    await recordAudit(trx, audit);
    return true;
  });
}

/** Writes an audit entry for a read (case-file downloads). */
export async function auditRead(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await recordAudit(db, entry);
}

/** The latest plan of a community that has this task: what a plan task's attachment belongs to. */
export async function findPlanWithTask(db: Kysely<Database>, communityId: string, taskId: string): Promise<string | undefined> {
  const row = await db.selectFrom('plans as p').innerJoin('plan_tasks as t', 't.plan_id', 'p.id').select('p.id')
    .where('p.community_id', '=', communityId).where('t.task_id', '=', taskId)
    .orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').executeTakeFirst();
  return row?.id;
}

/** Whether a community's rollout has this milestone. */
export async function rolloutMilestoneExists(db: Kysely<Database>, communityId: string, milestone: MilestoneName): Promise<boolean> {
  const row = await db.selectFrom('rollout_milestones').select('community_id')
    .where('community_id', '=', communityId).where('milestone', '=', milestone).executeTakeFirst();
  return row !== undefined;
}
