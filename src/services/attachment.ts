import { createHash, randomUUID } from 'node:crypto';
import { forbidden, invalid, notFound } from '../domain/errors.js';
import { sniffFile } from '../domain/file-kind.js';
import type { Principal } from '../domain/principal.js';
import type { Milestone } from '../domain/types.js';
import type { AttachmentOwnerKind } from '../store/database.js';
import {
  auditRead, findPlanWithTask, getAttachment, getBlobContent, insertAttachments, listAttachments, ownerUsage, removeAttachment,
  rolloutMilestoneExists, type AttachmentView,
} from '../store/repositories/attachment.js';
import { inScope } from '../store/repositories/org-unit.js';
import { getVentureProject } from '../store/repositories/venture-project.js';
import { reviewedCaseStation } from './case-call.js';
import type { ServiceDeps } from './deps.js';

// Evidence files: uploaded to what they are evidence of, typed by their content, stored by content
// hash, read by whoever may see their owner. A workflow is handed an attachment's id, never its bytes.

type AttachmentDeps = Pick<ServiceDeps, 'store' | 'clock'>;

/** Limits on uploads: per file, per request, and per owner (all its attachments together). */
export const ATTACHMENT_LIMITS = {
  fileBytes: 10 * 1024 * 1024,
  filesPerRequest: 10,
  requestBytes: 30 * 1024 * 1024,
  filesPerOwner: 50,
  ownerBytes: 200 * 1024 * 1024,
} as const;

/** A file as the API read it from a multipart upload; nothing is trusted but its bytes. */
export interface IncomingFile {
  field: string;
  fileName: string;
  content: Buffer;
}

/** Reads the request's files; called only after the caller may attach to the owner. */
export type FileReader = () => Promise<IncomingFile[]>;

/**
 * What a file is attached to, resolved and scope-checked by the area that owns it. `case_file`
 * (a casework service record's file with a resident's personal data) is read by station leads and
 * supervisors only, and every download of one is audited.
 */
export interface AttachmentOwner {
  kind: AttachmentOwnerKind;
  id: string;
  orgUnitId: string;
}

const PERSONAL_KINDS: ReadonlySet<AttachmentOwnerKind> = new Set(['case_file']);
const PERSONAL_READERS = new Set(['admin', 'supervisor', 'station_lead']);

async function requireScope(deps: AttachmentDeps, principal: Principal, orgUnitId: string, what: string, values: Record<string, unknown>, reason: string) {
  if (!(await inScope(deps.store.db, principal, orgUnitId))) throw notFound(what, { reason, values });
}

/** A plan task of a community's latest plan, as an owner. */
export async function planTaskOwner(deps: AttachmentDeps, principal: Principal, communityId: string, taskId: string): Promise<AttachmentOwner> {
  await requireScope(deps, principal, communityId, `plan of ${communityId}`, { communityId }, 'plan_not_found');
  const planId = await findPlanWithTask(deps.store.db, communityId, taskId);
  if (!planId) throw notFound(`task ${taskId} of ${communityId}'s plan`, { reason: 'task_not_found', values: { communityId, taskId } });
  return { kind: 'plan_task', id: `${planId}:${taskId}`, orgUnitId: communityId };
}

/** A milestone of a community's rollout, as an owner. */
export async function milestoneOwner(deps: AttachmentDeps, principal: Principal, communityId: string, milestone: Milestone): Promise<AttachmentOwner> {
  await requireScope(deps, principal, communityId, `rollout of ${communityId}`, { communityId }, 'rollout_not_found');
  if (!(await rolloutMilestoneExists(deps.store.db, communityId, milestone))) {
    throw notFound(`milestone ${milestone} of ${communityId}'s rollout`, { reason: 'milestone_not_found', values: { communityId, milestone } });
  }
  return { kind: 'rollout_milestone', id: `${communityId}:${milestone}`, orgUnitId: communityId };
}

/** A venture project, as an owner. */
export async function ventureProjectOwner(deps: AttachmentDeps, principal: Principal, projectId: string): Promise<AttachmentOwner> {
  const project = await getVentureProject(deps.store.db, projectId);
  if (!project || !(await inScope(deps.store.db, principal, project.communityId))) {
    throw notFound(`venture project ${projectId}`, { reason: 'venture_project_not_found', values: { projectId } });
  }
  return { kind: 'venture_project', id: projectId, orgUnitId: project.communityId };
}

// A file name is shown in pages and sent back in Content-Disposition: keep it short and printable.
function cleanFileName(name: string, extension: string): string {
  // eslint-disable-next-line no-control-regex
  const base = name.replace(/[\u0000-\u001f\u007f/\\]/g, '').trim().slice(-120);
  if (!base) return `file.${extension}`;
  return base;
}

/**
 * Attaches the request's files to an owner the caller may see: each file typed from its content
 * (images, PDF, Office documents), the limits checked per file, per request and per owner, and all
 * files stored or none. Reading the body starts only here, after the owner's scope check.
 */
export async function attachFiles(deps: AttachmentDeps, principal: Principal, owner: AttachmentOwner, readFiles: FileReader, requestId?: string): Promise<{ items: AttachmentView[] }> {
  const files = await readFiles();
  if (files.length === 0) throw invalid([{ path: 'body.file', message: 'send at least one file (multipart/form-data, field "file")' }], { reason: 'no_files' });
  const problems = [];
  const accepted = [];
  for (const [index, file] of files.entries()) {
    const sniffed = sniffFile(file.content, file.fileName);
    if (!sniffed.ok) {
      problems.push({ path: `body.${file.field}[${index}]`, message: `${file.fileName || 'file'}: ${REFUSAL[sniffed.reason]}` });
      continue;
    }
    accepted.push({
      id: `att-${randomUUID()}`, ownerKind: owner.kind, ownerId: owner.id, orgUnitId: owner.orgUnitId,
      sha256: createHash('sha256').update(file.content).digest('hex'), fileName: cleanFileName(file.fileName, sniffed.type.extension),
      mediaType: sniffed.type.mediaType, content: file.content, uploadedBy: principal.name,
    });
  }
  if (problems.length > 0) throw invalid(problems, { reason: 'file_type_refused' });
  const usage = await ownerUsage(deps.store.db, owner.kind, owner.id);
  const adding = accepted.reduce((sum, file) => sum + file.content.byteLength, 0);
  if (usage.count + accepted.length > ATTACHMENT_LIMITS.filesPerOwner || usage.bytes + adding > ATTACHMENT_LIMITS.ownerBytes) {
    throw invalid([{ path: 'body.file', message: `at most ${ATTACHMENT_LIMITS.filesPerOwner} files and ${ATTACHMENT_LIMITS.ownerBytes / 1024 / 1024} MB on one ${owner.kind.replace('_', ' ')}; it has ${usage.count} files, ${Math.ceil(usage.bytes / 1024 / 1024)} MB` }], {
      reason: 'owner_attachment_limit', values: { ownerKind: owner.kind, ownerId: owner.id, count: usage.count, bytes: usage.bytes },
    });
  }
  const items = await insertAttachments(deps.store.db, accepted, (file) => ({
    actor: principal.name, action: 'attach', entity: owner.kind, entityId: owner.id,
    after: { attachmentId: file.id, fileName: file.fileName, mediaType: file.mediaType, sizeBytes: file.content.byteLength, sha256: file.sha256 }, requestId,
  }));
  return { items };
}

const REFUSAL: Record<'unknown_type' | 'executable' | 'macro_enabled' | 'empty', string> = {
  unknown_type: 'not an image, PDF or Office document (judged by its content, not its name)',
  executable: 'an executable or script; only images, PDF and Office documents are taken',
  macro_enabled: 'an Office document with macros; save it without macros',
  empty: 'the file is empty',
};

/**
 * An attachment the principal may read (or, with `remove`, take off its owner): one in their scope;
 * for reading also one of a case they review on a call's panel, whatever station it comes from.
 */
async function attachmentInScope(deps: AttachmentDeps, principal: Principal, attachmentId: string, purpose: 'read' | 'remove' = 'read'): Promise<AttachmentView> {
  const found = await getAttachment(deps.store.db, attachmentId);
  const readable = async (attachment: AttachmentView) => (await inScope(deps.store.db, principal, attachment.orgUnitId))
    || (purpose === 'read' && attachment.ownerKind === 'case' && (await reviewedCaseStation(deps, principal, attachment.ownerId)) === attachment.orgUnitId);
  if (!found || !(await readable(found))) {
    throw notFound(`attachment ${attachmentId}`, { reason: 'attachment_not_found', values: { attachmentId } });
  }
  if (PERSONAL_KINDS.has(found.ownerKind) && !PERSONAL_READERS.has(principal.role)) {
    throw forbidden(`role ${principal.role} may not read a case file`, { reason: 'case_file_role', values: { attachmentId } });
  }
  return found;
}

/**
 * Attachments in the caller's scope, by owner or org unit (and the files of a case the caller
 * reviews, asked for by the case); case files only for the roles that may read them.
 */
export async function listAttachmentsFor(
  deps: AttachmentDeps, principal: Principal, filter: { ownerKind?: AttachmentOwnerKind; ownerId?: string; orgUnitId?: string; ids?: string[] },
): Promise<{ items: AttachmentView[] }> {
  if (filter.orgUnitId && !(await inScope(deps.store.db, principal, filter.orgUnitId))) return { items: [] };
  const reviewed = filter.ownerKind === 'case' && filter.ownerId && !filter.orgUnitId ? await reviewedCaseStation(deps, principal, filter.ownerId) : undefined;
  const scopeId = reviewed && !(await inScope(deps.store.db, principal, reviewed)) ? reviewed : principal.scopeId;
  const items = await listAttachments(deps.store.db, { ...filter, scopeId, limit: 500 });
  return { items: items.filter((item) => !PERSONAL_KINDS.has(item.ownerKind) || PERSONAL_READERS.has(principal.role)) };
}

/** An attachment's bytes and how to send them; a case file's download is written to the audit log. */
export async function downloadAttachment(deps: AttachmentDeps, principal: Principal, attachmentId: string, requestId?: string) {
  const attachment = await attachmentInScope(deps, principal, attachmentId);
  const content = await getBlobContent(deps.store.db, attachment.sha256);
  if (!content) throw notFound(`attachment ${attachmentId}`, { reason: 'attachment_not_found', values: { attachmentId } });
  if (PERSONAL_KINDS.has(attachment.ownerKind)) {
    await auditRead(deps.store.db, {
      actor: principal.name, action: 'read', entity: 'attachment', entityId: attachment.id,
      after: { ownerKind: attachment.ownerKind, ownerId: attachment.ownerId, fileName: attachment.fileName }, requestId,
      actorId: principal.tokenId, scopeId: principal.scopeId || null,
    });
  }
  return { attachment, content: Buffer.from(content.buffer, content.byteOffset, content.byteLength) };
}

/** Removes an attachment from its owner (the stored row stays, marked removed, for the record). */
export async function removeAttachmentFor(deps: AttachmentDeps, principal: Principal, attachmentId: string, requestId?: string): Promise<{ id: string; removed: true }> {
  const attachment = await attachmentInScope(deps, principal, attachmentId, 'remove');
  await removeAttachment(deps.store.db, attachment.id, principal.name, deps.clock(), {
    actor: principal.name, action: 'detach', entity: attachment.ownerKind, entityId: attachment.ownerId,
    before: { attachmentId: attachment.id, fileName: attachment.fileName }, requestId,
  });
  return { id: attachment.id, removed: true };
}
