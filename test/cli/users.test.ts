import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { createToken } from '../../src/services/api-token.js';
import { createUser } from '../../src/services/user.js';
import type { Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';

// `shegong user disable|enable|reset-password|unlock|sessions end` and `shegong password`, against
// the real API: each changes what the dashboard sign-in then does.

describe('shegong user and password commands', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;

  const cli = async (args: string[], options: { token?: string | null; env?: Record<string, string> } = {}) => {
    let stdout = '';
    let stderr = '';
    const token = options.token === undefined ? tokens.admin : options.token;
    const code = await runCli(args, {
      stdout: (text) => { stdout += text; },
      stderr: (text) => { stderr += text; },
      env: { SHEGONG_URL: api.url, ...(token ? { SHEGONG_TOKEN: token } : {}), ...options.env },
    });
    return { code, stdout, stderr };
  };
  const login = (username: string, password: string) => api.call('POST', '/api/auth/login', { body: { username, password } });
  const sessionCookie = async (username: string, password: string) => {
    const answer = await login(username, password);
    expect(answer.status).toBe(200);
    return answer.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  };
  const alive = async (cookie: string) => (await api.call('GET', '/api/auth/session', { headers: { cookie } })).status === 200;

  beforeAll(async () => {
    harness = await startHarness({ name: 'cli-users', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    await createUser(store.db, { username: 'cli.lead', displayName: 'CLI 站长', password: 'the first password', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(store.db, { username: 'cli.viewer', displayName: 'CLI 观察员', password: 'viewer password 1', role: 'viewer', scopeId: STREET });
  });
  afterAll(() => harness?.close());

  it('disables and enables a user by username: sessions end, sign-in refused, then allowed', async () => {
    const cookie = await sessionCookie('cli.lead', 'the first password');
    const disabled = await cli(['user', 'disable', 'cli.lead']);
    expect(disabled).toMatchObject({ code: 0, stdout: 'Disabled cli.lead; 1 session(s) ended.\n' });
    expect(await alive(cookie)).toBe(false);
    expect((await login('cli.lead', 'the first password')).status).toBe(401);
    const list = await cli(['user', 'list']);
    expect(list.stdout).toMatch(/cli\.lead\s+CLI 站长\s+station_lead\s+\S+\s+w-wanmingyuan-lead\s+disabled/);
    const json = await cli(['--json', 'user', 'enable', 'cli.lead']);
    expect(JSON.parse(json.stdout)).toMatchObject({ username: 'cli.lead', disabled: false });
    expect((await login('cli.lead', 'the first password')).status).toBe(200);
  });

  it("resets a password, printing the generated one once; the user's sessions end", async () => {
    const cookie = await sessionCookie('cli.viewer', 'viewer password 1');
    const reset = await cli(['user', 'reset-password', 'cli.viewer']);
    expect(reset.code).toBe(0);
    const [, password] = /shown only this once:\n(\S+)\n$/.exec(reset.stdout) ?? [];
    expect(password).toBeDefined();
    expect(reset.stdout).toContain('1 session(s) ended');
    expect(await alive(cookie)).toBe(false);
    expect((await login('cli.viewer', password!)).status).toBe(200);
  });

  it("ends a user's sessions and unlocks them, by username or id; names a user it cannot find", async () => {
    await cli(['user', 'sessions', 'end', 'cli.lead']);
    const cookies = [await sessionCookie('cli.lead', 'the first password'), await sessionCookie('cli.lead', 'the first password')];
    const ended = await cli(['user', 'sessions', 'end', 'cli.lead']);
    expect(ended).toMatchObject({ code: 0, stdout: 'Ended 2 session(s) of cli.lead.\n' });
    for (const cookie of cookies) expect(await alive(cookie)).toBe(false);
    const id = (await store.db.selectFrom('users').select('id').where('username', '=', 'cli.lead').executeTakeFirstOrThrow()).id;
    await store.db.updateTable('users').set({ locked_until: new Date(Date.now() + 3_600_000) }).where('id', '=', id).execute();
    expect((await cli(['user', 'unlock', id])).stdout).toBe('Unlocked cli.lead.\n');
    expect((await login('cli.lead', 'the first password')).status).toBe(200);
    const missing = await cli(['user', 'disable', 'nobody.here']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no user nobody.here');
    // Another community's admin finds none of these users.
    const elsewhere = (await createToken(store.db, { name: 'yushuguan admin', role: 'admin', scopeId: YUSHUGUAN })).token;
    expect((await cli(['user', 'disable', 'cli.lead'], { token: elsewhere })).code).toBe(1);
    expect((await cli(['user', 'disable', id], { token: elsewhere })).stderr).toContain('404');
  });

  it('changes your own password from the environment, ending your other sessions, and names a weak one', async () => {
    await cli(['user', 'sessions', 'end', 'cli.lead']);
    const other = await sessionCookie('cli.lead', 'the first password');
    expect((await cli(['password', '--username', 'cli.lead'], { token: null })).code).toBe(2);
    const weak = await cli(['password', '--username', 'cli.lead'], { token: null, env: { SHEGONG_PASSWORD: 'the first password', SHEGONG_NEW_PASSWORD: 'short' } });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('body.newPassword');
    const wrong = await cli(['password', '--username', 'cli.lead'], { token: null, env: { SHEGONG_PASSWORD: 'not the password', SHEGONG_NEW_PASSWORD: 'a second long passphrase' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401');
    const changed = await cli(['password', '--username', 'cli.lead'], { token: null, env: { SHEGONG_PASSWORD: 'the first password', SHEGONG_NEW_PASSWORD: 'a second long passphrase' } });
    expect(changed).toMatchObject({ code: 0, stdout: 'Changed the password of cli.lead; 1 other session(s) ended.\n' });
    expect(await alive(other)).toBe(false);
    expect((await login('cli.lead', 'the first password')).status).toBe(401);
    expect((await login('cli.lead', 'a second long passphrase')).status).toBe(200);
    // The command's own session ended with it: only the sign-in just above is live.
    const live = await store.db.selectFrom('user_sessions as s').innerJoin('users as u', 'u.id', 's.user_id').select('s.id_hash')
      .where('u.username', '=', 'cli.lead').where('s.revoked_at', 'is', null).execute();
    expect(live).toHaveLength(1);
  });
});
