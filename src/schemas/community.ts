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

export const communityListQuery = z.object({ streetId: idSchema.optional() }).strict();
export const communityIdParams = z.object({ communityId: idSchema });
export const communityImportBody = importBody(communityInputSchema);
export const communityListView = z.object({ items: z.array(communityView) });
