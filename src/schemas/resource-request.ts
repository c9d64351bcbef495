import { z } from 'zod';
import { MATCH_KINDS, REQUEST_PHASES } from '../domain/resource-request.js';
import { THEME_KEYS } from '../domain/types.js';
import { evidenceLink, idSchema, isoDateTime, nameSchema } from './common.js';

// Resource requests (资源链接): a station's need, the center's matches, answers, delivery, closing.

export const requestPhaseSchema = z.enum(REQUEST_PHASES);
export const matchKindSchema = z.enum(MATCH_KINDS);
const text = (max: number) => z.string().trim().max(max);
const required = (max: number) => z.string().trim().min(1).max(max);
const localized = z.object({ zh: z.string(), en: z.string() });

export const requestIdParams = z.object({ requestId: idSchema });
export const requestMatchParams = z.object({ requestId: idSchema, matchId: idSchema });

export const openResourceRequestBody = z.object({
  id: idSchema.optional(),
  /** The community whose station asks (a station lead: their own). */
  communityId: idSchema,
  theme: z.enum(THEME_KEYS),
  /** What is needed, in the station's words (stays in the records store, never in the workflow). */
  need: required(2000),
  quantity: z.number().int().min(1).max(1_000_000),
  /** What the quantity counts: 人次, 份, 小时 … */
  unit: required(20),
  neededBy: isoDateTime,
  /** Unmatched at this time escalates to the center supervisors (default: halfway to neededBy). */
  matchBy: isoDateTime.optional(),
  /** Reminders this many seconds before each date (default 3 days and 1 day). */
  reminderOffsetsSeconds: z.array(z.number().int().min(1).max(90 * 86_400)).max(5).optional(),
}).strict().superRefine((body, ctx) => {
  if (body.matchBy && Date.parse(body.matchBy) > Date.parse(body.neededBy)) ctx.addIssue({ code: 'custom', path: ['matchBy'], message: 'must not be after neededBy' });
});
export type OpenResourceRequestBody = z.infer<typeof openResourceRequestBody>;

export const resourceRequestListQuery = z.object({ phase: requestPhaseSchema.optional(), communityId: idSchema.optional() }).strict();

export const addMatchesBody = z.object({
  /** Each party or resource by kind and name (free text until the five-party registry exists). */
  matches: z.array(z.object({
    kind: matchKindSchema,
    name: nameSchema.pipe(z.string().max(120)),
    /** A contact, registry number or other reference (free text). */
    ref: text(200).default(''),
    quantity: z.number().int().min(1).max(1_000_000).optional(),
  }).strict()).min(1).max(10),
}).strict();

export const respondMatchBody = z.object({
  response: z.enum(['confirmed', 'declined']),
  /** Required when declining: why. */
  note: text(1000).default(''),
}).strict().superRefine((body, ctx) => {
  if (body.response === 'declined' && body.note === '') ctx.addIssue({ code: 'custom', path: ['note'], message: 'a decline says why' });
});

export const deliverBody = z.object({
  /** The evidence: what arrived, how much, when. */
  note: required(2000),
  link: evidenceLink.optional(),
}).strict();

export const closeRequestBody = z.object({ note: text(1000).default('') }).strict();
export const cancelRequestBody = z.object({ reason: required(500) }).strict();

const matchView = z.object({
  matchId: z.string(), kind: matchKindSchema, name: z.string(), ref: z.string(), quantity: z.number().nullable(),
  status: z.enum(['pending', 'proposed', 'confirmed', 'declined']), note: z.string(), addedBy: z.string(), answeredBy: z.string().nullable(), updatedAt: z.string(),
});

export const resourceRequestView = z.object({
  id: z.string(), communityId: z.string(), communityName: localized, workflowId: z.string(), theme: z.string(), need: z.string(), quantity: z.number(),
  unit: z.string(), matchBy: z.string(), neededBy: z.string(), phase: requestPhaseSchema, openedBy: z.string(),
  delivery: z.object({ note: z.string(), link: z.string().nullable(), by: z.string(), at: z.string() }).nullable(),
  closeNote: z.string().nullable(), cancelReason: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
});

export const resourceRequestListView = z.object({ items: z.array(resourceRequestView) });

export const resourceRequestDetailView = resourceRequestView.extend({
  matches: z.array(matchView),
  events: z.array(z.object({ step: z.string(), at: z.string(), actor: z.string().nullable(), detail: z.unknown() })),
});

export const resourceRequestSummaryView = z.object({
  total: z.number(),
  overdue: z.number(),
  byPhase: z.array(z.object({ phase: requestPhaseSchema, count: z.number() })),
  byTheme: z.array(z.object({ theme: z.string(), count: z.number() })),
});
