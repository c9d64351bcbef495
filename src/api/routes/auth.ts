import { z } from 'zod';
import { inScope } from '../../store/repositories/org-unit.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { ALL_ROLES, Reply, route } from '../route.js';
import { clearedCookies, createUser, listUsers, secureCookies, sessionCookies, signIn, signOut, userView } from '../session.js';
import { idSchema, localeSchema, nameSchema, pageQuery } from '../../schemas/common.js';
import { recordAudit } from '../../store/repositories/audit.js';

const roleSchema = z.enum(['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer']);
const usernameSchema = z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-"');

const userSchema = z.object({
  id: z.string(), username: z.string(), displayName: z.string(), role: roleSchema, scopeId: z.string(), workerId: z.string().nullable(),
  locale: localeSchema, lockedUntil: z.string().nullable(), disabled: z.boolean(), lastSignInAt: z.string().nullable(), createdAt: z.string(),
});

const sessionView = z.object({
  principal: z.object({ name: z.string(), role: roleSchema, scopeId: z.string(), workerId: z.string().nullable() }),
  user: userSchema.nullable(),
  scope: z.object({ id: z.string(), kind: z.string(), name: z.object({ zh: z.string(), en: z.string() }) }).nullable(),
  temporalUi: z.object({ baseUrl: z.string(), namespace: z.string() }).nullable(),
});

export const authRoutes = [
  route({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in to the dashboard: sets an httpOnly session cookie and a CSRF cookie to echo in x-csrf-token',
    tag: 'auth',
    roles: 'public',
    body: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }).strict(),
    example: { username: 'admin', password: 'the password printed by npm start' },
    response: z.object({ user: userSchema, csrfToken: z.string(), expiresAt: z.string() }),
    handler: async ({ deps, body, requestId }) => {
      const now = deps.clock();
      const signedIn = await signIn({ db: deps.store.db, config: deps.config, now, requestId }, body.username, body.password);
      return new Reply(200, { user: signedIn.user, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt.toISOString() }, {
        'Set-Cookie': sessionCookies(signedIn, secureCookies(deps.config), now),
        'Cache-Control': 'no-store',
      });
    },
  }),
  route({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out: ends the cookie session',
    tag: 'auth',
    roles: ALL_ROLES,
    response: z.object({ signedOut: z.boolean() }),
    handler: async ({ deps, principal, requestId }) => {
      await signOut(deps.store.db, principal, deps.clock(), requestId);
      return new Reply(200, { signedOut: principal.session !== undefined }, { 'Set-Cookie': clearedCookies(secureCookies(deps.config)) });
    },
  }),
  route({
    method: 'get',
    path: '/api/auth/session',
    summary: 'Who is signed in (or whose token this is), their scope, and where the Temporal UI is',
    tag: 'auth',
    roles: ALL_ROLES,
    response: sessionView,
    handler: async ({ deps, principal }) => {
      const user = principal.session
        ? await deps.store.db.selectFrom('users').selectAll().where('id', '=', principal.session.userId).executeTakeFirst()
        : undefined;
      const scope = await deps.store.db.selectFrom('org_units').select(['id', 'kind', 'name_zh', 'name_en']).where('id', '=', principal.scopeId).executeTakeFirst();
      const baseUrl = deps.config.TEMPORAL_UI_URL;
      return new Reply(200, {
        principal: { name: principal.name, role: principal.role, scopeId: principal.scopeId, workerId: principal.workerId },
        user: user ? userView(user) : null,
        scope: scope ? { id: scope.id, kind: scope.kind, name: { zh: scope.name_zh, en: scope.name_en } } : null,
        temporalUi: baseUrl ? { baseUrl: baseUrl.replace(/\/$/, ''), namespace: deps.config.TEMPORAL_NAMESPACE } : null,
      }, { 'Cache-Control': 'no-store' });
    },
  }),
  route({
    method: 'post',
    path: '/api/users',
    summary: 'Create a dashboard user (username and password); the password is stored as an argon2id hash',
    tag: 'admin',
    roles: ['admin'],
    body: z.object({
      username: usernameSchema,
      displayName: nameSchema,
      password: z.string().min(12, 'at least 12 characters').max(200),
      role: roleSchema,
      scopeId: idSchema,
      workerId: idSchema.nullable().optional(),
      locale: localeSchema.optional(),
    }).strict(),
    example: { username: 'zhang.supervisor', displayName: '张督导', password: 'correct horse battery staple', role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu', workerId: 'w-zhanlanlu-supervisor-01' },
    response: userSchema,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => {
      const db = deps.store.db;
      const unit = await db.selectFrom('org_units').select('id').where('id', '=', body.scopeId).executeTakeFirst();
      if (!unit) throw new ApiError('invalid_request', `unknown scope ${body.scopeId}`, [{ path: 'body.scopeId', message: 'unknown org unit' }]);
      if (!(await inScope(db, principal, body.scopeId))) throw forbidden('that scope is outside yours');
      if (body.workerId) {
        const worker = await db.selectFrom('workers').select('id').where('id', '=', body.workerId).executeTakeFirst();
        if (!worker) throw new ApiError('invalid_request', `unknown worker ${body.workerId}`, [{ path: 'body.workerId', message: 'unknown worker' }]);
      }
      if ((body.role === 'social_worker' || body.role === 'station_lead') && !body.workerId) {
        throw new ApiError('invalid_request', `a ${body.role} acts for a worker`, [{ path: 'body.workerId', message: `required for role ${body.role}` }]);
      }
      const taken = await db.selectFrom('users').select('id').where('username', '=', body.username).executeTakeFirst();
      if (taken) throw new ApiError('conflict', `username ${body.username} is taken`, [{ path: 'body.username', message: 'already taken' }]);
      return db.transaction().execute(async (trx) => {
        const user = await createUser(trx, body);
        const { password: _password, ...safe } = body;
        await recordAudit(trx, { actor: principal.name, action: 'create', entity: 'user', entityId: user.id, after: safe, requestId });
        return user;
      });
    },
  }),
  route({
    method: 'get',
    path: '/api/users',
    summary: 'Dashboard users (never their password hashes)',
    tag: 'admin',
    roles: ['admin'],
    query: pageQuery.strict(),
    response: z.object({ items: z.array(userSchema) }),
    handler: async ({ deps, query }) => ({ items: await listUsers(deps.store.db, query) }),
  }),
  route({
    method: 'post',
    path: '/api/users/:userId/unlock',
    summary: 'Lift a lock left by failed sign-ins',
    tag: 'admin',
    roles: ['admin'],
    params: z.object({ userId: z.uuid() }),
    response: userSchema,
    handler: async ({ deps, principal, params, requestId }) => {
      return deps.store.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('users').selectAll().where('id', '=', params.userId).executeTakeFirst();
        if (!row) throw notFound(`user ${params.userId}`);
        const now = deps.clock();
        await trx.updateTable('users').set({ failed_attempts: 0, locked_until: null, updated_at: now }).where('id', '=', row.id).execute();
        await recordAudit(trx, { actor: principal.name, action: 'unlock', entity: 'user', entityId: row.id, before: { lockedUntil: row.locked_until }, requestId });
        return userView({ ...row, failed_attempts: 0, locked_until: null });
      });
    },
  }),
];
