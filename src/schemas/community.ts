import { z } from 'zod';
import { channelSchema, idSchema, localeSchema, nameSchema } from './common.js';

const boolish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', ''])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

export const communityInputSchema = z.object({
  id: idSchema,
  streetId: idSchema,
  nameZh: nameSchema,
  nameEn: nameSchema,
  isPlaceholder: boolish.optional().default(false),
  hasStation: boolish.optional().default(false),
}).strict();
export type CommunityInputBody = z.infer<typeof communityInputSchema>;

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

export const communityView = z.object({
  id: z.string(),
  streetId: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  isPlaceholder: z.boolean(),
  station: z.object({ id: z.string(), status: z.string(), openedOn: z.string().nullable() }).nullable(),
});

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
