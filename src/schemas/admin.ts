import { z } from 'zod';
import { idSchema, isoDate, isoDateTime, nameSchema, orgUnitView, pageQuery, roleSchema } from './common.js';

export const meView = z.object({
  tokenId: z.string(),
  name: z.string(),
  role: roleSchema,
  scope: orgUnitView,
  worker: z.object({ id: z.string(), name: z.string(), position: z.string(), communityId: z.string().nullable() }).nullable(),
});

export const seedBody = z.object({ today: isoDate.optional() }).strict();
export const seedView = z.object({ alreadyLoaded: z.boolean(), today: z.string() });

export const tokenCreateBody = z.object({
  name: nameSchema,
  role: roleSchema,
  scopeId: idSchema,
  workerId: idSchema.nullable().optional(),
  expiresAt: isoDateTime.nullable().optional(),
}).strict();
export const tokenCreatedView = z.object({ id: z.string(), token: z.string() });

export const tokenView = z.object({
  id: z.string(), name: z.string(), role: roleSchema, scopeId: z.string(), workerId: z.string().nullable(),
  createdAt: z.string(), expiresAt: z.string().nullable(), revokedAt: z.string().nullable(), lastUsedAt: z.string().nullable(),
});
export const tokenListView = z.object({ items: z.array(tokenView) });
export const tokenIdParams = z.object({ tokenId: z.uuid() });
export const tokenRevokedView = z.object({ id: z.string(), revokedAt: z.string() });

export const auditQuery = pageQuery.extend({
  actor: z.string().max(200).optional(),
  entity: z.string().max(200).optional(),
  entityId: z.string().max(500).optional(),
  action: z.string().max(50).optional(),
  /** Only entries whose actor is scoped inside this org unit (itself within yours). */
  scopeId: idSchema.optional(),
  since: isoDateTime.optional(),
  until: isoDateTime.optional(),
}).strict();
export const auditView = z.object({
  items: z.array(z.object({
    id: z.string(), at: z.string(), actor: z.string(), actorId: z.string().nullable(), scopeId: z.string().nullable(),
    action: z.string(), entity: z.string(), entityId: z.string(),
    before: z.unknown(), after: z.unknown(), requestId: z.string().nullable(),
  })),
});
