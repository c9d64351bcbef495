import { z } from 'zod';
import { channelSchema, idSchema, importBody, localeSchema, nameSchema, pageQuery } from './common.js';

const optionalText = z.preprocess((value) => (value === '' ? null : value), z.string().trim().max(200).nullable().optional());

export const workerInputSchema = z.object({
  id: idSchema,
  orgUnitId: idSchema,
  communityId: z.preprocess((value) => (value === '' ? null : value), idSchema.nullable()).optional().default(null),
  name: nameSchema,
  position: z.enum(['social_worker', 'station_lead', 'center_supervisor', 'leadership', 'trainer', 'admin']),
  email: z.preprocess((value) => (value === '' ? null : value), z.email().max(200).nullable().optional()),
  phone: optionalText,
  locale: z.preprocess((value) => (value === '' ? undefined : value), localeSchema.optional()),
  channels: z.preprocess(
    (value) => (typeof value === 'string' ? (value === '' ? undefined : value.split(/[;|]/).map((part) => part.trim())) : value),
    z.array(channelSchema).min(1).max(3).optional(),
  ),
  wecomWebhookUrl: z.preprocess((value) => (value === '' ? null : value), z.url().max(500).nullable().optional()),
}).strict();
export type WorkerInputBody = z.infer<typeof workerInputSchema>;

export const workerView = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  communityId: z.string().nullable(),
  name: z.string(),
  position: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  locale: z.string(),
  channels: z.array(z.string()),
  active: z.boolean(),
});

export const workerListQuery = pageQuery.extend({
  communityId: idSchema.optional(),
  position: workerInputSchema.shape.position.optional(),
  /** Search: part of the name or id, or of the station's (community's) name or id. */
  q: z.string().trim().min(1).max(100).optional(),
}).strict();
export const workerIdParams = z.object({ workerId: idSchema });
export const workerImportBody = importBody(workerInputSchema);
export const workerListView = z.object({ items: z.array(workerView) });
