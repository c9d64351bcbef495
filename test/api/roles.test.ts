import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/api/routes/index.js';
import { ROLES, type Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { writeCaseCall } from '../helpers/case-call.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { createToken } from '../../src/services/api-token.js';
import { fillPath, guardedRoutes, inScopeParams, invalidInput, label, recordParams, ROLE_WORKERS, WANMINGYUAN_CASEWORK_RECORD, WANMINGYUAN_POST, type Records } from '../helpers/routes.js';
import type { TestStore } from '../helpers/store.js';

// Every route × every role, from the same list the app serves: routes added later are covered
// without touching this file. Handlers that change something are guarded (see guardedRoutes), so
// the matrix never writes or starts a workflow; the role check it tests runs before them.
const routes = allRoutes();

describe('role matrix over every route', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Record<Role, string>;
  const reached: string[] = [];

  beforeAll(async () => {
    harness = await startHarness({
      name: 'roles-matrix', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' }, api: { app: { routes: guardedRoutes(routes, reached) } },
    });
    api = harness.api!;
    tokens = harness.tokens;
  });
  afterAll(() => harness?.close());

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
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  // Records for the viewer to look at: a running plan, a training cycle with participants and a
  // rollout with an owner, in communities made for this file (no workflow id collides elsewhere).
  const suffix = randomBytes(3).toString('hex');
  const planned = `${STREET}-roles-plan-${suffix}`;
  const rolling = `${STREET}-roles-rollout-${suffix}`;
  const cycleId = `cyc-roles-${suffix}`;
  // The supervisor who launches the cycle signs with a person's name: a viewer must not see it either.
  const launcher = '督导张某某';
  // A published case call, written to the store: the viewer reads the collection.
  const callId = `call-roles-${suffix}`;
  const caseId = `case-roles-${suffix}`;

  beforeAll(async () => {
    harness = await startHarness({ name: 'roles', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    const ok = (answer: { status: number; body: unknown }, status: number) => expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    ok(await api.call('POST', '/api/communities', {
      token: tokens.admin,
      body: [
        { id: planned, streetId: STREET, nameZh: '角色测试站', nameEn: 'Roles plan', hasStation: true },
        { id: rolling, streetId: STREET, nameZh: '角色测试新站', nameEn: 'Roles rollout' },
      ],
    }), 201);
    ok(await api.call('POST', '/api/workers', {
      token: tokens.admin,
      body: [
        { id: 'w-roles-a', orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, name: '隐私测试甲', position: 'social_worker', email: 'privacy-a@example.org', phone: '+86 130 0000 0001' },
        { id: 'w-roles-b', orgUnitId: YUSHUGUAN, communityId: YUSHUGUAN, name: '隐私测试乙', position: 'station_lead', email: 'privacy-b@example.org', phone: '+86 130 0000 0002' },
        { id: `w-roles-lead-${suffix}`, orgUnitId: planned, communityId: planned, name: '隐私测试站长', position: 'station_lead', email: 'privacy-lead@example.org', phone: '+86 130 0000 0003' },
        { id: `w-roles-sw-${suffix}`, orgUnitId: planned, communityId: planned, name: '隐私测试社工', position: 'social_worker', email: 'privacy-sw@example.org', phone: '+86 130 0000 0004' },
      ],
    }), 201);
    ok(await api.call('POST', `/api/stations/${planned}/plan`, { token: tokens.supervisor, body: {} }), 201);
    // A brand for the viewer to read (GET /api/stations/:communityId/brand answers 404 while there is none).
    ok(await api.call('PUT', `/api/stations/${planned}/brand`, { token: tokens.supervisor, body: { name: { zh: '角色测试品牌' }, feature: { zh: '角色测试特色' } } }), 200);
    const day = (days: number, hour: number) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+08:00`;
    const launcherToken = (await createToken(store.db, { name: launcher, role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' })).token;
    ok(await api.call('POST', '/api/training-cycles', {
      token: launcherToken,
      body: {
        id: cycleId, name: '角色测试培训', cohort: { workerIds: [`w-roles-lead-${suffix}`, `w-roles-sw-${suffix}`, 'w-roles-a'] },
        sessions: [{ dimension: 'party_policy', level: 1, startsAt: day(30, 9), endsAt: day(30, 11), place: '中心', trainer: '督导', capacity: 10 }],
        assessment: { passMark: 60, retakeWindowSeconds: 86_400 },
      },
    }), 201);
    await writeCaseCall(store.db, { callId, caseId, orgUnitId: STREET, communityId: WANMINGYUAN, reviewerId: 'w-zhanlanlu-supervisor-01', published: true });
    ok(await api.call('POST', `/api/rollout/${rolling}`, { token: tokens.supervisor, body: { targetDate: day(120, 0).slice(0, 10), owner: `w-roles-lead-${suffix}` } }), 201);
  });
  afterAll(async () => {
    await api?.call('POST', `/api/stations/${planned}/plan/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await api?.call('POST', `/api/training-cycles/${cycleId}/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await harness?.client.workflow.getHandle(`station-rollout:${rolling}`).terminate('test over').catch(() => undefined);
    await harness?.close();
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

  /** The records a walk over every GET route reads, by path parameter (see PATH_PARAMS). */
  const walkRecords = (): Array<Partial<Records>> => [
    { communityId: planned, id: cycleId, projectId: 'vp-zhanlanlu-wanmingyuan-loudao', workerId: `w-roles-sw-${suffix}`, stage: 'guide', milestone: 'site', taskId: 'guide-post-setup', attachmentId: 'att-none', callId, caseId, recordId: WANMINGYUAN_CASEWORK_RECORD, postId: WANMINGYUAN_POST, requestId: 'rr-none', matchId: 'm-none' },
    { communityId: rolling, id: cycleId, projectId: 'vp-zhanlanlu-wanmingyuan-loudao', workerId: 'w-roles-a', stage: 'guide', milestone: 'site', taskId: 'guide-post-setup', attachmentId: 'att-none', callId, caseId, recordId: WANMINGYUAN_CASEWORK_RECORD, postId: WANMINGYUAN_POST, requestId: 'rr-none', matchId: 'm-none' },
  ];
  const workerSecrets = async (except: string | null) => (await store.db.selectFrom('workers').select(['id', 'name', 'email', 'phone']).execute())
    .filter((worker) => worker.id !== except)
    .flatMap((worker) => [worker.name, worker.email, worker.phone])
    .filter((value): value is string => Boolean(value));

  it('never shows a viewer personal data: no worker names, e-mails or phones, nor who launched a cycle, in any answer', async () => {
    // A viewer's own record (GET /api/me) is theirs to see.
    const secrets = [...await workerSecrets(ROLE_WORKERS.viewer), launcher];
    expect(secrets).toEqual(expect.arrayContaining(['隐私测试甲', 'privacy-b@example.org', '隐私测试站长', 'privacy-sw@example.org', '+86 130 0000 0004']));
    const readable = routes.filter((spec) => spec.method === 'get' && spec.roles !== 'public' && spec.roles.includes('viewer'));
    expect(readable.length).toBeGreaterThan(0);
    const unanswered = new Set(readable.map(label));
    for (const spec of readable) {
      // Each route over each set of records; a route with a parameter the table lacks fails here by name.
      for (const records of walkRecords()) {
        const { status, body } = await api.call('GET', fillPath(spec.path, recordParams(spec, records)), { token: tokens.viewer });
        expect(status, label(spec)).toBeLessThan(500);
        if (status === 200) unanswered.delete(label(spec));
        const text = JSON.stringify(body);
        for (const secret of secrets) expect(text.includes(secret), `${label(spec)} shows ${secret}`).toBe(false);
      }
    }
    // Every route answered the viewer with records in it at least once: none was skipped by a 404.
    expect([...unanswered]).toEqual([]);
    expect(JSON.stringify((await api.call('GET', '/api/rollout', { token: tokens.viewer })).body)).toContain(rolling);
    const cycle = await api.call('GET', `/api/training-cycles/${cycleId}`, { token: tokens.viewer });
    expect(cycle.body).toMatchObject({ id: cycleId, createdBy: null });
  });

  it('audits every read that shows personal data, recording the path values and query it was asked with', async () => {
    // Each role's own worker record is theirs to see (GET /api/me); everyone else's is personal data.
    const secretsOf = Object.fromEntries(await Promise.all((['admin', 'supervisor', 'station_lead', 'social_worker'] as const)
      .map(async (role) => [role, await workerSecrets(ROLE_WORKERS[role])] as const)));
    const readable = routes.filter((spec) => spec.method === 'get' && spec.roles !== 'public');
    const showing: string[] = [];
    let n = 0;
    for (const spec of readable) {
      for (const role of ['admin', 'supervisor', 'station_lead', 'social_worker'] as const) {
        if (spec.roles === 'public' || !spec.roles.includes(role)) continue;
        for (const records of walkRecords()) {
          n += 1;
          const requestId = `roles-read-${suffix}-${n}`;
          const path = fillPath(spec.path, recordParams(spec, records));
          const { status, body } = await api.call('GET', path, { token: tokens[role], headers: { 'x-request-id': requestId } });
          if (status !== 200 || !secretsOf[role]!.some((secret) => JSON.stringify(body).includes(secret))) continue;
          showing.push(label(spec));
          expect(spec.personalData, `${label(spec)} shows personal data to ${role} but is not marked personalData`).toBe(true);
          const entry = await store.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).where('action', '=', 'read').executeTakeFirst();
          expect(entry, `${label(spec)} as ${role}: no audit entry`).toBeDefined();
          expect(entry!.entity).toBe(spec.path);
          expect(entry!.entity_id).not.toBe('{}');
          expect(entry!.after).toMatchObject({ params: Object.fromEntries(Object.entries(recordParams(spec, records)).map(([k, v]) => [k, decodeURIComponent(v)])) });
        }
      }
    }
    // The reads that must be audited were among those walked.
    expect(showing).toEqual(expect.arrayContaining(['GET /api/workers', 'GET /api/workers/:workerId', 'GET /api/training-cycles/:id', 'GET /api/audit']));
  }, 240_000); // every GET route as every role, each read checked in the audit log: minutes on a loaded machine

  it('records the filter of an audited list read, not an empty id', async () => {
    const requestId = `roles-filter-${suffix}`;
    expect((await api.call('GET', `/api/workers?communityId=${planned}&position=social_worker`, { token: tokens.supervisor, headers: { 'x-request-id': requestId } })).status).toBe(200);
    const entry = await store.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      action: 'read', entity: '/api/workers', entity_id: `?communityId=${planned}&limit=100&offset=0&position=social_worker`,
      after: { params: {}, query: { communityId: planned, position: 'social_worker' } }, scope_id: STREET,
    });
  });

  it('shows the same records to a supervisor with the names a viewer may not see', async () => {
    const cycle = await api.call('GET', `/api/training-cycles/${cycleId}`, { token: tokens.supervisor });
    expect(cycle.status).toBe(200);
    const workers = await api.call('GET', `/api/workers?communityId=${planned}`, { token: tokens.supervisor });
    expect(JSON.stringify(workers.body)).toContain('privacy-sw@example.org');
  });
});
