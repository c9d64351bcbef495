import { createHash } from 'node:crypto';
import { z } from 'zod';
import { idSchema, isoDate, nameSchema, pageQuery } from './common.js';

// Service records (专业服务): a station's casework, group work and community work, with residents
// served as counts; a casework record's case file (personal data) has schemas of its own.

export const SERVICE_KINDS = ['casework', 'group', 'community'] as const;
export const serviceKindSchema = z.enum(SERVICE_KINDS);

export const serviceRecordIdParams = z.object({ recordId: idSchema });

export const serviceRecordListQuery = pageQuery.extend({
  communityId: idSchema.optional(),
  kind: serviceKindSchema.optional(),
  theme: idSchema.optional(),
  projectId: idSchema.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
}).strict();
export type ServiceRecordListQuery = z.infer<typeof serviceRecordListQuery>;

const count = (max: number) => z.number().int().min(0).max(max);
const evidenceSchema = z.object({
  note: z.string().trim().max(2000).nullable().optional(),
  links: z.array(z.url().max(500)).max(20).optional(),
}).strict();

export const newServiceRecordBody = z.object({
  /** A client-chosen id makes a retried request count once. */
  id: idSchema.optional(),
  communityId: idSchema,
  servedOn: isoDate,
  kind: serviceKindSchema,
  theme: idSchema,
  title: z.object({ zh: nameSchema, en: nameSchema.optional() }).strict(),
  workerIds: z.array(idSchema).max(50).optional(),
  residentsServed: count(100_000),
  newResidents: count(100_000).optional(),
  volunteerHours: z.number().min(0).max(100_000).optional(),
  projectId: idSchema.nullable().optional(),
  evidence: evidenceSchema.nullable().optional(),
  note: z.string().trim().max(2000).nullable().optional(),
}).strict().superRefine((body, ctx) => {
  if ((body.newResidents ?? 0) > body.residentsServed) {
    ctx.addIssue({ code: 'custom', path: ['newResidents'], message: 'more new residents than residents served', params: { code: 'new_residents_above_served', values: { newResidents: body.newResidents, residentsServed: body.residentsServed } } });
  }
});
export type NewServiceRecordBody = z.infer<typeof newServiceRecordBody>;

// Spreadsheet cells arrive as text: empty means absent, numbers are parsed, lists split on ";".
const blank = (value: unknown) => (value === '' ? undefined : value);
const numberCell = <T extends z.ZodType>(schema: T) => z.preprocess((value) => {
  if (value === '' || value === undefined) return undefined;
  return typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
}, schema);
const listCell = <T extends z.ZodType>(item: T) => z.preprocess(
  (value) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.split(/[;；|]/).map((part) => part.trim()).filter(Boolean)) : value),
  z.array(item).max(50).optional(),
);
// The kinds as a station's spreadsheet may write them.
const KIND_WORDS: Record<string, (typeof SERVICE_KINDS)[number]> = { 个案: 'casework', 个案工作: 'casework', 小组: 'group', 小组工作: 'group', 社区: 'community', 社区活动: 'community', 社区工作: 'community' };

/** One row of a service-record import (CSV, XLSX or a JSON array): the record, flat. */
export const serviceRecordRowSchema = z.object({
  id: z.preprocess(blank, idSchema.optional()),
  communityId: idSchema,
  servedOn: isoDate,
  kind: z.preprocess((value) => (typeof value === 'string' ? KIND_WORDS[value.trim()] ?? value.trim() : value), serviceKindSchema),
  theme: idSchema,
  titleZh: nameSchema,
  titleEn: z.preprocess(blank, nameSchema.optional()),
  workerIds: listCell(idSchema),
  residentsServed: numberCell(count(100_000)),
  newResidents: numberCell(count(100_000).optional()),
  volunteerHours: numberCell(z.number().min(0).max(100_000).optional()),
  projectId: z.preprocess(blank, idSchema.optional()),
  note: z.preprocess(blank, z.string().trim().max(2000).optional()),
  evidenceLinks: listCell(z.url().max(500)),
}).strict().superRefine((row, ctx) => {
  if ((row.newResidents ?? 0) > row.residentsServed) {
    ctx.addIssue({ code: 'custom', path: ['newResidents'], message: 'more new residents than residents served', params: { code: 'new_residents_above_served', values: { newResidents: row.newResidents, residentsServed: row.residentsServed } } });
  }
}).transform((row) => ({
  ...row,
  // A row without an id gets one from what it says, so importing the same file twice counts it once.
  id: row.id ?? `sr-${createHash('sha256').update(JSON.stringify([row.communityId, row.servedOn, row.kind, row.theme, row.titleZh, row.residentsServed, row.projectId ?? ''])).digest('hex').slice(0, 20)}`,
}));
export type ServiceRecordRow = z.output<typeof serviceRecordRowSchema>;

export const serviceRecordImportBody = z.union([
  z.array(z.unknown()).min(1).max(10_000),
  z.object({ csv: z.string().min(1).max(5_000_000) }).strict(),
  /** The .xlsx file, base64 (its first worksheet, a header row first). */
  z.object({ xlsx: z.string().min(1).max(7_000_000).regex(/^[A-Za-z0-9+/=\s]+$/, 'expected base64') }).strict(),
]);

export const serviceRecordView = z.object({
  id: z.string(),
  communityId: z.string(),
  communityName: z.object({ zh: z.string(), en: z.string() }),
  projectId: z.string().nullable(),
  servedOn: z.string(),
  kind: serviceKindSchema,
  theme: z.string(),
  title: z.object({ zh: z.string(), en: z.string() }),
  residentsServed: z.number(),
  newResidents: z.number(),
  volunteerHours: z.number(),
  /** `illustrative` on default-data records whose split is not from the source. */
  provenance: z.string().nullable(),
  hasCaseFile: z.boolean(),
  /** Left out for viewers (aggregates only). */
  workerIds: z.array(z.string()).optional(),
  evidence: z.object({ note: z.string().nullable(), links: z.array(z.string()) }).nullable().optional(),
  note: z.string().nullable().optional(),
  recordedBy: z.string().nullable().optional(),
});
export const serviceRecordListView = z.object({ total: z.number(), items: z.array(serviceRecordView) });
export const createdServiceRecordView = serviceRecordView.extend({ created: z.boolean() });
export const serviceRecordImportView = z.object({ imported: z.number(), unchanged: z.number(), ids: z.array(z.string()) });

const text = (max: number) => z.string().trim().max(max).nullable().optional();
export const caseFileBody = z.object({
  residentName: nameSchema,
  gender: text(20),
  birthYear: z.number().int().min(1900).max(2100).nullable().optional(),
  phone: text(50),
  address: text(300),
  needs: text(4000),
  plan: text(4000),
  notes: text(4000),
}).strict();
export type CaseFileBody = z.infer<typeof caseFileBody>;

export const caseFileView = z.object({
  serviceRecordId: z.string(), communityId: z.string(), residentName: z.string(), gender: z.string().nullable(), birthYear: z.number().nullable(),
  phone: z.string().nullable(), address: z.string().nullable(), needs: z.string().nullable(), plan: z.string().nullable(), notes: z.string().nullable(),
  updatedBy: z.string(), updatedAt: z.string(),
});
export const savedCaseFileView = caseFileView.extend({ created: z.boolean() });
