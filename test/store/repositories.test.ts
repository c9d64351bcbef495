import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateToken, createToken } from '../../src/services/api-token.js';
import { hasMeta, insertMeta } from '../../src/store/repositories/meta.js';
import { firstRootOrgUnitId, scopedCommunityIds } from '../../src/store/repositories/org-unit.js';
import { findUserSession, insertUserSession, revokeUserSession } from '../../src/store/repositories/session.js';
import { findUser, findUserByUsername, insertUser, claimSignInAttempt, recordSignIn } from '../../src/store/repositories/user.js';
import { loadDefaultData } from '../../src/store/seed/default-data.js';
import { listAudit, recordAudit } from '../../src/store/repositories/audit.js';
import { getCommunity, listCommunities, upsertCommunities } from '../../src/store/repositories/community.js';
import { getWorker, listWorkers, upsertWorkers } from '../../src/store/repositories/worker.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { BACKENDS, type TestStore } from '../helpers/store.js';

// One suite, run on both backends: the embedded PGlite and the real PostgreSQL.
describe.each(BACKENDS)('records store on %s', (backend) => {
  let harness: Harness;
  let store: TestStore;
  beforeAll(async () => {
    harness = await startHarness({ name: `store-${backend}`, backend, seed: true, worker: false, api: false, tokens: false });
    store = harness.store;
  });
  afterAll(() => harness?.close());

  it('holds the Zhanlanlu model: 23 communities, 11 operating stations, 12 to cover', async () => {
    const communities = await listCommunities(store.db);
    expect(communities).toHaveLength(23);
    expect(communities.filter((c) => c.station?.status === 'operating')).toHaveLength(11);
    expect(communities.filter((c) => c.station === null)).toHaveLength(12);
    expect(communities.filter((c) => !c.isPlaceholder).map((c) => c.name.zh).sort()).toEqual(['万明园社区', '榆树馆社区', '洪茂沟社区', '阜外西社区'].sort());
    const centers = await store.db.selectFrom('centers').selectAll().execute();
    expect(centers).toHaveLength(1);
  });

  it('lists real communities before the placeholders, and searches communities and workers by name, id or station', async () => {
    const communities = await listCommunities(store.db);
    const firstPlaceholder = communities.findIndex((c) => c.isPlaceholder);
    expect(communities.slice(firstPlaceholder).every((c) => c.isPlaceholder)).toBe(true);
    expect(firstPlaceholder).toBe(4);
    const wanmingyuan = communities.find((c) => c.name.zh === '万明园社区')!;
    expect((await listCommunities(store.db, { q: '万明' })).map((c) => c.id)).toEqual([wanmingyuan.id]);
    expect(await listCommunities(store.db, { q: '100%_' })).toEqual([]);
    expect(await listCommunities(store.db, { limit: 2, offset: 1 })).toEqual(communities.slice(1, 3));
    const team = await listWorkers(store.db, { communityId: wanmingyuan.id });
    expect(team.length).toBeGreaterThan(0);
    // Searching by the station's name finds its team; by a worker's name, that worker.
    expect((await listWorkers(store.db, { q: '万明园' })).map((w) => w.id)).toEqual(expect.arrayContaining(team.map((w) => w.id)));
    expect((await listWorkers(store.db, { q: team[0]!.name })).map((w) => w.id)).toContain(team[0]!.id);
    expect(await listWorkers(store.db, { q: 'no such worker at all' })).toEqual([]);
  });

  it('holds six dimensions of three levels, five themes and 1,100 residents served', async () => {
    const levels = await store.db.selectFrom('levels').select(['dimension_key', 'level']).execute();
    expect(new Set(levels.map((l) => l.dimension_key)).size).toBe(6);
    expect(levels).toHaveLength(18);
    expect(await store.db.selectFrom('themes').select('key').execute()).toHaveLength(5);
    const served = await store.db.selectFrom('service_records').select((eb) => eb.fn.sum<number>('residents_served').as('total')).executeTakeFirstOrThrow();
    expect(Number(served.total)).toBe(1100);
    const projects = await store.db.selectFrom('venture_projects').select('title_zh').orderBy('title_zh').execute();
    expect(projects.map((p) => p.title_zh)).toEqual(expect.arrayContaining(['我的楼道我的家', '榆树常青', '红帽帮帮']));
  });

  it('loads the default data idempotently', async () => {
    const again = await loadDefaultData(store.db, '2026-12-01');
    expect(again.alreadyLoaded).toBe(true);
    expect(await listCommunities(store.db)).toHaveLength(23);
    // Ten records a project over 2021 – May 2023 for the four projects with residents (src/seed/zhanlanlu.ts).
    const served = await store.db.selectFrom('service_records').select('id').execute();
    expect(served).toHaveLength(40);
  });

  it('upserts a community by id, replacing a placeholder and keeping its station', async () => {
    const id = 'cn-bj-xicheng-zhanlanlu-placeholder-05';
    await upsertCommunities(store.db, [{ id, streetId: 'cn-bj-xicheng-zhanlanlu', nameZh: '真实社区', nameEn: 'Real', isPlaceholder: false }]);
    const community = await getCommunity(store.db, id);
    expect(community?.name.zh).toBe('真实社区');
    expect(community?.isPlaceholder).toBe(false);
    expect(community?.station?.status).toBe('operating');
  });

  it('stores workers with channels and locale', async () => {
    await upsertWorkers(store.db, [{ id: 'w-test-1', orgUnitId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', name: '测试', position: 'social_worker', channels: ['inbox', 'email'], email: 'a@example.org', locale: 'en' }]);
    const worker = await getWorker(store.db, 'w-test-1');
    expect(worker).toMatchObject({ channels: ['inbox', 'email'], locale: 'en', email: 'a@example.org' });
    expect((await listWorkers(store.db, { communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan' })).length).toBeGreaterThanOrEqual(4);
  });

  it('authenticates live tokens only and scopes them to their subtree', async () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const lead = await createToken(store.db, { name: 'lead', role: 'station_lead', scopeId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', workerId: 'w-wanmingyuan-lead' });
    const authenticate = (token: string) => authenticateToken({ store, clock: () => now }, token);
    const principal = await authenticate(lead.token);
    expect(principal).toMatchObject({ role: 'station_lead', workerId: 'w-wanmingyuan-lead' });
    expect(await scopedCommunityIds(store.db, principal!)).toEqual(['cn-bj-xicheng-zhanlanlu-wanmingyuan']);
    expect(await authenticate(`${lead.token}x`)).toBeUndefined();
    const expired = await createToken(store.db, { name: 'old', role: 'viewer', scopeId: 'cn-bj', expiresAt: new Date('2026-11-27T00:00:00Z') });
    expect(await authenticate(expired.token)).toBeUndefined();
    const street = await createToken(store.db, { name: 'sup', role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu' });
    expect(await scopedCommunityIds(store.db, (await authenticate(street.token))!)).toHaveLength(23);
  });

  it('keeps dates as calendar strings and numerics as numbers', async () => {
    await store.db.insertInto('venture_projects').values({ id: 'vp-x', community_id: 'cn-bj-xicheng-zhanlanlu-fuwaixi', theme_key: 'youth', title_zh: 'x', title_en: 'x', status: 'proposed', starts_on: '2026-03-01', ends_on: null, budget_yuan: 12000.5 }).execute();
    const row = await store.db.selectFrom('venture_projects').select(['starts_on', 'budget_yuan']).where('id', '=', 'vp-x').executeTakeFirstOrThrow();
    expect(row).toEqual({ starts_on: '2026-03-01', budget_yuan: 12000.5 });
  });

  it('writes and filters the audit log', async () => {
    await recordAudit(store.db, { actor: 'tester', action: 'update', entity: 'community', entityId: 'c1', before: { a: 1 }, after: { a: 2 } });
    const rows = await listAudit(store.db, { actor: 'tester', limit: 10, offset: 0 });
    expect(rows[0]).toMatchObject({ action: 'update', before: { a: 1 }, after: { a: 2 } });
  });

  it('keeps users, their failed sign-ins and their sessions', async () => {
    const at = new Date('2026-11-28T01:00:00Z');
    const user = await insertUser(store.db, {
      id: randomUUID(), username: `repo.user.${backend}`, displayName: '仓库测试', passwordHash: 'not-a-real-hash', role: 'viewer', scopeId: 'cn-bj', workerId: null, locale: 'en',
    });
    expect(await findUserByUsername(store.db, user.username)).toMatchObject({ id: user.id, failed_attempts: 0, locked_until: null });
    const lockedUntil = new Date(at.getTime() + 900_000);
    expect(await claimSignInAttempt(store.db, user.id, { at, maxAttempts: 1, lockUntil: lockedUntil })).toEqual({ failedAttempts: 1, lockedUntil });
    expect(await claimSignInAttempt(store.db, user.id, { at, maxAttempts: 1, lockUntil: lockedUntil })).toBeUndefined();
    expect((await findUser(store.db, user.id))?.locked_until).toEqual(lockedUntil);
    await recordSignIn(store.db, user.id, at);
    expect(await findUser(store.db, user.id)).toMatchObject({ locked_until: null, last_sign_in_at: at });

    const idHash = `hash-${backend}`;
    await insertUserSession(store.db, { idHash, userId: user.id, csrfHash: 'csrf', createdAt: at, expiresAt: new Date(at.getTime() + 3_600_000) });
    expect(await findUserSession(store.db, idHash)).toMatchObject({ userId: user.id, username: user.username, role: 'viewer', revokedAt: null });
    await revokeUserSession(store.db, idHash, at);
    await revokeUserSession(store.db, idHash, new Date(at.getTime() + 60_000));
    expect((await findUserSession(store.db, idHash))?.revokedAt).toEqual(at);
  });

  it('records what bootstrap did under a key, once', async () => {
    expect(await hasMeta(store.db, 'test:once')).toBe(false);
    await insertMeta(store.db, 'test:once', { done: true });
    expect(await hasMeta(store.db, 'test:once')).toBe(true);
    await expect(insertMeta(store.db, 'test:once', { done: true })).rejects.toThrow();
    expect(await firstRootOrgUnitId(store.db)).toBe('cn-bj');
  });
});
