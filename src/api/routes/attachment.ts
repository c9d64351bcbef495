import { FileReply, route } from '../route.js';
import { attachmentIdParams, attachmentListQuery, attachmentListView, removedAttachmentView } from '../../schemas/attachment.js';
import { taskParams } from '../../schemas/station-plan.js';
import { milestoneParams } from '../../schemas/station-rollout.js';
import { projectIdParams } from '../../schemas/venture-project.js';
import {
  ATTACHMENT_LIMITS, attachFiles, downloadAttachment, listAttachmentsFor, milestoneOwner, planTaskOwner, removeAttachmentFor, ventureProjectOwner,
} from '../../services/attachment.js';

// Evidence files: uploaded (multipart, field "file") to a plan task, a rollout milestone or a
// venture project; listed and downloaded by whoever may see their owner. Rules live in
// src/services/attachment.ts; the body is read only after the owner's scope check.

const UPLOAD = { fileBytes: ATTACHMENT_LIMITS.fileBytes, files: ATTACHMENT_LIMITS.filesPerRequest, requestBytes: ATTACHMENT_LIMITS.requestBytes };
const UPLOADERS = ['admin', 'supervisor', 'station_lead'] as const;
const READERS = ['admin', 'supervisor', 'station_lead', 'social_worker'] as const;

export const attachmentRoutes = [
  route({
    method: 'post',
    path: '/api/stations/:communityId/plan/tasks/:taskId/attachments',
    summary: "Attach evidence files to a task of the station's plan (multipart)",
    tag: 'attachments',
    roles: UPLOADERS,
    params: taskParams,
    upload: UPLOAD,
    response: attachmentListView,
    status: 201,
    handler: async ({ deps, principal, params, files, requestId }) =>
      attachFiles(deps, principal, await planTaskOwner(deps, principal, params.communityId, params.taskId), files, requestId),
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId/milestones/:milestone/attachments',
    summary: "Attach evidence files to a milestone of the community's station rollout (multipart)",
    tag: 'attachments',
    roles: UPLOADERS,
    params: milestoneParams,
    upload: UPLOAD,
    response: attachmentListView,
    status: 201,
    handler: async ({ deps, principal, params, files, requestId }) =>
      attachFiles(deps, principal, await milestoneOwner(deps, principal, params.communityId, params.milestone), files, requestId),
  }),
  route({
    method: 'post',
    path: '/api/venture-projects/:projectId/attachments',
    summary: 'Attach evidence files to a venture project (multipart)',
    tag: 'attachments',
    roles: UPLOADERS,
    params: projectIdParams,
    upload: UPLOAD,
    response: attachmentListView,
    status: 201,
    handler: async ({ deps, principal, params, files, requestId }) =>
      attachFiles(deps, principal, await ventureProjectOwner(deps, principal, params.projectId), files, requestId),
  }),
  route({
    method: 'get',
    path: '/api/attachments',
    summary: "Evidence files in your scope, by owner (kind and id) or community, and a case's files to the call's reviewers",
    tag: 'attachments',
    roles: READERS,
    query: attachmentListQuery,
    response: attachmentListView,
    handler: async ({ deps, principal, query }) => listAttachmentsFor(deps, principal, { ownerKind: query.ownerKind, ownerId: query.ownerId, orgUnitId: query.communityId }),
  }),
  route({
    method: 'get',
    path: '/api/attachments/:attachmentId/content',
    summary: "Download an evidence file (a case file's download is audited)",
    tag: 'attachments',
    roles: READERS,
    params: attachmentIdParams,
    files: ['application/octet-stream'],
    handler: async ({ deps, principal, params, requestId }) => {
      const { attachment, content } = await downloadAttachment(deps, principal, params.attachmentId, requestId);
      return new FileReply(content, attachment.mediaType, attachment.fileName, attachment.mediaType.startsWith('image/') || attachment.mediaType === 'application/pdf' ? 'inline' : 'attachment', 'private, max-age=3600');
    },
  }),
  route({
    method: 'post',
    path: '/api/attachments/:attachmentId/remove',
    summary: 'Remove an evidence file from what it is attached to (kept in the record as removed)',
    tag: 'attachments',
    roles: UPLOADERS,
    params: attachmentIdParams,
    response: removedAttachmentView,
    handler: async ({ deps, principal, params, requestId }) => removeAttachmentFor(deps, principal, params.attachmentId, requestId),
  }),
];
