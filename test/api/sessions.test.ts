import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/services/api-token.js';
import { createUser } from '../../src/services/user.js';
import type { Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { BACKENDS, type TestStore } from '../helpers/store.js';

// Dashboard users and their sessions: the sign-in lock holds under parallel guessing, users can be
// disabled and enabled, change their own password, have it reset by an admin, and have their
// sessions ended; each change ends the sessions it should and no other.

const MAX_ATTEMPTS = 5;

/** A signed-in dashboard session: the cookie header and the CSRF token to echo. */
interface Session {
  cookie: string;
  csrf: string;
}

function sessionOf(headers: Headers): Session {
  const values = new Map(headers.getSetCookie().map((line) => {
    const [pair] = line.split(';');
    const index = pair!.indexOf('=');
    return [pair!.slice(0, index), pair!.slice(index + 1)] as const;
  }));
  const csrf = values.get('sg_csrf')!;
  return { cookie: `sg_session=${values.get('sg_session')}; sg_csrf=${csrf}`, csrf };
}

describe.each(BACKENDS)('the sign-in lock under parallel guessing (%s)', (backend) => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;

  beforeAll(async () => {
    harness = await startHarness({ name: `sessions-lock-${backend}`, backend, seed: true, worker: false, env: { SIGN_IN_MAX_ATTEMPTS: String(MAX_ATTEMPTS), SIGN_IN_LOCK_MINUTES: '15' } });
    ({ store } = harness);
    api = harness.api!;
  });
  afterAll(() => harness?.close());

  it(`locks at exactly ${MAX_ATTEMPTS} checked passwords when 40 wrong ones arrive at once`, async () => {
    const user = await createUser(store.db, { username: `race.${backend}`, displayName: '并发', password: 'the right password 1', role: 'viewer', scopeId: STREET });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => api.call('POST', '/api/auth/login', { body: { username: user.username, password: `wrong guess ${n}` } })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(401));
    const failures = await store.db.selectFrom('audit_log').select('after').where('entity_id', '=', user.id).where('action', '=', 'sign_in_failed').execute();
    const checked = failures.filter((row) => (row.after as { reason: string }).reason === 'wrong_password');
    expect(checked).toHaveLength(MAX_ATTEMPTS);
    expect(checked.map((row) => (row.after as { failedAttempts: number }).failedAttempts).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(failures.filter((row) => (row.after as { reason: string }).reason === 'locked')).toHaveLength(40 - MAX_ATTEMPTS);
    expect(answers.filter((answer) => /locked/.test(answer.body.error.message))).toHaveLength(40 - MAX_ATTEMPTS + 1);
    const right = await api.call('POST', '/api/auth/login', { body: { username: user.username, password: 'the right password 1' } });
    expect(right.status).toBe(401);
    expect(right.body.error.message).toMatch(/locked/);
  });

  it('lets the right password through among parallel wrong ones while they stay within the limit', async () => {
    const user = await createUser(store.db, { username: `race.mixed.${backend}`, displayName: '并发二', password: 'the right password 2', role: 'viewer', scopeId: STREET });
    const guesses = [...Array.from({ length: MAX_ATTEMPTS - 2 }, (_, n) => `wrong ${n}`), 'the right password 2'];
    const answers = await Promise.all(guesses.map((password) => api.call('POST', '/api/auth/login', { body: { username: user.username, password } })));
    expect(answers.at(-1)!.status).toBe(200);
    expect(answers.slice(0, -1).map((answer) => answer.body.error.message)).toEqual(Array(MAX_ATTEMPTS - 2).fill('wrong username or password'));
    expect((await store.db.selectFrom('users').select('locked_until').where('id', '=', user.id).executeTakeFirstOrThrow()).locked_until).toBeNull();
  });
});

describe('dashboard users: disable, passwords, sessions', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let yushuguanAdmin: string;
  let n = 0;

  const login = (username: string, password: string) => api.call('POST', '/api/auth/login', { body: { username, password } });
  const signIn = async (username: string, password: string): Promise<Session> => {
    const answer = await login(username, password);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return sessionOf(answer.headers);
  };
  const asSession = (session: Session, method: string, path: string, body?: unknown) =>
    api.call(method, path, { headers: { cookie: session.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrf }) }, body: method === 'GET' ? undefined : body ?? {} });
  const alive = async (session: Session) => (await asSession(session, 'GET', '/api/auth/session')).status === 200;
  /** A fresh user at Wanmingyuan with a known password. */
  const newUser = async (role: Role = 'station_lead') => {
    n += 1;
    const password = `initial password ${n}`;
    const user = await createUser(store.db, { username: `sessions.user${n}`, displayName: `用户${n}`, password, role, scopeId: WANMINGYUAN, workerId: role === 'station_lead' ? 'w-wanmingyuan-lead' : null });
    return { ...user, password };
  };

  beforeAll(async () => {
    harness = await startHarness({ name: 'sessions', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000', SIGN_IN_MAX_ATTEMPTS: String(MAX_ATTEMPTS) } });
    ({ store, tokens } = harness);
    api = harness.api!;
    yushuguanAdmin = (await createToken(store.db, { name: 'yushuguan admin', role: 'admin', scopeId: YUSHUGUAN })).token;
  });
  afterAll(() => harness?.close());

  it('disables a user: their sessions end at once and they cannot sign in, until enabled again', async () => {
    const user = await newUser();
    const first = await signIn(user.username, user.password);
    const second = await signIn(user.username, user.password);
    const disabled = await api.call('POST', `/api/users/${user.id}/disable`, { token: tokens.admin });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: user.id, disabled: true, endedSessions: 2 });
    expect(await alive(first)).toBe(false);
    expect(await alive(second)).toBe(false);
    expect((await login(user.username, user.password)).status).toBe(401);
    // A second disable changes nothing.
    expect((await api.call('POST', `/api/users/${user.id}/disable`, { token: tokens.admin })).body).toMatchObject({ disabled: true, endedSessions: 0 });
    const listed = await api.call('GET', `/api/users?username=${user.username}`, { token: tokens.admin });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: user.id, disabled: true })]);

    const enabled = await api.call('POST', `/api/users/${user.id}/enable`, { token: tokens.admin });
    expect(enabled.body).toMatchObject({ disabled: false });
    expect((await login(user.username, user.password)).status).toBe(200);
    const audit = await store.db.selectFrom('audit_log').select('action').where('entity_id', '=', user.id).where('action', 'in', ['disable', 'enable']).orderBy('id').execute();
    expect(audit.map((row) => row.action)).toEqual(['disable', 'enable']);
  });

  it('refuses an admin disabling their own sign-in, and another subtree\'s admin disabling anyone here (404)', async () => {
    const admin = await createUser(store.db, { username: 'sessions.admin', displayName: '管理员', password: 'admin password 12', role: 'admin', scopeId: STREET });
    const session = await signIn('sessions.admin', 'admin password 12');
    const self = await asSession(session, 'POST', `/api/users/${admin.id}/disable`);
    expect(self.status).toBe(409);
    expect(self.body.error.reason).toBe('cannot_disable_self');
    const user = await newUser();
    for (const action of ['disable', 'enable', 'reset-password', 'sessions/end', 'unlock']) {
      expect((await api.call('POST', `/api/users/${user.id}/${action}`, { token: yushuguanAdmin })).status, action).toBe(404);
    }
  });

  it('lets a user change their own password: the current one is required, the new one must be strong, their other sessions end', async () => {
    const user = await newUser();
    const here = await signIn(user.username, user.password);
    const elsewhere = await signIn(user.username, user.password);
    const change = (body: unknown) => asSession(here, 'POST', '/api/auth/password', body);

    const wrong = await change({ currentPassword: 'not my password', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([expect.objectContaining({ path: 'body.currentPassword' })]);
    for (const [newPassword, message] of [
      ['short', /12/], ['aaaaaaaaaaaaaaaa', /different/], [`my ${user.username} password`, /username/], [user.password, /differ/],
    ] as const) {
      const weak = await change({ currentPassword: user.password, newPassword });
      expect(weak.status, newPassword).toBe(400);
      expect(weak.body.error.details, newPassword).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.newPassword', message: expect.stringMatching(message) })]));
      expect(weak.body.error.details.every((detail: { path: string }) => detail.path === 'body.newPassword'), newPassword).toBe(true);
    }
    expect(await alive(elsewhere)).toBe(true);

    const changed = await change({ currentPassword: user.password, newPassword: 'a brand new passphrase' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ user: { id: user.id }, endedSessions: 1 });
    expect(changed.headers.get('cache-control')).toBe('no-store');
    expect(await alive(here)).toBe(true);
    expect(await alive(elsewhere)).toBe(false);
    expect((await login(user.username, user.password)).status).toBe(401);
    expect((await login(user.username, 'a brand new passphrase')).status).toBe(200);
    const audit = await store.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', user.id).where('action', 'like', 'change_password%').orderBy('id').execute();
    expect(audit.map((row) => row.action)).toEqual(['change_password_failed', 'change_password']);
    expect(JSON.stringify(audit)).not.toContain('brand new');
  });

  it('counts wrong current passwords toward the sign-in lock, and refuses a token (it has no password)', async () => {
    const user = await newUser();
    const here = await signIn(user.username, user.password);
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      expect((await asSession(here, 'POST', '/api/auth/password', { currentPassword: `guess ${attempt}`, newPassword: 'a brand new passphrase' })).status).toBe(400);
    }
    const last = await asSession(here, 'POST', '/api/auth/password', { currentPassword: 'last guess', newPassword: 'a brand new passphrase' });
    expect(last.body.error.details[0].message).toMatch(/locked/);
    expect((await login(user.username, user.password)).body.error.message).toMatch(/locked/);

    const byToken = await api.call('POST', '/api/auth/password', { token: tokens.supervisor, body: { currentPassword: 'x', newPassword: 'a brand new passphrase' } });
    expect(byToken.status).toBe(403);
  });

  it('lets an admin reset a password: a generated one shown once, the lock lifted, every session of the user ended', async () => {
    const user = await newUser();
    const session = await signIn(user.username, user.password);
    await store.db.updateTable('users').set({ locked_until: new Date(Date.now() + 3_600_000), failed_attempts: MAX_ATTEMPTS }).where('id', '=', user.id).execute();
    const reset = await api.call('POST', `/api/users/${user.id}/reset-password`, { token: tokens.admin });
    expect(reset.status).toBe(200);
    expect(reset.headers.get('cache-control')).toBe('no-store');
    expect(reset.body).toMatchObject({ user: { id: user.id, lockedUntil: null }, endedSessions: 1 });
    const password = reset.body.password as string;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(await alive(session)).toBe(false);
    expect((await login(user.username, user.password)).status).toBe(401);
    expect((await login(user.username, password)).status).toBe(200);
    const audit = await store.db.selectFrom('audit_log').selectAll().where('entity_id', '=', user.id).where('action', '=', 'reset_password').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(password);
    expect((await store.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()).password_hash).toMatch(/^\$argon2id\$/);
  });

  it('makes a reset password change at the next sign-in: until then the session may only change it, read who it is and sign out', async () => {
    const user = await newUser();
    const reset = await api.call('POST', `/api/users/${user.id}/reset-password`, { token: tokens.admin });
    expect(reset.body.user).toMatchObject({ id: user.id, passwordChangeRequired: true });
    const password = reset.body.password as string;

    const signedIn = await login(user.username, password);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ id: user.id, passwordChangeRequired: true });
    const session = sessionOf(signedIn.headers);
    const other = await signIn(user.username, password);
    // Reads and changes alike are refused, with the reason the dashboard phrases.
    for (const [method, path, body] of [
      ['GET', '/api/communities'], ['GET', '/api/me'], ['GET', `/api/workers/w-wanmingyuan-lead`], ['GET', '/api/notifications?recipientId=w-wanmingyuan-lead'],
      ['POST', '/api/service-records', { communityId: WANMINGYUAN, servedOn: '2026-11-10', kind: 'group', theme: 'elderly', title: { zh: '不该记下' }, residentsServed: 1 }],
      ['POST', '/api/calendar-feed', {}],
    ] as Array<[string, string, unknown?]>) {
      const answer = await asSession(session, method, path, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(403);
      expect(answer.body.error.reason, `${method} ${path}`).toBe('password_change_required');
    }
    expect(await store.db.selectFrom('service_records').select('id').where('title_zh', '=', '不该记下').execute()).toEqual([]);
    const who = await asSession(session, 'GET', '/api/auth/session');
    expect(who.status).toBe(200);
    expect(who.body.user).toMatchObject({ id: user.id, passwordChangeRequired: true });
    // Signing out is allowed.
    expect((await asSession(other, 'POST', '/api/auth/logout')).status).toBe(200);
    expect(await alive(other)).toBe(false);
    // A token is not a session: the user's reset does not touch tokens.
    expect((await api.call('GET', '/api/communities', { token: tokens.station_lead })).status).toBe(200);

    const changed = await asSession(session, 'POST', '/api/auth/password', { currentPassword: password, newPassword: 'my own passphrase now' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.user).toMatchObject({ passwordChangeRequired: false });
    expect((await asSession(session, 'GET', '/api/communities')).status).toBe(200);
    const again = await login(user.username, 'my own passphrase now');
    expect(again.body.user).toMatchObject({ passwordChangeRequired: false });
    expect((await asSession(sessionOf(again.headers), 'GET', '/api/me')).status).toBe(200);
  });

  it("ends a user's sessions on an admin's word, keeping the admin's own when it is theirs", async () => {
    const user = await newUser();
    const sessions = [await signIn(user.username, user.password), await signIn(user.username, user.password)];
    const ended = await api.call('POST', `/api/users/${user.id}/sessions/end`, { token: tokens.admin });
    expect(ended.body).toEqual({ userId: user.id, endedSessions: 2 });
    for (const session of sessions) expect(await alive(session)).toBe(false);
    expect((await login(user.username, user.password)).status).toBe(200);

    const admin = await createUser(store.db, { username: 'sessions.admin2', displayName: '管理员二', password: 'admin password 34', role: 'admin', scopeId: STREET });
    const mine = await signIn('sessions.admin2', 'admin password 34');
    const other = await signIn('sessions.admin2', 'admin password 34');
    const own = await asSession(mine, 'POST', `/api/users/${admin.id}/sessions/end`);
    expect(own.body).toEqual({ userId: admin.id, endedSessions: 1 });
    expect(await alive(mine)).toBe(true);
    expect(await alive(other)).toBe(false);
  });
});
