import { z } from 'zod';
import { idSchema } from './common.js';

// Evidence files (attachments) and what they are attached to.

export const attachmentOwnerKindSchema = z.enum(['plan_task', 'rollout_milestone', 'venture_project', 'case', 'service_record', 'case_file']);

export const attachmentIdParams = z.object({ attachmentId: idSchema });

export const attachmentListQuery = z.object({
  ownerKind: attachmentOwnerKindSchema.optional(),
  /** `<planId>:<taskId>`, `<communityId>:<milestone>`, a project id or a case id. */
  ownerId: z.string().trim().min(1).max(300).optional(),
  communityId: idSchema.optional(),
}).strict();

export const attachmentView = z.object({
  id: z.string(),
  ownerKind: attachmentOwnerKindSchema,
  ownerId: z.string(),
  orgUnitId: z.string(),
  sha256: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
});
export const attachmentListView = z.object({ items: z.array(attachmentView) });
export const removedAttachmentView = z.object({ id: z.string(), removed: z.literal(true) });
