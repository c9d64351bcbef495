import { ALL_ROLES, Reply, route } from '../route.js';
import { clearedCookies, secureCookies, sessionCookies, signInRefused } from '../session.js';
import { loginBody, loginView, logoutView, sessionView, userCreateBody, userIdParams, userListQuery, userListView, userView } from '../../schemas/auth.js';
import { describeSession, signIn, signOut } from '../../services/session.js';
import { addUser, listUsers, unlockUser } from '../../services/user.js';

export const authRoutes = [
  route({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in to the dashboard: sets an httpOnly session cookie and a CSRF cookie to echo in x-csrf-token',
    tag: 'auth',
    roles: 'public',
    body: loginBody,
    example: { username: 'admin', password: 'the password printed by npm start' },
    response: loginView,
    handler: async ({ deps, body, requestId }) => {
      const signedIn = await signIn(deps, body, requestId);
      if (!signedIn.ok) throw signInRefused(signedIn);
      return new Reply(200, { user: signedIn.user, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt.toISOString() }, {
        'Set-Cookie': sessionCookies(signedIn, secureCookies(deps.config)),
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
    response: logoutView,
    handler: async ({ deps, principal, requestId }) => {
      await signOut(deps, principal, requestId);
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
    handler: async ({ deps, principal }) => new Reply(200, await describeSession(deps, principal), { 'Cache-Control': 'no-store' }),
  }),
  route({
    method: 'post',
    path: '/api/users',
    summary: 'Create a dashboard user (username and password); the password is stored as an argon2id hash',
    tag: 'admin',
    roles: ['admin'],
    body: userCreateBody,
    example: { username: 'zhang.supervisor', displayName: '张督导', password: 'correct horse battery staple', role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu', workerId: 'w-zhanlanlu-supervisor-01' },
    response: userView,
    status: 201,
    handler: ({ deps, principal, body, requestId }) => addUser(deps, principal, body, requestId),
  }),
  route({
    method: 'get',
    path: '/api/users',
    summary: 'Dashboard users (never their password hashes)',
    tag: 'admin',
    roles: ['admin'],
    query: userListQuery,
    response: userListView,
    handler: async ({ deps, query }) => ({ items: await listUsers(deps, query) }),
  }),
  route({
    method: 'post',
    path: '/api/users/:userId/unlock',
    summary: 'Lift a lock left by failed sign-ins',
    tag: 'admin',
    roles: ['admin'],
    params: userIdParams,
    response: userView,
    handler: ({ deps, principal, params, requestId }) => unlockUser(deps, principal, params.userId, requestId),
  }),
];
