import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/api/routes/index.js';
import { ROLES, type Role } from '../../src/domain/types.js';
import { startTestApi, tokensForRoles, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { fillPath, guardedRoutes, inScopeParams, invalidInput, label, ROLE_WORKERS } from '../helpers/routes.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { connectClient, testConfig } from '../helpers/temporal.js';

// Every route × every role, from the same list the app serves: routes added later are covered
// without touching this file. Handlers that change something are guarded (see guardedRoutes), so
// the matrix never writes or starts a workflow; the role check it tests runs before them.
const routes = allRoutes();

describe('role matrix over every route', () => {
  let store: TestStore;
  let temporal: Client;
  let api: TestApi;
  let tokens: Record<Role, string>;
  const reached: string[] = [];

  beforeAll(async () => {
    store = await createTestStore('pglite', { seed: true });
    temporal = await connectClient();
    api = await startTestApi({ store, temporal, config: testConfig({ RATE_LIMIT_PER_MINUTE: '100000' }), app: { routes: guardedRoutes(routes, reached) } });
    tokens = await tokensForRoles(store);
  });
  afterAll(async () => {
    await api?.close();
    await temporal?.connection.close();
    await store?.dispose();
  });

  for (const spec of routes) {
    const method = spec.method.toUpperCase();
    describe(label(spec), () => {
      if (spec.roles === 'public') {
        it('answers without a token', async () => {
          const attempt = invalidInput(spec, inScopeParams(spec, 'viewer'));
          const path = attempt?.path ?? fillPath(spec.path, inScopeParams(spec, 'viewer'));
          const { status } = await api.call(method, path, { body: attempt?.body });
          expect(status).not.toBe(401);
          expect(status).not.toBe(403);
        });
        return;
      }
      const allowed = spec.roles;

      it('refuses a request without a token with 401', async () => {
        const { status, body } = await api.call(method, fillPath(spec.path, inScopeParams(spec, 'admin')), { body: method === 'GET' ? undefined : {} });
        expect(status).toBe(401);
        expect(body.error.code).toBe('unauthorized');
      });

      for (const role of ROLES) {
        if (allowed.includes(role)) {
          it(`lets ${role} past the role check`, async () => {
            const params = inScopeParams(spec, role);
            // Invalid input proves the role check passed (validation comes after it) without a write.
            const attempt = method === 'GET' ? undefined : invalidInput(spec, params);
            const path = attempt?.path ?? fillPath(spec.path, params);
            const { status, body } = await api.call(method, path, { token: tokens[role], body: attempt?.body ?? (method === 'GET' ? undefined : {}) });
            expect(status, JSON.stringify(body)).not.toBe(401);
            expect(status, JSON.stringify(body)).not.toBe(403);
            expect(status, JSON.stringify(body)).toBeLessThan(500);
          });
        } else {
          it(`refuses ${role} with 403`, async () => {
            const { status, body } = await api.call(method, fillPath(spec.path, inScopeParams(spec, role)), { token: tokens[role], body: method === 'GET' ? undefined : {} });
            expect(status).toBe(403);
            expect(body.error).toMatchObject({ code: 'forbidden', message: expect.any(String) });
          });
        }
      }
    });
  }

  it('never ran a handler that changes something with valid input', () => {
    // Routes with no invalid input at all reach the guard by design; any other route must not.
    const withoutInvalidInput = new Set(routes.filter((spec) => spec.method !== 'get' && !invalidInput(spec, inScopeParams(spec, 'admin'))).map(label));
    expect(reached.filter((name) => !withoutInvalidInput.has(name))).toEqual([]);
  });
});

describe('scope: what each role sees and changes', () => {
  let store: TestStore;
  let temporal: Client;
  let api: TestApi;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    store = await createTestStore('pglite', { seed: true });
    temporal = await connectClient();
    api = await startTestApi({ store, temporal, config: testConfig({ RATE_LIMIT_PER_MINUTE: '100000' }) });
    tokens = await tokensForRoles(store);
    const imported = await api.call('POST', '/api/workers', {
      token: tokens.admin,
      body: [
        { id: 'w-roles-a', orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, name: '隐私测试甲', position: 'social_worker', email: 'privacy-a@example.org', phone: '+86 130 0000 0001' },
        { id: 'w-roles-b', orgUnitId: YUSHUGUAN, communityId: YUSHUGUAN, name: '隐私测试乙', position: 'station_lead', email: 'privacy-b@example.org', phone: '+86 130 0000 0002' },
      ],
    });
    expect(imported.status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await temporal?.connection.close();
    await store?.dispose();
  });

  it('hides another station from a station lead (404), and its workers', async () => {
    expect((await api.call('GET', `/api/communities/${YUSHUGUAN}`, { token: tokens.station_lead })).status).toBe(404);
    expect((await api.call('GET', '/api/workers/w-roles-b', { token: tokens.station_lead })).status).toBe(404);
    const list = await api.call('GET', `/api/workers?communityId=${YUSHUGUAN}`, { token: tokens.station_lead });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    expect((await api.call('GET', '/api/workers/w-roles-a', { token: tokens.station_lead })).status).toBe(200);
  });

  it('refuses a station lead a change at another station (403 or 404)', async () => {
    const changes = routes.filter((spec) => spec.method !== 'get' && spec.path.includes(':communityId') && spec.roles !== 'public' && spec.roles.includes('station_lead'));
    for (const spec of changes) {
      const params = { ...inScopeParams(spec, 'station_lead'), communityId: YUSHUGUAN };
      const { status } = await api.call(spec.method.toUpperCase(), fillPath(spec.path, params), { token: tokens.station_lead, body: spec.example ?? {} });
      expect([403, 404], label(spec)).toContain(status);
    }
  });

  it('shows a social worker only their own worker record', async () => {
    expect((await api.call('GET', `/api/workers/${ROLE_WORKERS.social_worker}`, { token: tokens.social_worker })).status).toBe(200);
    expect((await api.call('GET', '/api/workers/w-wanmingyuan-sw2', { token: tokens.social_worker })).status).toBe(404);
    expect((await api.call('GET', '/api/workers/w-roles-a', { token: tokens.social_worker })).status).toBe(404);
  });

  it("keeps a social worker out of another worker's inbox and ladder", async () => {
    const personal = routes.filter((spec) => spec.method === 'get' && spec.roles !== 'public' && spec.roles.includes('social_worker')
      && (spec.path.includes(':workerId') || spec.path.includes(':recipientId')));
    for (const spec of personal) {
      const params = { ...inScopeParams(spec, 'social_worker'), workerId: 'w-wanmingyuan-sw2', recipientId: 'w-wanmingyuan-sw2' };
      const { status } = await api.call('GET', fillPath(spec.path, params), { token: tokens.social_worker });
      expect([403, 404], label(spec)).toContain(status);
    }
    const inbox = routes.find((spec) => spec.method === 'get' && spec.path === '/api/notifications');
    if (inbox) {
      const other = await api.call('GET', '/api/notifications?recipientId=w-wanmingyuan-sw2', { token: tokens.social_worker });
      expect([400, 403, 404]).toContain(other.status);
    }
  });

  it('never shows a viewer personal data: no worker names, e-mails or phones in any answer', async () => {
    const workers = await store.db.selectFrom('workers').select(['id', 'name', 'email', 'phone']).execute();
    // A viewer's own record (GET /api/me) is theirs to see.
    const secrets = workers.filter((worker) => worker.id !== ROLE_WORKERS.viewer)
      .flatMap((worker) => [worker.name, worker.email, worker.phone])
      .filter((value): value is string => Boolean(value));
    expect(secrets).toEqual(expect.arrayContaining(['隐私测试甲', 'privacy-b@example.org']));
    const readable = routes.filter((spec) => spec.method === 'get' && spec.roles !== 'public' && spec.roles.includes('viewer'));
    expect(readable.length).toBeGreaterThan(0);
    for (const spec of readable) {
      const { status, body } = await api.call('GET', fillPath(spec.path, inScopeParams(spec, 'viewer')), { token: tokens.viewer });
      expect(status, label(spec)).toBeLessThan(500);
      const text = JSON.stringify(body);
      for (const secret of secrets) expect(text.includes(secret), `${label(spec)} shows ${secret}`).toBe(false);
    }
  });
});
