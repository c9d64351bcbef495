import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { ensureAdminUser } from '../../src/bootstrap.js';
import type { Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { createDashboardUsers } from './support.js';

/** Cookie name → value from a response's Set-Cookie headers, and the raw lines. */
function cookiesOf(headers: Headers) {
  const lines = headers.getSetCookie();
  const values = new Map(lines.map((line) => {
    const [pair] = line.split(';');
    const index = pair!.indexOf('=');
    return [pair!.slice(0, index), pair!.slice(index + 1)] as const;
  }));
  return { lines, values };
}

describe('dashboard sign-in', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let now = new Date('2026-11-30T02:00:00Z');

  const login = (username: string, password: string) => api.call('POST', '/api/auth/login', { body: { username, password } });
  const session = async (username: string, password: string) => {
    const answer = await login(username, password);
    expect(answer.status).toBe(200);
    const { values } = cookiesOf(answer.headers);
    const csrf = values.get('sg_csrf')!;
    return { cookie: `sg_session=${values.get('sg_session')}; sg_csrf=${csrf}`, csrf };
  };

  beforeAll(async () => {
    harness = await startHarness({ name: 'web-sign-in', seed: true, worker: false, clock: () => now, env: { SIGN_IN_MAX_ATTEMPTS: '5', SIGN_IN_LOCK_MINUTES: '15' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    await createUser(store.db, { username: 'zhang', displayName: '张督导', password: 'a long enough password', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' });
    await createDashboardUsers(store.db, ['lead']);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('sets an httpOnly SameSite=Strict session cookie that every API route accepts', async () => {
    const answer = await login('zhang', 'a long enough password');
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ username: 'zhang', role: 'supervisor', scopeId: STREET });
    // Neither the password nor its hash (the answer does say whether a reset password must be changed).
    const text = JSON.stringify(answer.body);
    for (const secret of ['a long enough password', 'password_hash', 'passwordHash', '$argon2']) expect(text).not.toContain(secret);
    expect(answer.body.user.passwordChangeRequired).toBe(false);
    const { lines, values } = cookiesOf(answer.headers);
    const sessionLine = lines.find((line) => line.startsWith('sg_session='))!;
    expect(sessionLine).toMatch(/HttpOnly/);
    expect(sessionLine).toMatch(/SameSite=Strict/);
    expect(lines.find((line) => line.startsWith('sg_csrf='))).not.toMatch(/HttpOnly/);
    const cookie = `sg_session=${values.get('sg_session')}`;
    const communities = await api.call('GET', '/api/communities', { headers: { cookie } });
    expect(communities.status).toBe(200);
    expect(communities.body.items).toHaveLength(23);
    const me = await api.call('GET', '/api/auth/session', { headers: { cookie } });
    expect(me.body).toMatchObject({ principal: { name: 'zhang', role: 'supervisor' }, user: { displayName: '张督导' }, scope: { id: STREET } });
  });

  it('stores only hashes of passwords and session ids', async () => {
    const user = await store.db.selectFrom('users').selectAll().where('username', '=', 'zhang').executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const { cookie } = await session('zhang', 'a long enough password');
    const raw = /sg_session=([^;]+)/.exec(cookie)![1]!;
    const rows = await store.db.selectFrom('user_sessions').select('id_hash').execute();
    expect(rows.some((row) => row.id_hash === raw)).toBe(false);
  });

  it('refuses a cookie-authenticated change without the CSRF token and accepts it with one', async () => {
    const { cookie, csrf } = await session('lead', 'lead password 123');
    const without = await api.call('POST', '/api/auth/logout', { headers: { cookie } });
    expect(without.status).toBe(403);
    expect(without.body.error.message).toMatch(/CSRF/);
    const wrong = await api.call('POST', '/api/auth/logout', { headers: { cookie, 'x-csrf-token': 'forged' } });
    expect(wrong.status).toBe(403);
    const ok = await api.call('POST', '/api/auth/logout', { headers: { cookie, 'x-csrf-token': csrf } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ signedOut: true });
    expect((await api.call('GET', '/api/auth/session', { headers: { cookie } })).status).toBe(401);
  });

  it('keeps a signed-in station lead to their own station', async () => {
    const { cookie } = await session('lead', 'lead password 123');
    const list = await api.call('GET', '/api/communities', { headers: { cookie } });
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([WANMINGYUAN]);
    expect((await api.call('GET', '/api/communities/cn-bj-xicheng-zhanlanlu-yushuguan', { headers: { cookie } })).status).toBe(404);
    expect((await api.call('GET', '/api/users', { headers: { cookie } })).status).toBe(403);
  });

  it('locks an account after five failed attempts, even against the right password, until the lock runs out', async () => {
    await createUser(store.db, { username: 'wang', displayName: '王', password: 'wang password 123', role: 'viewer', scopeId: STREET });
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const answer = await login('wang', `wrong ${attempt}`);
      expect(answer.status).toBe(401);
      expect(answer.body.error.message).toBe('wrong username or password');
    }
    const fifth = await login('wang', 'wrong 5');
    expect(fifth.status).toBe(401);
    expect(fifth.body.error.message).toMatch(/locked/);
    expect((await login('wang', 'wang password 123')).body.error.message).toMatch(/locked/);
    now = new Date(now.getTime() + 16 * 60_000);
    expect((await login('wang', 'wang password 123')).status).toBe(200);
  });

  it('audits every sign-in, failed or not, without the password', async () => {
    await login('nobody', 'whatever');
    await login('zhang', 'not it');
    await login('zhang', 'a long enough password');
    const audit = await api.call('GET', '/api/audit?entity=user&limit=50', { token: tokens.admin });
    const actions = audit.body.items.map((item: { actor: string; action: string }) => `${item.actor}:${item.action}`);
    expect(actions).toEqual(expect.arrayContaining(['nobody:sign_in_failed', 'zhang:sign_in_failed', 'zhang:sign_in', 'wang:sign_in_failed']));
    expect(JSON.stringify(audit.body)).not.toContain('not it');
  });

  it('lets an admin create users, refusing a taken name and naming bad fields', async () => {
    const created = await api.call('POST', '/api/users', { token: tokens.admin, body: { username: 'li.viewer', displayName: '李', password: 'li password 12345', role: 'viewer', scopeId: STREET } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'li.viewer', role: 'viewer' });
    const again = await api.call('POST', '/api/users', { token: tokens.admin, body: { username: 'li.viewer', displayName: '李', password: 'li password 12345', role: 'viewer', scopeId: STREET } });
    expect(again.status).toBe(409);
    const bad = await api.call('POST', '/api/users', { token: tokens.admin, body: { username: 'x', displayName: '', password: 'short', role: 'station_lead', scopeId: STREET } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.username', 'body.password', 'body.displayName']));
    expect((await api.call('POST', '/api/users', { token: tokens.supervisor, body: {} })).status).toBe(403);
    const list = await api.call('GET', '/api/users', { token: tokens.admin });
    expect(list.body.items.map((u: { username: string }) => u.username)).toContain('li.viewer');
    expect(JSON.stringify(list.body)).not.toContain('argon2');
    expect((await login('li.viewer', 'li password 12345')).status).toBe(200);
  });

  it('creates the first admin sign-in once, with its password in a private file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shegong-admin-'));
    try {
      const first = await ensureAdminUser(store, dir);
      expect(first?.username).toBe('admin');
      expect(readFileSync(join(dir, 'admin-password'), 'utf8').trim()).toBe(first!.password);
      expect(statSync(join(dir, 'admin-password')).mode & 0o777).toBe(0o600);
      expect(await ensureAdminUser(store, dir)).toEqual(first);
      const answer = await login('admin', first!.password);
      expect(answer.body.user).toMatchObject({ role: 'admin', scopeId: 'cn-bj' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
