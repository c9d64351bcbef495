import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route } from '../../src/api/route.js';
import { allRoutes } from '../../src/api/routes/index.js';
import { createUser } from '../../src/services/user.js';
import { startTestApi, STREET } from '../helpers/app.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { testConfig } from '../helpers/temporal.js';

// What the API promises about its transport: no request waits for ever (503 in the error shape
// after REQUEST_TIMEOUT_MS), and HSTS and Secure cookies only when PUBLIC_URL is https — over
// plain http, HSTS told browsers to refuse the address they were using.

describe('transport', () => {
  let store: TestStore;
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: 'default' });
  const password = 'a long enough password 1!';

  beforeAll(async () => {
    store = await createTestStore('pglite', { seed: true });
    await createUser(store.db, { username: 'transport-admin', displayName: 'Transport', password, role: 'admin', scopeId: STREET });
  });
  afterAll(() => store?.dispose());

  it('answers 503 in the error shape when a request is not answered in time, and drops the late answer', async () => {
    let finished = false;
    const slow = route({
      method: 'get', path: '/api/test-slow', summary: 'waits', tag: 'test', roles: 'public',
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        finished = true;
        return { late: true };
      },
    });
    const api = await startTestApi({ store, temporal, config: testConfig({ REQUEST_TIMEOUT_MS: '200' }), app: { routes: [...allRoutes(), slow] } });
    try {
      const answer = await api.call('GET', '/api/test-slow');
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('200 ms') });
      expect(answer.headers.get('retry-after')).toBe('5');
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(finished).toBe(true);
      // The server is none the worse for the late answer.
      expect((await api.call('GET', '/api/openapi.json')).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it.each([
    ['http', 'http://shegong.example.org', false],
    ['https', 'https://shegong.example.org', true],
  ] as const)('over %s: HSTS and Secure cookies %s', async (_, publicUrl, secure) => {
    const api = await startTestApi({ store, temporal, config: testConfig({ PUBLIC_URL: publicUrl }) });
    try {
      const health = await api.call('GET', '/healthz');
      expect(health.headers.get('strict-transport-security') !== null).toBe(secure);
      const signedIn = await api.call('POST', '/api/auth/login', { body: { username: 'transport-admin', password } });
      expect(signedIn.status).toBe(200);
      const cookies = signedIn.headers.getSetCookie();
      expect(cookies.length).toBeGreaterThan(0);
      for (const cookie of cookies) expect(/;\s*Secure/i.test(cookie), cookie).toBe(secure);
    } finally {
      await api.close();
    }
  });
});
