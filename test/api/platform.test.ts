import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';

describe('API platform', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    harness = await startHarness({ name: 'platform', seed: true, worker: false });
    ({ store, tokens } = harness);
    api = harness.api!;
  });
  afterAll(() => harness?.close());

  it('says only up or degraded on /healthz without a token, and reports Temporal and the store to an admin', async () => {
    const anonymous = await api.call('GET', '/healthz');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ status: 'ok' });
    const lead = await api.call('GET', '/healthz', { token: tokens.station_lead });
    expect(lead.body).toEqual({ status: 'ok' });
    const { status, body } = await api.call('GET', '/healthz', { token: tokens.admin });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', temporal: { status: 'up' }, store: { status: 'up' }, eventLoopDelay: { p99Ms: expect.any(Number) } });
  });

  it('refuses a missing, unknown or revoked token with 401', async () => {
    expect((await api.call('GET', '/api/communities')).status).toBe(401);
    expect((await api.call('GET', '/api/communities', { token: 'sg_nope' })).status).toBe(401);
    const created = await api.call('POST', '/api/tokens', { token: tokens.admin, body: { name: 'temp', role: 'viewer', scopeId: STREET } });
    expect(created.status).toBe(201);
    expect((await api.call('GET', '/api/communities', { token: created.body.token })).status).toBe(200);
    expect((await api.call('POST', `/api/tokens/${created.body.id}/revoke`, { token: tokens.admin })).status).toBe(200);
    expect((await api.call('GET', '/api/communities', { token: created.body.token })).status).toBe(401);
  });

  it('answers unknown routes 404 and wrong methods 405 in the JSON error shape', async () => {
    const missing = await api.call('GET', '/api/nothing-here', { token: tokens.admin });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const wrong = await api.call('DELETE', '/api/communities', { token: tokens.admin });
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('method_not_allowed');
    expect(wrong.headers.get('allow')).toContain('GET');
  });

  it('answers malformed JSON 400 and oversized bodies 413, never HTML', async () => {
    const malformed = await api.call('POST', '/api/communities', { token: tokens.admin, raw: '{"id": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_request');
    const huge = await api.call('POST', '/api/tokens', { token: tokens.admin, raw: JSON.stringify({ name: 'x'.repeat(400_000) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    // Bulk imports take up to 5 MB, so a district's worker list fits in one all-or-nothing request.
    const hugeImport = await api.call('POST', '/api/communities', { token: tokens.admin, raw: JSON.stringify({ csv: 'x'.repeat(6_000_000) }) });
    expect(hugeImport.status).toBe(413);
    const bigImport = await api.call('POST', '/api/communities', { token: tokens.admin, raw: JSON.stringify({ csv: 'x'.repeat(400_000) }) });
    expect(bigImport.status).toBe(400);
  });

  it('names each bad field of an invalid body', async () => {
    const { status, body } = await api.call('POST', '/api/tokens', { token: tokens.admin, body: { name: '', role: 'wizard', scopeId: STREET, extra: 1 } });
    expect(status).toBe(400);
    const paths = body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.role']));
  });

  it('imports nothing from a CSV with a bad row, and reports the row by line and field', async () => {
    const before = await store.db.selectFrom('workers').select('id').execute();
    const csv = [
      'id,orgUnitId,communityId,name,position,email',
      `w-import-1,${WANMINGYUAN},${WANMINGYUAN},王一,social_worker,wang@example.org`,
      `w-import-2,${WANMINGYUAN},${WANMINGYUAN},王二,wizard,not-an-email`,
    ].join('\n');
    const { status, body } = await api.call('POST', '/api/workers', { token: tokens.admin, body: { csv } });
    expect(status).toBe(400);
    expect(body.error.details).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 3, field: 'position' }),
      expect.objectContaining({ line: 3, field: 'email' }),
    ]));
    expect(await store.db.selectFrom('workers').select('id').execute()).toHaveLength(before.length);
  });

  it('imports a good CSV and audits every created row', async () => {
    const csv = `id,orgUnitId,communityId,name,position,channels\nw-import-3,${WANMINGYUAN},${WANMINGYUAN},"李, 三",social_worker,inbox;email\n`;
    const { status, body } = await api.call('POST', '/api/workers', { token: tokens.admin, body: { csv } });
    expect(status).toBe(201);
    expect(body).toEqual({ imported: 1, ids: ['w-import-3'] });
    const audit = await api.call('GET', '/api/audit?entity=worker&entityId=w-import-3', { token: tokens.admin });
    expect(audit.body.items[0]).toMatchObject({ action: 'create', entityId: 'w-import-3' });
    expect(audit.body.items[0].after.name).toBe('李, 三');
  });

  it('scopes a station lead to their own station', async () => {
    const { body } = await api.call('GET', '/api/communities', { token: tokens.station_lead });
    expect(body.items.map((c: { id: string }) => c.id)).toEqual([WANMINGYUAN]);
    const other = await api.call('GET', '/api/communities/cn-bj-xicheng-zhanlanlu-yushuguan', { token: tokens.station_lead });
    expect(other.status).toBe(404);
    const workers = await api.call('GET', '/api/workers', { token: tokens.station_lead });
    expect(workers.body.items.every((w: { communityId: string }) => w.communityId === WANMINGYUAN)).toBe(true);
  });

  it('keeps viewers away from personal data', async () => {
    expect((await api.call('GET', '/api/workers', { token: tokens.viewer })).status).toBe(403);
    expect((await api.call('GET', '/api/audit', { token: tokens.supervisor })).status).toBe(403);
  });

  it('publishes every route in the OpenAPI document', async () => {
    const { body } = await api.call('GET', '/api/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/healthz', '/api/communities', '/api/workers/{workerId}', '/api/tokens/{tokenId}/revoke']));
  });
});
