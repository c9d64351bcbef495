import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../src/api/route.js';
import { allRoutes } from '../../src/api/routes/index.js';
import { createToken } from '../../src/services/api-token.js';
import type { Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { writeCaseCall } from '../helpers/case-call.js';
import { writeResourceRequest } from '../helpers/resource-request.js';
import { multipart, pngBytes } from '../helpers/files.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import {
  aimedAt, CROSS_SCOPE_BODIES, fillPath, label, pathParams, queryKeys, recordParams, storeSnapshot, unknownParams, WANMINGYUAN_CASEWORK_RECORD, WANMINGYUAN_POST, WANMINGYUAN_VOLUNTEER, type Records,
} from '../helpers/routes.js';
import type { TestStore } from '../helpers/store.js';

// Role × route × scope: Yushuguan's admin, station lead and social worker try every route the
// route table serves against Wanmingyuan's records — its community, worker, plan and task, training
// cycle and session, venture project, service record, inbox notification, token and dashboard user. Each attempt
// that names one of those records is refused (403, or 404 as if it did not exist), each list shows
// none of them, and the records store is the same afterwards. A route with a parameter or a body
// the route table cannot aim (test/helpers/routes.ts) fails here by name.

const routes = allRoutes();
const FOREIGN_ROLES = ['admin', 'station_lead', 'social_worker'] as const;
type ForeignRole = (typeof FOREIGN_ROLES)[number];

const allows = (spec: RouteSpec, role: Role) => spec.roles !== 'public' && spec.roles.includes(role);
const guarded = routes.filter((spec) => spec.roles !== 'public');

describe("scope matrix: a second community's tokens against the first community's records", () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let foreign: Record<ForeignRole, string>;
  let foreignActorIds: Set<string>;
  let records: Records & { street: string };
  /** Strings that only Wanmingyuan's records contain: none may appear in an answer to Yushuguan. */
  let markers: string[];
  const suffix = randomBytes(3).toString('hex');
  const cycleId = `cyc-scope-${suffix}`;

  beforeAll(async () => {
    harness = await startHarness({ name: 'scope-matrix', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    const ok = (answer: { status: number; body: unknown }, status: number) => {
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      return answer.body as Record<string, unknown>;
    };
    ok(await api.call('POST', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor, body: {} }), 201);
    const day = (days: number, hour: number) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+08:00`;
    ok(await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: cycleId, name: '万明园站内培训', orgUnitId: WANMINGYUAN, cohort: { workerIds: ['w-wanmingyuan-sw1', 'w-wanmingyuan-sw2'] },
        sessions: [{ dimension: 'party_policy', level: 1, startsAt: day(30, 9), endsAt: day(30, 11), place: '万明园站', trainer: '督导', capacity: 10 }],
        assessment: { passMark: 60, retakeWindowSeconds: 86_400 },
      },
    }), 201);
    const cycle = await eventually('the cycle and its enrolments', async () => {
      const answer = await api.call('GET', `/api/training-cycles/${cycleId}`, { token: tokens.supervisor });
      return answer.status === 200 && answer.body.participants.enrolled === 2 && answer.body;
    });
    await eventually("the plan's tasks", async () => {
      const answer = await api.call('GET', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor });
      return answer.status === 200 && answer.body.tasks?.some((task: { id: string }) => task.id === 'guide-post-setup');
    });
    const token = ok(await api.call('POST', '/api/tokens', { token: tokens.admin, body: { name: 'wanmingyuan admin', role: 'admin', scopeId: WANMINGYUAN } }), 201);
    const user = ok(await api.call('POST', '/api/users', {
      token: tokens.admin, body: { username: `wanmingyuan.lead.${suffix}`, displayName: '万明园站长', password: 'a long enough password', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' },
    }), 201);
    const notificationId = randomUUID();
    await store.db.insertInto('notifications').values({
      id: notificationId, idempotency_key: `scope-matrix:${notificationId}`, recipient_id: 'w-wanmingyuan-sw1', channel: 'inbox', kind: 'test', locale: 'zh-CN',
      subject: '万明园通知', body_text: '万明园通知', body_html: null, payload: JSON.stringify({}), workflow_id: null, status: 'delivered',
      last_error: null, due_at: null, delivered_at: new Date(), read_at: null, sending_at: null, provider_ref: null,
    }).execute();

    const photo = multipart([{ name: '万明园楼道.png', content: pngBytes() }]);
    const uploaded = await fetch(`${api.url}/api/venture-projects/vp-zhanlanlu-wanmingyuan-loudao/attachments`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.station_lead}`, 'content-type': photo.contentType }, body: photo.body,
    });
    expect(uploaded.status).toBe(201);
    const attachmentId = ((await uploaded.json()) as { items: Array<{ id: string }> }).items[0]!.id;

    const callId = `call-scope-${suffix}`;
    const caseId = `case-scope-${suffix}`;
    await writeCaseCall(store.db, { callId, caseId, orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, reviewerId: 'w-wanmingyuan-lead', published: false });
    const requestId = `rr-scope-${suffix}`;
    const matchId = `m-scope-${suffix}`;
    await writeResourceRequest(store.db, { requestId, matchId, communityId: WANMINGYUAN });

    // A social organisation and a charitable resource of Wanmingyuan's own (the default data's are the street's).
    const organisation = ok(await api.call('POST', '/api/social-organisations', {
      token: tokens.station_lead, body: { orgUnitId: WANMINGYUAN, name: { zh: '万明园读书会' }, kind: 'community_based', stationIds: [WANMINGYUAN] },
    }), 201);
    const resource = ok(await api.call('POST', '/api/charitable-resources', {
      token: tokens.station_lead, body: { orgUnitId: WANMINGYUAN, donor: '万明园爱心企业', kind: 'goods', amount: 10, unit: '份', receivedOn: new Date().toISOString().slice(0, 10) },
    }), 201);
    // Wanmingyuan's brand, so the brand routes are tried against a record that exists.
    ok(await api.call('PUT', `/api/stations/${WANMINGYUAN}/brand`, {
      token: tokens.station_lead, body: { name: { zh: '万明园楼道品牌' }, feature: { zh: '万明园以楼道自治为特色' }, projectIds: ['vp-zhanlanlu-wanmingyuan-loudao'] },
    }), 200);
    records = {
      street: STREET, communityId: WANMINGYUAN, workerId: 'w-wanmingyuan-sw1', id: cycleId, sessionId: (cycle.sessions as Array<{ id: string }>)[0]!.id,
      projectId: 'vp-zhanlanlu-wanmingyuan-loudao', notificationId, tokenId: token.id as string, userId: user.id as string,
      taskId: 'guide-post-setup', stage: 'guide', milestone: 'site', attachmentId, callId, caseId, recordId: WANMINGYUAN_CASEWORK_RECORD, postId: WANMINGYUAN_POST,
      organisationId: organisation.id as string, volunteerId: WANMINGYUAN_VOLUNTEER, resourceId: resource.id as string, requestId, matchId,
    };
    markers = [WANMINGYUAN, 'w-wanmingyuan-', '万明园', cycleId, records.sessionId, records.projectId, notificationId, records.tokenId, records.userId, user.username as string, attachmentId, callId, caseId, records.organisationId, records.resourceId, WANMINGYUAN_VOLUNTEER, requestId];
    const made = {
      admin: await createToken(store.db, { name: 'yushuguan admin', role: 'admin', scopeId: YUSHUGUAN }),
      station_lead: await createToken(store.db, { name: 'yushuguan lead', role: 'station_lead', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-lead' }),
      social_worker: await createToken(store.db, { name: 'yushuguan worker', role: 'social_worker', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-sw1' }),
    };
    foreign = { admin: made.admin.token, station_lead: made.station_lead.token, social_worker: made.social_worker.token };
    foreignActorIds = new Set(Object.values(made).map((token) => token.id));
    // A plan and a cycle started and mirrored, on a shared machine: more than the default hook time.
  }, 300_000);
  afterAll(async () => {
    await api?.call('POST', `/api/stations/${WANMINGYUAN}/plan/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await api?.call('POST', `/api/training-cycles/${cycleId}/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await harness?.close();
  });

  it('knows how to aim every route at the records: its path parameters, or its body', () => {
    for (const spec of guarded) {
      expect(unknownParams(spec), `${label(spec)}: add its parameters to PATH_PARAMS in test/helpers/routes.ts`).toEqual([]);
      if (spec.method !== 'get' && pathParams(spec.path).length === 0) {
        expect(CROSS_SCOPE_BODIES[label(spec)], `${label(spec)}: add it to CROSS_SCOPE_BODIES in test/helpers/routes.ts`).toBeDefined();
      }
    }
    // Every role of the second community is let into some route, so the matrix below tries something for each.
    for (const role of FOREIGN_ROLES) expect(guarded.some((spec) => allows(spec, role) && pathParams(spec.path).length > 0), role).toBe(true);
  });

  /** Store contents that a refused request must leave alone (reads are audited, so the audit log grows). */
  const snapshot = async () => {
    const { audit_log: _audit, ...rest } = await storeSnapshot(store.db);
    return rest;
  };

  it('refuses every attempt on a record of the first community (403 or 404) and changes nothing', async () => {
    // Workflows started above mirror their first state and then wait for weeks: the store is still.
    await eventually('a still store', async () => {
      const first = await snapshot();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await snapshot()).toEqual(first);
      return true;
    });
    const before = await snapshot();
    const answered: string[] = [];
    for (const spec of guarded.filter((candidate) => pathParams(candidate.path).length > 0)) {
      const path = fillPath(spec.path, recordParams(spec, records));
      const body = spec.method === 'get' ? undefined : aimedAt(spec.example ?? {}, records);
      for (const role of FOREIGN_ROLES.filter((candidate) => allows(spec, candidate))) {
        const { status, body: answer } = await api.call(spec.method.toUpperCase(), path, { token: foreign[role], body });
        answered.push(`${role} ${label(spec)} → ${status}`);
        expect([403, 404], `${role} ${label(spec)}: ${JSON.stringify(answer)}`).toContain(status);
      }
    }
    expect(answered.length).toBeGreaterThan(20);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses every change whose body names a record of the first community, and changes nothing', async () => {
    const before = await snapshot();
    let tried = 0;
    for (const spec of guarded.filter((candidate) => candidate.method !== 'get' && pathParams(candidate.path).length === 0)) {
      const entry = CROSS_SCOPE_BODIES[label(spec)]!;
      if (typeof entry === 'object') continue;
      const body = entry === 'example aimed at the records' ? aimedAt(spec.example, records) : entry(records, YUSHUGUAN);
      for (const role of FOREIGN_ROLES.filter((candidate) => allows(spec, candidate))) {
        const { status, body: answer } = await api.call('POST', spec.path, { token: foreign[role], body });
        tried += 1;
        expect([400, 403, 404], `${role} ${label(spec)}: ${JSON.stringify(answer)}`).toContain(status);
      }
    }
    expect(tried).toBeGreaterThanOrEqual(6);
    expect(await snapshot()).toEqual(before);
  });

  it('shows none of the first community\'s records in any list, even when asked for them by filter', async () => {
    let listed = 0;
    for (const spec of guarded.filter((candidate) => candidate.method === 'get' && pathParams(candidate.path).length === 0)) {
      const query = new URLSearchParams();
      for (const key of queryKeys(spec)) {
        const value = key === 'recipientId' ? records.workerId : key === 'scopeId' ? records.communityId : (records as Record<string, string>)[key];
        if (value) query.set(key, value);
      }
      const path = query.size > 0 ? `${spec.path}?${query}` : spec.path;
      for (const role of FOREIGN_ROLES.filter((candidate) => allows(spec, candidate))) {
        const { status, body } = await api.call('GET', path, { token: foreign[role] });
        expect(status, `${role} GET ${path}`).toBeLessThan(500);
        if (status !== 200) continue;
        listed += 1;
        let shown: unknown = body;
        if (spec.path === '/api/audit') {
          // Entries of actors in the caller's subtree only; their own reads name what they asked for.
          const items = body.items as Array<{ scopeId: string | null; actorId: string | null }>;
          expect(new Set(items.map((item) => item.scopeId)), `${role} GET ${path}`).toEqual(new Set([YUSHUGUAN]));
          shown = items.filter((item) => !foreignActorIds.has(item.actorId ?? ''));
        }
        const text = JSON.stringify(shown);
        for (const marker of markers) expect(text.includes(marker), `${role} GET ${path} shows ${marker}`).toBe(false);
      }
    }
    expect(listed).toBeGreaterThan(10);
    // The same lists do show them to the city admin: the markers are there to be found.
    const all = await api.call('GET', '/api/tokens', { token: tokens.admin });
    expect(JSON.stringify(all.body)).toContain(records.tokenId);
  });
});
