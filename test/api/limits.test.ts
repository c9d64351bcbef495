import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/services/api-token.js';
import type { Role } from '../../src/domain/types.js';
import { openStore } from '../../src/store/connect.js';
import { startTestApi, STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { closeWhenQuiet, testConfig } from '../helpers/temporal.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function expectErrorShape(body: { error?: { code?: unknown; message?: unknown } }, code: string) {
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  expect((body.error!.message as string).length).toBeGreaterThan(0);
}

// One store, client and token set; each part starts the API it needs (a rate limit, a readable
// logger, a pinned clock, a store or Temporal that is down) over them.
describe('platform limits and failures', () => {
  let harness: Harness;
  let store: TestStore;
  let temporal: Client;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    harness = await startHarness({ name: 'limits', seed: true, worker: false, api: false });
    ({ store, client: temporal, tokens } = harness);
  });
  afterAll(() => harness?.close());

  describe('rate limit', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startTestApi({ store, temporal, config: testConfig({ RATE_LIMIT_PER_MINUTE: '3' }) });
    });
    afterAll(() => api?.close());

    it('answers 429 with Retry-After and the error shape once a token spends its budget, per token', async () => {
      for (let i = 0; i < 3; i += 1) expect((await api.call('GET', '/api/communities', { token: tokens.station_lead })).status).toBe(200);
      const limited = await api.call('GET', '/api/communities', { token: tokens.station_lead });
      expect(limited.status).toBe(429);
      expectErrorShape(limited.body, 'rate_limited');
      const retryAfter = Number(limited.headers.get('retry-after'));
      // Three a minute refill one every 20 s.
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(20);
      expect(limited.headers.get('x-request-id')).toMatch(UUID);
      // Another token has its own budget.
      expect((await api.call('GET', '/api/communities', { token: tokens.social_worker })).status).toBe(200);
    });
  });

  describe('request ids', () => {
    let api: TestApi;
    const lines: Array<Record<string, unknown>> = [];
    beforeAll(async () => {
      api = await startTestApi({ store, temporal, config: testConfig({ RATE_LIMIT_PER_MINUTE: '10000' }) });
      // The same app with a logger we can read.
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      });
      api.deps.logger = pino({ level: 'info' }, sink);
    });
    afterAll(() => api?.close());

    it('generates a request id for every answer, success or error, when the caller sends none', async () => {
      const ok = await api.call('GET', '/api/communities', { token: tokens.admin });
      const missing = await api.call('GET', '/api/nothing', { token: tokens.admin });
      const unauthorized = await api.call('GET', '/api/communities');
      const health = await api.call('GET', '/healthz');
      const ids = [ok, missing, unauthorized, health].map((answer) => answer.headers.get('x-request-id'));
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(4);
    });

    it("echoes a caller's well-formed request id and replaces a malformed one", async () => {
      const echoed = await api.call('GET', '/api/communities', { token: tokens.admin, headers: { 'x-request-id': 'dashboard-42.a_b' } });
      expect(echoed.headers.get('x-request-id')).toBe('dashboard-42.a_b');
      for (const bad of ['has spaces', 'x'.repeat(101), 'semi;colon', '<script>']) {
        const replaced = await api.call('GET', '/api/communities', { token: tokens.admin, headers: { 'x-request-id': bad } });
        expect(replaced.headers.get('x-request-id')).toMatch(UUID);
      }
    });

    it('writes the request id to the log line of the request and to the audit entry of a change', async () => {
      const created = await api.call('POST', '/api/tokens', {
        token: tokens.admin, headers: { 'x-request-id': 'req-audit-1' }, body: { name: 'request id test', role: 'viewer', scopeId: STREET },
      });
      expect(created.status).toBe(201);
      const audit = await store.db.selectFrom('audit_log').select(['request_id', 'entity_id']).where('entity', '=', 'api_token').where('entity_id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(audit.request_id).toBe('req-audit-1');
      const line = lines.find((entry) => entry.requestId === 'req-audit-1' && entry.msg === 'request');
      expect(line).toMatchObject({ method: 'POST', path: '/api/tokens', status: 201, actor: 'test admin' });
    });
  });

  describe('unavailable backing services', () => {
    it('answers 503 with a retry hint when the records store is closed', async () => {
      const closing = await createTestStore('pglite');
      await closing.db.insertInto('org_units').values({ id: 'cn-bj', parent_id: null, kind: 'city', name_zh: '北京市', name_en: 'Beijing' }).execute();
      const { token } = await createToken(closing.db, { name: 'admin', role: 'admin', scopeId: 'cn-bj' });
      const api = await startTestApi({ store: closing, temporal });
      try {
        expect((await api.call('GET', '/api/communities', { token })).status).toBe(200);
        await closing.close();
        const answer = await api.call('GET', '/api/communities', { token });
        expect(answer.status).toBe(503);
        expectErrorShape(answer.body, 'unavailable');
        expect(answer.body.error.message).toMatch(/retry/);
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        // /healthz stays up to say what is down.
        // (The admin's token cannot be checked with the store down: the answer is the anonymous one.)
        const health = await api.call('GET', '/healthz', { token: tokens.admin });
        expect(health.status).toBe(200);
        expect(health.body).toEqual({ status: 'degraded' });
      } finally {
        await api.close();
        await closing.dispose();
      }
    });

    it('answers 503 when PostgreSQL cannot be reached', async () => {
      const unreachable = await openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test', poolSize: 1 });
      const api = await startTestApi({ store: unreachable, temporal });
      try {
        const answer = await api.call('GET', '/api/communities', { token: 'sg_anything' });
        expect(answer.status).toBe(503);
        expectErrorShape(answer.body, 'unavailable');
        expect(answer.headers.get('retry-after')).toBe('5');
      } finally {
        await api.close();
        await unreachable.close();
      }
    });

    it('answers 503 when Temporal cannot be reached, and leaves no half-written plan behind', async () => {
      const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '2s' }), namespace: 'default' });
      const api = await startTestApi({ store, temporal: dead });
      try {
        const plansBefore = await store.db.selectFrom('plans').select('id').execute();
        const auditBefore = await store.db.selectFrom('audit_log').select('id').where('entity', '=', 'station_plan').execute();
        const answer = await api.call('POST', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor, body: {} });
        expect(answer.status).toBe(503);
        expectErrorShape(answer.body, 'unavailable');
        expect(answer.headers.get('retry-after')).toBe('5');
        expect(await store.db.selectFrom('plans').select('id').execute()).toEqual(plansBefore);
        expect(await store.db.selectFrom('audit_log').select('id').where('entity', '=', 'station_plan').execute()).toEqual(auditBefore);
      } finally {
        await api.close();
        closeWhenQuiet(dead.connection);
      }
    }, 120_000);
  });

  describe('tokens', () => {
    let api: TestApi;
    let now = new Date('2026-11-28T02:00:00Z');
    beforeAll(async () => {
      api = await startTestApi({ store, temporal, clock: () => now, config: testConfig({ RATE_LIMIT_PER_MINUTE: '10000' }) });
    });
    afterAll(() => api?.close());

    const lastUsed = async (id: string) => (await store.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;

    it('records when a token was last used, at most once a minute', async () => {
      const { id, token } = await createToken(store.db, { name: 'last used', role: 'viewer', scopeId: STREET });
      expect(await lastUsed(id)).toBeNull();
      await api.call('GET', '/api/communities', { token });
      expect(await lastUsed(id)).toEqual(now);
      const first = now;
      now = new Date(first.getTime() + 30_000);
      await api.call('GET', '/api/communities', { token });
      expect(await lastUsed(id)).toEqual(first);
      now = new Date(first.getTime() + 61_000);
      await api.call('GET', '/api/communities', { token });
      expect(await lastUsed(id)).toEqual(now);
      const listed = await api.call('GET', '/api/tokens', { token: tokens.admin });
      expect(listed.body.items.find((item: { id: string }) => item.id === id).lastUsedAt).toBe(now.toISOString());
    });

    it('refuses a token once it expires, and refuses to create one that is already expired', async () => {
      const { token } = await createToken(store.db, { name: 'short-lived', role: 'viewer', scopeId: STREET, expiresAt: new Date(now.getTime() + 60_000) });
      expect((await api.call('GET', '/api/communities', { token })).status).toBe(200);
      now = new Date(now.getTime() + 60_000);
      const expired = await api.call('GET', '/api/communities', { token });
      expect(expired.status).toBe(401);
      expectErrorShape(expired.body, 'unauthorized');
      const past = await api.call('POST', '/api/tokens', { token: tokens.admin, body: { name: 'past', role: 'viewer', scopeId: STREET, expiresAt: '2026-01-01T00:00:00+08:00' } });
      expect(past.status).toBe(400);
      expect(past.body.error.details).toEqual([expect.objectContaining({ path: 'body.expiresAt' })]);
      const noOffset = await api.call('POST', '/api/tokens', { token: tokens.admin, body: { name: 'no zone', role: 'viewer', scopeId: STREET, expiresAt: '2027-01-01T00:00:00' } });
      expect(noOffset.status).toBe(400);
    });

    it("answers GET /api/me with the caller's role, scope and worker", async () => {
      const admin = await api.call('GET', '/api/me', { token: tokens.admin });
      expect(admin.status).toBe(200);
      expect(admin.body).toMatchObject({ name: 'test admin', role: 'admin', scope: { id: 'cn-bj', kind: 'city', name: { zh: '北京市', en: 'Beijing' } }, worker: null });
      const worker = await api.call('GET', '/api/me', { token: tokens.social_worker });
      expect(worker.body).toMatchObject({
        role: 'social_worker', scope: { id: WANMINGYUAN, kind: 'community' },
        worker: { id: 'w-wanmingyuan-sw1', position: 'social_worker', communityId: WANMINGYUAN, name: expect.any(String) },
      });
      expect((await api.call('GET', '/api/me')).status).toBe(401);
    });
  });
});
