import { z } from 'zod';
import { THEME_KEYS } from '../domain/types.js';
import { idSchema, isoDate, nameSchema } from './common.js';

// Venture projects (公益创投) and their service records.

export const ventureStatusSchema = z.enum(['proposed', 'approved', 'running', 'evaluated', 'rejected']);

export const projectIdParams = z.object({ projectId: idSchema });

export const ventureProjectListQuery = z.object({
  communityId: idSchema.optional(), theme: z.enum(THEME_KEYS).optional(), status: ventureStatusSchema.optional(),
}).strict();
export type VentureProjectListQuery = z.infer<typeof ventureProjectListQuery>;

export const proposeVentureProjectBody = z.object({
  id: idSchema.optional(),
  communityId: idSchema,
  theme: z.enum(THEME_KEYS),
  title: z.object({ zh: nameSchema, en: nameSchema.optional() }).strict(),
  startsOn: isoDate.nullable().optional(),
  endsOn: isoDate.nullable().optional(),
  budgetYuan: z.number().min(0).max(100_000_000).nullable().optional(),
}).strict().superRefine((body, ctx) => {
  if (body.startsOn && body.endsOn && body.endsOn < body.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'ends before it starts', params: { code: 'ends_before_start' } });
});
export type ProposeVentureProjectBody = z.infer<typeof proposeVentureProjectBody>;

export const approveVentureProjectBody = z.object({ comments: z.string().trim().max(2000).nullable().optional() }).strict();
export const rejectVentureProjectBody = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
export const startVentureProjectBody = z.object({}).strict();
export const evaluateVentureProjectBody = z.object({ score: z.number().int().min(1).max(5), comments: z.string().trim().min(1).max(4000) }).strict();

export const serviceRecordBody = z.object({
  /** A client-chosen id makes a retried request count once. */
  id: idSchema.optional(),
  servedOn: isoDate,
  residentsServed: z.number().int().min(0).max(100_000),
  note: z.string().trim().max(500).nullable().optional(),
}).strict();
export type ServiceRecordBody = z.infer<typeof serviceRecordBody>;

export const ventureProjectView = z.object({
  id: z.string(), communityId: z.string(), communityName: z.object({ zh: z.string(), en: z.string() }), theme: z.string(),
  title: z.object({ zh: z.string(), en: z.string() }), status: ventureStatusSchema, startsOn: z.string().nullable(), endsOn: z.string().nullable(),
  budgetYuan: z.number().nullable(), residentsServed: z.number(), serviceRecords: z.number(),
  proposedBy: z.string().nullable().optional(), approvedBy: z.string().nullable().optional(), evaluation: z.unknown().optional(),
});

export const serviceRecordView = z.object({ id: z.string(), servedOn: z.string(), residentsServed: z.number(), note: z.string().nullable().optional() });

export const ventureProjectListView = z.object({ items: z.array(ventureProjectView) });
export const ventureProjectDetailView = ventureProjectView.extend({ records: z.array(serviceRecordView) });
export const recordedServiceView = serviceRecordView.extend({ projectId: z.string(), created: z.boolean() });
