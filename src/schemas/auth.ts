import { z } from 'zod';
import { idSchema, localeSchema, nameSchema, orgUnitView, pageQuery, roleSchema } from './common.js';

const usernameSchema = z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-"');

export const userView = z.object({
  id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema, scopeId: z.string(), workerId: z.string().nullable(),
  locale: localeSchema, lockedUntil: z.string().nullable(), disabled: z.boolean(), lastSignInAt: z.string().nullable(), createdAt: z.string(),
});

export const loginBody = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }).strict();
export const loginView = z.object({ user: userView, csrfToken: z.string(), expiresAt: z.string() });
export const logoutView = z.object({ signedOut: z.boolean() });

export const sessionView = z.object({
  principal: z.object({ name: z.string(), role: roleSchema, scopeId: z.string(), workerId: z.string().nullable() }),
  user: userView.nullable(),
  scope: orgUnitView.nullable(),
  temporalUi: z.object({ baseUrl: z.string(), namespace: z.string() }).nullable(),
});

export const userCreateBody = z.object({
  username: usernameSchema,
  displayName: nameSchema,
  password: z.string().min(12, 'at least 12 characters').max(200),
  role: roleSchema,
  scopeId: idSchema,
  workerId: idSchema.nullable().optional(),
  locale: localeSchema.optional(),
}).strict();
export const userListQuery = pageQuery.strict();
export const userListView = z.object({ items: z.array(userView) });
export const userIdParams = z.object({ userId: z.uuid() });
