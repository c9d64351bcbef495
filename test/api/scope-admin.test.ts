import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/services/api-token.js';
import { createUser } from '../../src/services/user.js';
import type { Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';

// Administration stays inside the admin's subtree: the tokens, users, workers, communities and
// audit entries of another community (or of the city above) are out of a community admin's reach,
// for the row as it is and for the row as it would be written. Each case here was open before.

const OTHER_STREET = 'cn-bj-xicheng-scope-other-street';

describe('scope of administration', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  /** An admin scoped to Yushuguan only, and one scoped to a street of their own. */
  let yushuguanAdmin: string;
  let otherStreetAdmin: string;
  let cityAdminTokenId: string;
  let wanmingyuanUserId: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'scope-admin', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    await store.db.insertInto('org_units').values({ id: OTHER_STREET, parent_id: 'cn-bj-xicheng', kind: 'street', name_zh: '另一街道', name_en: 'Another street' }).execute();
    yushuguanAdmin = (await createToken(store.db, { name: 'yushuguan admin', role: 'admin', scopeId: YUSHUGUAN })).token;
    otherStreetAdmin = (await createToken(store.db, { name: 'other street admin', role: 'admin', scopeId: OTHER_STREET })).token;
    cityAdminTokenId = (await store.db.selectFrom('api_tokens').select('id').where('name', '=', 'test admin').executeTakeFirstOrThrow()).id;
    wanmingyuanUserId = (await createUser(store.db, { username: 'scope.wanmingyuan.lead', displayName: '万明园站长', password: 'a long enough password', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' })).id;
    await store.db.updateTable('users').set({ locked_until: new Date(Date.now() + 3_600_000) }).where('id', '=', wanmingyuanUserId).execute();
  });
  afterAll(() => harness?.close());

  const tokenCount = async () => (await store.db.selectFrom('api_tokens').select('id').execute()).length;

  it("refuses a community admin a token for another community's worker, and creates none", async () => {
    const before = await tokenCount();
    const answer = await api.call('POST', '/api/tokens', {
      token: yushuguanAdmin, body: { name: 'borrowed', role: 'social_worker', scopeId: YUSHUGUAN, workerId: 'w-wanmingyuan-sw1' },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error.details).toEqual([expect.objectContaining({ path: 'body.workerId' })]);
    expect(await tokenCount()).toBe(before);
    // Their own community's worker is theirs to grant.
    const own = await api.call('POST', '/api/tokens', { token: yushuguanAdmin, body: { name: 'own', role: 'social_worker', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-sw1' } });
    expect(own.status).toBe(201);
  });

  it("refuses a community admin moving another community's worker (or a street's) into their own, and changes nothing", async () => {
    const before = await store.db.selectFrom('workers').selectAll().where('id', 'in', ['w-wanmingyuan-sw1', 'w-zhanlanlu-supervisor-01']).orderBy('id').execute();
    for (const id of ['w-wanmingyuan-sw1', 'w-zhanlanlu-supervisor-01']) {
      const answer = await api.call('POST', '/api/workers', {
        token: yushuguanAdmin, body: { id, orgUnitId: YUSHUGUAN, communityId: YUSHUGUAN, name: '被挪走', position: 'social_worker', email: 'taken@example.org' },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body.error.message).toContain(id);
    }
    // A worker of one's own community pointed at another community is refused too.
    const pointed = await api.call('POST', '/api/workers', {
      token: yushuguanAdmin, body: { id: 'w-yushuguan-sw2', orgUnitId: YUSHUGUAN, communityId: WANMINGYUAN, name: '挂靠', position: 'social_worker' },
    });
    expect(pointed.status).toBe(403);
    expect(await store.db.selectFrom('workers').selectAll().where('id', 'in', ['w-wanmingyuan-sw1', 'w-zhanlanlu-supervisor-01']).orderBy('id').execute()).toEqual(before);
    // One's own workers are still one's own to change.
    const own = await api.call('POST', '/api/workers', { token: yushuguanAdmin, body: { id: 'w-yushuguan-sw1', orgUnitId: YUSHUGUAN, communityId: YUSHUGUAN, name: '榆树馆社工1（改）', position: 'social_worker' } });
    expect(own.status).toBe(201);
  });

  it("refuses a street admin renaming or moving another street's community, and a street posing as a community", async () => {
    const moved = await api.call('POST', '/api/communities', { token: otherStreetAdmin, body: { id: WANMINGYUAN, streetId: OTHER_STREET, nameZh: '被挪走', nameEn: 'Taken' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(403);
    const community = await store.db.selectFrom('communities').select(['street_id', 'name_zh']).where('id', '=', WANMINGYUAN).executeTakeFirstOrThrow();
    expect(community).toEqual({ street_id: STREET, name_zh: '万明园社区' });
    expect((await store.db.selectFrom('org_units').select('parent_id').where('id', '=', WANMINGYUAN).executeTakeFirstOrThrow()).parent_id).toBe(STREET);
    const street = await api.call('POST', '/api/communities', { token: tokens.admin, body: { id: OTHER_STREET, streetId: STREET, nameZh: '伪装', nameEn: 'Posing' } });
    expect(street.status).toBe(400);
    expect(street.body.error.details).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it("refuses an import whose streetId is not a street in the importer's scope, naming each bad line and field, and imports nothing", async () => {
    const communityCount = async () => (await store.db.selectFrom('communities').select('id').execute()).length;
    const before = await communityCount();
    const csv = [
      'id,streetId,nameZh,nameEn',
      `${STREET}-import-good,${STREET},好社区,Good`,
      `${STREET}-import-under-community,${WANMINGYUAN},挂在社区下,Under a community`,
      `${STREET}-import-under-district,cn-bj-xicheng,挂在区下,Under a district`,
      `${STREET}-import-unknown,cn-bj-xicheng-no-such-street,无此街道,Unknown street`,
    ].join('\n');
    const answer = await api.call('POST', '/api/communities', { token: tokens.admin, body: { csv } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error.reason).toBe('import_rows_invalid');
    expect(answer.body.error.details).toEqual([
      expect.objectContaining({ path: 'line 3.streetId', line: 3, field: 'streetId', code: 'not_a_street', values: { orgUnitId: WANMINGYUAN, kind: 'community' } }),
      expect.objectContaining({ path: 'line 4.streetId', line: 4, field: 'streetId', code: 'not_a_street', values: { orgUnitId: 'cn-bj-xicheng', kind: 'district' } }),
      expect.objectContaining({ path: 'line 5.streetId', line: 5, field: 'streetId', code: 'org_unit_unknown' }),
    ]);
    expect(await communityCount()).toBe(before);

    // Another street's admin names Zhanlanlu Street, a street outside their scope, on the second row of a JSON array.
    const outside = await api.call('POST', '/api/communities', {
      token: otherStreetAdmin,
      body: [
        { id: `${OTHER_STREET}-import-own`, streetId: OTHER_STREET, nameZh: '自己的', nameEn: 'Own' },
        { id: `${OTHER_STREET}-import-theirs`, streetId: STREET, nameZh: '别人的街道', nameEn: 'Their street' },
      ],
    });
    expect(outside.status, JSON.stringify(outside.body)).toBe(400);
    expect(outside.body.error.details).toEqual([
      expect.objectContaining({ path: 'line 2.streetId', line: 2, field: 'streetId', code: 'org_unit_outside_scope', values: { orgUnitId: STREET } }),
    ]);
    expect(await communityCount()).toBe(before);

    // The good row alone imports.
    const good = await api.call('POST', '/api/communities', { token: tokens.admin, body: { csv: csv.split('\n').slice(0, 2).join('\n') } });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(await communityCount()).toBe(before + 1);
  });

  it("names each worker row whose org unit is unknown or outside the importer's scope by its line, and imports none", async () => {
    const workerCount = async () => (await store.db.selectFrom('workers').select('id').execute()).length;
    const before = await workerCount();
    const csv = [
      'id,orgUnitId,communityId,name,position',
      `w-scope-import-1,${YUSHUGUAN},${YUSHUGUAN},好行,social_worker`,
      `w-scope-import-2,cn-bj-xicheng-no-such-unit,,无此单位,social_worker`,
    ].join('\n');
    const unknown = await api.call('POST', '/api/workers', { token: yushuguanAdmin, body: { csv } });
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(400);
    expect(unknown.body.error.details).toEqual([
      expect.objectContaining({ path: 'line 3.orgUnitId', line: 3, field: 'orgUnitId', code: 'org_unit_unknown', values: { orgUnitId: 'cn-bj-xicheng-no-such-unit' } }),
    ]);
    const outside = await api.call('POST', '/api/workers', {
      token: yushuguanAdmin,
      body: { csv: `${csv.split('\n').slice(0, 2).join('\n')}\nw-scope-import-3,${STREET},,街道的人,social_worker` },
    });
    expect(outside.status, JSON.stringify(outside.body)).toBe(403);
    expect(outside.body.error).toMatchObject({ reason: 'org_unit_outside_scope', values: { orgUnitIds: [STREET], lines: [3] } });
    expect(await workerCount()).toBe(before);
  });

  it('moves a community in the org tree when an admin over both streets moves it', async () => {
    const id = `${STREET}-scope-mover`;
    expect((await api.call('POST', '/api/communities', { token: tokens.admin, body: { id, streetId: STREET, nameZh: '搬家社区', nameEn: 'Mover' } })).status).toBe(201);
    expect((await api.call('POST', '/api/communities', { token: tokens.admin, body: { id, streetId: OTHER_STREET, nameZh: '搬家社区', nameEn: 'Mover' } })).status).toBe(201);
    expect((await store.db.selectFrom('org_units').select('parent_id').where('id', '=', id).executeTakeFirstOrThrow()).parent_id).toBe(OTHER_STREET);
    // Now the other street's admin holds it, and Zhanlanlu's street scope no longer does.
    const listed = await api.call('GET', '/api/communities', { token: otherStreetAdmin });
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it("shows a community admin only the audit entries of actors in their subtree, never another community's personal data", async () => {
    // The city admin changes a Wanmingyuan worker: the entry holds her e-mail before and after.
    await api.call('POST', '/api/workers', { token: tokens.admin, body: { id: 'w-wanmingyuan-sw2', orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, name: '万明园社工2（示例）', position: 'social_worker', email: 'audit-secret@example.org' } });
    const community = await api.call('GET', '/api/audit?limit=500', { token: yushuguanAdmin });
    expect(community.status).toBe(200);
    expect(community.body.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(community.body)).not.toContain('audit-secret@example.org');
    expect(new Set(community.body.items.map((item: { scopeId: string }) => item.scopeId))).toEqual(new Set([YUSHUGUAN]));

    const city = await api.call('GET', '/api/audit?entity=worker&entityId=w-wanmingyuan-sw2', { token: tokens.admin });
    expect(JSON.stringify(city.body)).toContain('audit-secret@example.org');
    expect(city.body.items[0]).toMatchObject({ actor: 'test admin', actorId: cityAdminTokenId, scopeId: 'cn-bj' });
    // Asking for a unit outside one's scope finds nothing to show.
    expect((await api.call('GET', `/api/audit?scopeId=${WANMINGYUAN}`, { token: yushuguanAdmin })).status).toBe(404);
    const narrowed = await api.call('GET', `/api/audit?scopeId=${YUSHUGUAN}&limit=500`, { token: tokens.admin });
    expect(narrowed.body.items.length).toBeGreaterThan(0);
    expect(narrowed.body.items.every((item: { scopeId: string }) => item.scopeId === YUSHUGUAN)).toBe(true);
  });

  it('loads the default data for an admin scoped to its city only: district, street and community admins are refused and nothing is written', async () => {
    // The default data writes the city, its district and street and the shared catalogs: an admin
    // below the city would write above their own node. Its marker goes, so a load would show.
    await store.db.deleteFrom('meta').where('key', '=', 'seed:zhanlanlu').execute();
    const seedAudits = async () => (await store.db.selectFrom('audit_log').select('id').where('action', '=', 'seed').execute()).length;
    const auditsBefore = await seedAudits();
    const districtAdmin = (await createToken(store.db, { name: 'district admin', role: 'admin', scopeId: 'cn-bj-xicheng' })).token;
    const streetAdmin = (await createToken(store.db, { name: 'street admin', role: 'admin', scopeId: STREET })).token;
    for (const token of [yushuguanAdmin, otherStreetAdmin, streetAdmin, districtAdmin]) {
      const answer = await api.call('POST', '/api/admin/seed', { token, body: {} });
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body.error).toMatchObject({ code: 'forbidden', reason: 'default_data_outside_scope' });
    }
    expect(await store.db.selectFrom('meta').select('key').where('key', '=', 'seed:zhanlanlu').executeTakeFirst()).toBeUndefined();
    expect(await seedAudits()).toBe(auditsBefore);

    const city = await api.call('POST', '/api/admin/seed', { token: tokens.admin, body: { today: '2026-11-28' } });
    expect(city.status, JSON.stringify(city.body)).toBe(200);
    expect(city.body).toEqual({ alreadyLoaded: false, today: '2026-11-28' });
    expect(await seedAudits()).toBe(auditsBefore + 1);
  });

  it("lists only the tokens and users scoped inside the caller's subtree", async () => {
    const tokenList = await api.call('GET', '/api/tokens', { token: yushuguanAdmin });
    expect(tokenList.status).toBe(200);
    expect(tokenList.body.items.length).toBeGreaterThan(0);
    expect(new Set(tokenList.body.items.map((t: { scopeId: string }) => t.scopeId))).toEqual(new Set([YUSHUGUAN]));
    const all = await api.call('GET', '/api/tokens', { token: tokens.admin });
    expect(all.body.items.map((t: { id: string }) => t.id)).toContain(cityAdminTokenId);

    const yushuguanUser = await createUser(store.db, { username: 'scope.yushuguan.viewer', displayName: '榆树馆观察员', password: 'a long enough password', role: 'viewer', scopeId: YUSHUGUAN });
    const users = await api.call('GET', '/api/users', { token: yushuguanAdmin });
    expect(users.body.items.map((u: { id: string }) => u.id)).toEqual([yushuguanUser.id]);
    expect((await api.call('GET', '/api/users', { token: tokens.admin })).body.items.map((u: { id: string }) => u.id)).toContain(wanmingyuanUserId);
  });

  it("refuses a community admin revoking the city admin's token or unlocking a user outside their subtree (404, as if missing)", async () => {
    const revoke = await api.call('POST', `/api/tokens/${cityAdminTokenId}/revoke`, { token: yushuguanAdmin });
    expect(revoke.status).toBe(404);
    expect((await store.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', cityAdminTokenId).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    expect((await api.call('GET', '/api/me', { token: tokens.admin })).status).toBe(200);

    const unlock = await api.call('POST', `/api/users/${wanmingyuanUserId}/unlock`, { token: yushuguanAdmin });
    expect(unlock.status).toBe(404);
    expect((await store.db.selectFrom('users').select('locked_until').where('id', '=', wanmingyuanUserId).executeTakeFirstOrThrow()).locked_until).not.toBeNull();
    // The city admin may do both.
    expect((await api.call('POST', `/api/users/${wanmingyuanUserId}/unlock`, { token: tokens.admin })).status).toBe(200);
  });
});
