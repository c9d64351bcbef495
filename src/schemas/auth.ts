import { z } from 'zod';
import { idSchema, localeSchema, nameSchema, orgUnitView, pageQuery, roleSchema } from './common.js';

const usernameSchema = z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-"');

/**
 * A new password: 12 to 200 characters with at least 6 different ones (a passphrase of a few words
 * passes; "aaaaaaaaaaaa" and "121212121212" do not). The service adds: not containing the username,
 * and differing from the password it replaces.
 */
export const newPasswordSchema = z.string().min(12, 'at least 12 characters').max(200)
  .refine((value) => new Set(value).size >= 6, { message: 'use at least 6 different characters', params: { code: 'password_too_few_characters' } });

export const userView = z.object({
  id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema, scopeId: z.string(), workerId: z.string().nullable(),
  locale: localeSchema, lockedUntil: z.string().nullable(), disabled: z.boolean(), lastSignInAt: z.string().nullable(),
  /** An admin reset the password: until the user changes it, their sessions may only change it and sign out. */
  passwordChangeRequired: z.boolean(),
  createdAt: z.string(),
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
  password: newPasswordSchema,
  role: roleSchema,
  scopeId: idSchema,
  workerId: idSchema.nullable().optional(),
  locale: localeSchema.optional(),
}).strict();
export const userListQuery = pageQuery.extend({ username: z.string().trim().min(1).max(64).optional() }).strict();
export const userListView = z.object({ items: z.array(userView) });
export const userIdParams = z.object({ userId: z.uuid() });

export const passwordChangeBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: newPasswordSchema }).strict();
export const passwordChangedView = z.object({ user: userView, endedSessions: z.number().int() });
export const passwordResetView = z.object({ user: userView, password: z.string(), endedSessions: z.number().int() });
export const userDisabledView = userView.extend({ endedSessions: z.number().int() });
export const sessionsEndedView = z.object({ userId: z.string(), endedSessions: z.number().int() });
