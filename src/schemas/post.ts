import { z } from 'zod';
import { idSchema, isoDate, nameSchema } from './common.js';

// Posts (岗位建设): post types, a station's posts with the number required, and assignments.

export const postIdParams = z.object({ postId: idSchema });
export const postListQuery = z.object({ communityId: idSchema.optional(), on: isoDate.optional() }).strict();

const typeKey = z.string().trim().regex(/^[a-z][a-z0-9_]{1,39}$/, 'use lower-case letters, digits and "_"');
export const postTypeBody = z.object({
  key: typeKey,
  name: z.object({ zh: nameSchema, en: nameSchema }).strict(),
  sortOrder: z.number().int().min(0).max(10_000).optional(),
}).strict();

export const postBody = z.object({
  communityId: idSchema,
  type: typeKey,
  required: z.number().int().min(0).max(1000),
  note: z.string().trim().max(500).nullable().optional(),
}).strict();

export const assignmentBody = z.object({
  workerId: idSchema,
  from: isoDate,
  /** The last day; empty while it runs. Sending the same worker and start with `to` ends it. */
  to: isoDate.nullable().optional(),
}).strict().superRefine((body, ctx) => {
  if (body.to && body.to < body.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'ends before it starts', params: { code: 'ends_before_start' } });
});

const localized = z.object({ zh: z.string(), en: z.string() });
export const postTypeView = z.object({ key: z.string(), name: localized });
export const postTypeListView = z.object({ items: z.array(postTypeView) });
export const savedPostTypeView = postTypeView.extend({ created: z.boolean() });

export const postView = z.object({
  id: z.string(), communityId: z.string(), communityName: localized, type: z.string(), typeName: localized,
  required: z.number(), filled: z.number(), vacancies: z.number(), note: z.string().nullable(),
  /** Default-data rows are examples, not facts from the source. */
  isExample: z.boolean(),
  /** Left out for viewers (no names). */
  assignments: z.array(z.object({ id: z.string(), workerId: z.string(), workerName: z.string(), from: z.string(), to: z.string().nullable(), isExample: z.boolean() })).optional(),
});
export const postListView = z.object({
  on: z.string(),
  items: z.array(postView),
  totals: z.object({ required: z.number(), filled: z.number(), vacancies: z.number() }),
});
export const savedPostView = postView.extend({ created: z.boolean() });
export const savedAssignmentView = z.object({ id: z.string(), postId: z.string(), created: z.boolean(), post: postView });
