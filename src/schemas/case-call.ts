import { z } from 'zod';
import { CASE_KINDS } from '../domain/case-call.js';
import { idSchema, isoDateTime, nameSchema } from './common.js';

// Case calls (优秀案例征集评选): opening, cases, scores, selection, publication.

export const caseKindSchema = z.enum(CASE_KINDS);
export const callPhaseSchema = z.enum(['submission', 'review', 'selection', 'published', 'cancelled']);
const text = (max: number) => z.string().trim().max(max);
const localized = z.object({ zh: z.string(), en: z.string() });

export const callIdParams = z.object({ callId: idSchema });
export const callCaseParams = z.object({ callId: idSchema, caseId: idSchema });

export const criterionSchema = z.object({
  key: z.string().trim().regex(/^[a-z][a-z0-9_]{0,40}$/, 'use lower-case letters, digits and "_"'),
  name: z.object({ zh: nameSchema, en: nameSchema.optional() }).strict(),
  weight: z.number().min(0).max(100),
  min: z.number().int().min(0).max(100),
  max: z.number().int().min(1).max(100),
}).strict().refine((criterion) => criterion.max > criterion.min, { message: 'max must be above min', path: ['max'], params: { code: 'max_not_above_min' } });

export const openCaseCallBody = z.object({
  id: idSchema.optional(),
  title: z.object({ zh: nameSchema, en: nameSchema.optional() }).strict(),
  kinds: z.array(caseKindSchema).min(1).max(3),
  /** The org unit opening the call (default: your scope). */
  orgUnitId: idSchema.optional(),
  /** Stations (community ids) that may submit; default every operating station under the org unit. */
  stationIds: z.array(idSchema).min(1).max(5000).optional(),
  submissionDeadline: isoDateTime,
  reviewDeadline: isoDateTime,
  /** The criteria; the project's default rubric when left out. */
  rubric: z.array(criterionSchema).min(1).max(12).optional(),
  /** Reviewers (worker ids). */
  panel: z.array(idSchema).min(1).max(50),
  selectPerKind: z.number().int().min(1).max(100),
  /** Reminders this many seconds before each deadline (default 3 days and 1 day). */
  reminderOffsetsSeconds: z.array(z.number().int().min(1).max(90 * 86_400)).max(5).optional(),
  /** A spread between reviewers' totals (0–100) above this is flagged (default 20). */
  spreadThreshold: z.number().min(0).max(100).optional(),
}).strict().superRefine((body, ctx) => {
  if (Date.parse(body.reviewDeadline) <= Date.parse(body.submissionDeadline)) ctx.addIssue({ code: 'custom', path: ['reviewDeadline'], message: 'must be after the submission deadline', params: { code: 'review_deadline_not_after_submission' } });
  const keys = body.rubric?.map((criterion) => criterion.key) ?? [];
  if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', path: ['rubric'], message: 'criterion keys must be unique', params: { code: 'criterion_keys_duplicate' } });
  if (new Set(body.kinds).size !== body.kinds.length) ctx.addIssue({ code: 'custom', path: ['kinds'], message: 'each kind once', params: { code: 'kinds_duplicate' } });
});
export type OpenCaseCallBody = z.infer<typeof openCaseCallBody>;

export const caseCallListQuery = z.object({ phase: callPhaseSchema.optional() }).strict();

export const saveCaseBody = z.object({
  /** A client-chosen id, or the id of the draft to edit. */
  caseId: idSchema.optional(),
  communityId: idSchema,
  kind: caseKindSchema,
  title: nameSchema,
  background: text(10_000).default(''),
  needsAssessment: text(10_000).default(''),
  process: text(20_000).default(''),
  outcomes: text(10_000).default(''),
  reflection: text(10_000).default(''),
  /** Linked service records (ids). */
  serviceRecordIds: z.array(idSchema).max(100).default([]),
  /** Submit now (a draft otherwise); a submitted case stays editable until the deadline. */
  submit: z.boolean().default(false),
}).strict();
export type SaveCaseBody = z.infer<typeof saveCaseBody>;

export const withdrawCaseBody = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
export const scoreCaseBody = z.object({
  scores: z.record(z.string(), z.number()),
  comment: z.string().trim().min(1).max(4000),
}).strict();
export const extendDeadlineBody = z.object({
  phase: z.enum(['submission', 'review']),
  deadline: isoDateTime,
  reason: z.string().trim().min(1).max(2000),
}).strict();
export const selectCasesBody = z.object({
  /** The chosen cases in the collection's order. */
  caseIds: z.array(idSchema).min(1).max(300),
  reason: z.string().trim().min(1).max(4000),
}).strict();
export const publishBody = z.object({}).strict();
export const cancelCallBody = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();

export const rubricView = z.object({
  source: z.enum(['project_default', 'call']),
  criteria: z.array(z.object({ key: z.string(), name: localized, weight: z.number(), min: z.number(), max: z.number() })),
});

const caseSummary = z.object({
  id: z.string(), communityId: z.string(), communityName: localized, kind: caseKindSchema, title: z.string(),
  status: z.enum(['draft', 'submitted', 'withdrawn']), revision: z.number(), updatedAt: z.string(),
});
const caseResult = z.object({
  caseId: z.string(), reviews: z.number(), mean: z.number().nullable(), spread: z.number().nullable(), spreadFlagged: z.boolean(),
});
const reviewView = z.object({
  caseId: z.string(), reviewerId: z.string(), scores: z.record(z.string(), z.number()), comment: z.string(), total: z.number(), scoredAt: z.string(),
});

export const caseCallView = z.object({
  id: z.string(), orgUnitId: z.string(), workflowId: z.string(), title: localized, kinds: z.array(caseKindSchema), stationIds: z.array(z.string()),
  submissionDeadline: z.string(), reviewDeadline: z.string(), rubric: rubricView, selectPerKind: z.number(), spreadThreshold: z.number(), phase: callPhaseSchema,
  createdAt: z.string(), publishedAt: z.string().nullable(),
  /** Left out for viewers: reviewers are people. */
  panel: z.array(z.object({ reviewerId: z.string(), stationId: z.string().nullable() })).optional(),
  openedBy: z.string().optional(),
  cancelReason: z.string().nullable().optional(),
  selection: z.object({ caseIds: z.array(z.string()), proposed: z.array(z.string()), reason: z.string(), by: z.string(), at: z.string() }).nullable().optional(),
});
export const caseCallListView = z.object({ items: z.array(caseCallView) });
export const caseCallDetailView = caseCallView.extend({
  cases: z.array(caseSummary),
  /** Means and spreads, once the review has closed. */
  results: z.array(caseResult).nullable(),
  /** The top cases of each kind, once the review has closed. */
  proposed: z.array(z.string()).nullable(),
  /** The caller's own scores (reviewers), or every score once the review has closed (supervisors). */
  reviews: z.array(reviewView),
  /** Cases the caller may score and has not, while the review runs. */
  toScore: z.array(z.string()),
  events: z.array(z.object({ step: z.string(), at: z.string(), actor: z.string().nullable(), detail: z.unknown() })),
});
export const callCaseView = caseSummary.extend({
  callId: z.string(),
  background: z.string(), needsAssessment: z.string(), process: z.string(), outcomes: z.string(), reflection: z.string(),
  serviceRecordIds: z.array(z.string()), attachmentIds: z.array(z.string()),
  savedBy: z.string().optional(),
});
export const scoreView = reviewView;
export const collectionView = z.object({
  callId: z.string(), title: localized, publishedAt: z.string().nullable(),
  items: z.array(callCaseView.omit({ savedBy: true }).extend({ order: z.number(), mean: z.number().nullable() })),
});
