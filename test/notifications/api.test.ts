import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities } from '../../activities/notification.js';
import { createToken } from '../../src/services/api-token.js';
import type { Role } from '../../src/domain/types.js';
import { YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { silentLogger, testConfig } from '../helpers/temporal.js';

const SW1 = 'w-wanmingyuan-sw1';
const SW2 = 'w-wanmingyuan-sw2';

describe('notifications API', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let now = new Date('2026-11-28T02:00:00Z');

  beforeAll(async () => {
    harness = await startHarness({ name: 'notifications-api', seed: true, worker: false, clock: () => now, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    // Real notifications through the real activity; e-mail is not configured, so it fails for good.
    await store.db.updateTable('workers').set({ channels: ['inbox', 'email'], email: 'sw2@example.org' }).where('id', '=', SW2).execute();
    const { notify } = createNotifyActivities({ store, config: testConfig({ SMTP_URL: '' }), logger: silentLogger, temporal: harness.client, clock: () => new Date() });
    for (const [index, recipientId] of [SW1, SW1, SW1, SW2].entries()) {
      await notify({ key: `api-test:${index}`, recipientId, kind: 'task_due', data: { taskTitle: `任务${index}`, communityName: '万明园', stage: 'guide', dueAt: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  afterAll(() => harness?.close());

  it('lists your own inbox newest first, with totals, unread count and paging', async () => {
    const { status, body } = await api.call('GET', '/api/notifications?limit=2', { token: tokens.social_worker });
    expect(status).toBe(200);
    expect(body.recipientId).toBe(SW1);
    expect([body.total, body.unread]).toEqual([3, 3]);
    expect(body.items.map((item: { subject: string }) => item.subject)).toEqual(['任务即将到期：任务2', '任务即将到期：任务1']);
    const next = await api.call('GET', '/api/notifications?limit=2&offset=2', { token: tokens.social_worker });
    expect(next.body.items.map((item: { subject: string }) => item.subject)).toEqual(['任务即将到期：任务0']);
  });

  it('marks a notification read once, audited, and ?unread=true then leaves it out', async () => {
    const inbox = await api.call('GET', '/api/notifications', { token: tokens.social_worker });
    const id = inbox.body.items[0].id as string;
    const read = await api.call('POST', `/api/notifications/${id}/read`, { token: tokens.social_worker });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBe(now.toISOString());
    now = new Date(now.getTime() + 60_000);
    const again = await api.call('POST', `/api/notifications/${id}/read`, { token: tokens.social_worker });
    expect(again.body.readAt).toBe(read.body.readAt);
    const unread = await api.call('GET', '/api/notifications?unread=true', { token: tokens.social_worker });
    expect(unread.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
    expect([unread.body.total, unread.body.unread]).toEqual([2, 2]);
    const audit = await store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'notification').where('entity_id', '=', id).execute();
    expect(audit).toHaveLength(1);
  });

  it('answers 404 for marking someone else\'s notification read, and 400 for a malformed id', async () => {
    const other = await store.db.selectFrom('notifications').select('id').where('recipient_id', '=', SW2).where('channel', '=', 'inbox').executeTakeFirstOrThrow();
    expect((await api.call('POST', `/api/notifications/${other.id}/read`, { token: tokens.social_worker })).status).toBe(404);
    const malformed = await api.call('POST', '/api/notifications/nope/read', { token: tokens.social_worker });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details[0].path).toBe('params.notificationId');
  });

  it('lets a supervisor read a worker\'s inbox in scope, audited; others may not', async () => {
    const seen = await api.call('GET', `/api/notifications?recipientId=${SW2}`, { token: tokens.supervisor });
    expect(seen.status).toBe(200);
    expect(seen.body.items).toHaveLength(1);
    const audit = await store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'inbox').where('entity_id', '=', SW2).execute();
    expect(audit).toHaveLength(1);
    expect((await api.call('GET', `/api/notifications?recipientId=${SW2}`, { token: tokens.social_worker })).status).toBe(403);
    expect((await api.call('GET', `/api/notifications?recipientId=${SW2}`, { token: tokens.station_lead })).status).toBe(403);
    const elsewhere = (await createToken(store.db, { name: 'yushuguan supervisor', role: 'supervisor', scopeId: YUSHUGUAN, workerId: null })).token;
    expect((await api.call('GET', `/api/notifications?recipientId=${SW2}`, { token: elsewhere })).status).toBe(404);
  });

  it('asks a token without a worker to name the inbox', async () => {
    const { status, body } = await api.call('GET', '/api/notifications', { token: tokens.admin });
    expect(status).toBe(400);
    expect(body.error.details[0].path).toBe('query.recipientId');
    expect((await api.call('GET', `/api/notifications?recipientId=${SW1}`, { token: tokens.admin })).status).toBe(200);
  });

  it('lists failed deliveries in scope with their reasons for supervisors, not for viewers', async () => {
    const { status, body } = await api.call('GET', '/api/notifications/failures', { token: tokens.supervisor });
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.byChannel).toEqual({ email: 1 });
    expect(body.items[0]).toMatchObject({ recipientId: SW2, channel: 'email', status: 'failed', attempts: 1, lastError: 'e-mail is not configured (SMTP_URL is not set)' });
    expect((await api.call('GET', '/api/notifications/failures?status=retrying', { token: tokens.supervisor })).body.total).toBe(0);
    expect((await api.call('GET', '/api/notifications/failures', { token: tokens.viewer })).status).toBe(403);
    const elsewhere = (await createToken(store.db, { name: 'yushuguan supervisor 2', role: 'supervisor', scopeId: YUSHUGUAN, workerId: null })).token;
    expect((await api.call('GET', '/api/notifications/failures', { token: elsewhere })).body.total).toBe(0);
  });

  it('reports the calendar on /healthz: 2026 covered, 2027 not yet, falling back to Monday–Friday', async () => {
    now = new Date('2026-11-28T02:00:00Z');
    const { body } = await api.call('GET', '/healthz', { token: tokens.admin });
    expect(body.calendar).toMatchObject({
      source: expect.stringMatching(/^chinese-days /),
      years: { from: expect.any(Number), to: 2026 },
      currentYear: { year: 2026, covered: true },
      nextYear: { year: 2027, covered: false, fallback: 'Monday–Friday' },
    });
    now = new Date('2025-06-01T02:00:00Z');
    const earlier = await api.call('GET', '/healthz', { token: tokens.admin });
    expect(earlier.body.calendar.nextYear).toEqual({ year: 2026, covered: true });
    // 31 December 17:00 UTC is already 1 January in Beijing.
    now = new Date('2026-12-31T17:00:00Z');
    expect((await api.call('GET', '/healthz', { token: tokens.admin })).body.calendar.currentYear).toMatchObject({ year: 2027, covered: false });
  });
});
