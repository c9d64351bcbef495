import { ALL_ROLES, Reply, route } from '../route.js';
import { clearedCookies, secureCookies, sessionCookies, signInRefused } from '../session.js';
import {
  loginBody, loginView, logoutView, passwordChangeBody, passwordChangedView, passwordResetView, sessionsEndedView, sessionView, userCreateBody,
  userDisabledView, userIdParams, userListQuery, userListView, userView,
} from '../../schemas/auth.js';
import { changeOwnPassword, describeSession, signIn, signOut } from '../../services/session.js';
import { addUser, endUserSessions, listUsers, resetUserPassword, setUserDisabled, unlockUser } from '../../services/user.js';

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
    duringPasswordChange: true,
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
    duringPasswordChange: true,
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
    method: 'post',
    path: '/api/auth/password',
    duringPasswordChange: true,
    summary: "Change your own password (signed-in dashboard users): the current one is required; your other sessions end",
    tag: 'auth',
    roles: ALL_ROLES,
    body: passwordChangeBody,
    example: { currentPassword: 'the password you signed in with', newPassword: 'a new long passphrase' },
    response: passwordChangedView,
    handler: async ({ deps, principal, body, requestId }) => new Reply(200, await changeOwnPassword(deps, principal, body, requestId), { 'Cache-Control': 'no-store' }),
  }),
  route({
    method: 'get',
    path: '/api/users',
    summary: 'Dashboard users scoped inside your subtree (never their password hashes)',
    tag: 'admin',
    roles: ['admin'],
    personalData: true,
    query: userListQuery,
    response: userListView,
    handler: async ({ deps, principal, query }) => ({ items: await listUsers(deps, principal, query) }),
  }),
  route({
    method: 'post',
    path: '/api/users/:userId/unlock',
    summary: 'Lift a lock left by failed sign-ins (a user in your subtree)',
    tag: 'admin',
    roles: ['admin'],
    params: userIdParams,
    response: userView,
    handler: ({ deps, principal, params, requestId }) => unlockUser(deps, principal, params.userId, requestId),
  }),
  route({
    method: 'post',
    path: '/api/users/:userId/disable',
    summary: 'Disable a user in your subtree: they cannot sign in, and their sessions end now',
    tag: 'admin',
    roles: ['admin'],
    params: userIdParams,
    response: userDisabledView,
    handler: ({ deps, principal, params, requestId }) => setUserDisabled(deps, principal, params.userId, true, requestId),
  }),
  route({
    method: 'post',
    path: '/api/users/:userId/enable',
    summary: 'Enable a disabled user in your subtree again',
    tag: 'admin',
    roles: ['admin'],
    params: userIdParams,
    response: userDisabledView,
    handler: ({ deps, principal, params, requestId }) => setUserDisabled(deps, principal, params.userId, false, requestId),
  }),
  route({
    method: 'post',
    path: '/api/users/:userId/reset-password',
    summary: "Reset a user's password to a generated one, shown in this answer only; lifts their lock and ends their sessions; they must change it at their next sign-in",
    tag: 'admin',
    roles: ['admin'],
    params: userIdParams,
    response: passwordResetView,
    handler: async ({ deps, principal, params, requestId }) => new Reply(200, await resetUserPassword(deps, principal, params.userId, requestId), { 'Cache-Control': 'no-store' }),
  }),
  route({
    method: 'post',
    path: '/api/users/:userId/sessions/end',
    summary: "End a user's sessions (yours but this one, if it is you): they must sign in again",
    tag: 'admin',
    roles: ['admin'],
    params: userIdParams,
    response: sessionsEndedView,
    handler: ({ deps, principal, params, requestId }) => endUserSessions(deps, principal, params.userId, requestId),
  }),
];
