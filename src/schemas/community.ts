import { z } from 'zod';
import { idSchema, importBody, nameSchema } from './common.js';

/** A yes/no import column: CSV cells say true/false, 1/0, yes/no or nothing. */
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

export const communityView = z.object({
  id: z.string(),
  streetId: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  isPlaceholder: z.boolean(),
  station: z.object({ id: z.string(), status: z.string(), openedOn: z.string().nullable() }).nullable(),
});

export const communityListQuery = z.object({
  streetId: idSchema.optional(),
  /** Search: part of the name (zh or en) or id. */
  q: z.string().trim().min(1).max(100).optional(),
  /** A page of the list; without limit, every community in scope (a street has a few dozen). */
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
}).strict();
export const communityIdParams = z.object({ communityId: idSchema });
export const communityImportBody = importBody(communityInputSchema);
export const communityListView = z.object({ items: z.array(communityView) });
