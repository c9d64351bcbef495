import { z } from 'zod';
import { DELIVERY_FAILURE_REASONS } from '../domain/delivery-failure.js';
import { idSchema, pageQuery } from './common.js';

const boolQuery = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const inboxQuery = pageQuery.extend({
  /** Another worker's inbox: supervisors and admins, for people in their scope. */
  recipientId: idSchema.optional(),
  unread: boolQuery.optional(),
  kind: z.string().regex(/^[a-z_]{1,40}$/).optional(),
}).strict();

export const notificationIdParams = z.object({ notificationId: z.uuid() });

export const failuresQuery = pageQuery.extend({
  /** failed: given up for good; retrying: the last attempt failed and Temporal will try again. */
  status: z.enum(['failed', 'retrying']).default('failed'),
  channel: z.enum(['email', 'wecom']).optional(),
}).strict();

export const inboxItemView = z.object({
  id: z.string(),
  kind: z.string(),
  subject: z.string(),
  bodyText: z.string(),
  bodyHtml: z.string().nullable(),
  locale: z.string(),
  workflowId: z.string().nullable(),
  dueAt: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export const inboxView = z.object({
  recipientId: z.string(),
  items: z.array(inboxItemView),
  total: z.number(),
  unread: z.number(),
});

export const failureView = z.object({
  id: z.string(),
  recipientId: z.string(),
  recipientName: z.string(),
  communityId: z.string().nullable(),
  channel: z.string(),
  kind: z.string(),
  subject: z.string(),
  status: z.string(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  /** The kind of lastError, for a screen to phrase in its reader's language. */
  reason: z.enum(DELIVERY_FAILURE_REASONS),
  workflowId: z.string().nullable(),
  createdAt: z.string(),
});

export const failuresView = z.object({
  items: z.array(failureView),
  total: z.number(),
  byChannel: z.record(z.string(), z.number()),
});
