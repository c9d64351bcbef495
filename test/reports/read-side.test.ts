import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { scopeVersion } from '../../src/store/repositories/read-side.js';
import { STREET, WANMINGYUAN } from '../helpers/app.js';
import { BACKENDS, createTestStore, type TestStore } from '../helpers/store.js';

// The read side's store part (migration 0190): versions bumped by the writing transaction, per
// street, and residents served kept per project and month as records are written.
describe.each(BACKENDS)('read side in the store (%s)', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(backend, { seed: true });
    // A second district with one street and one community, to show a change stays in its street.
    await store.db.insertInto('org_units').values([
      { id: 'cn-bj-dongcheng', parent_id: 'cn-bj', kind: 'district', name_zh: '东城区', name_en: 'Dongcheng' },
      { id: 'cn-bj-dongcheng-jingshan', parent_id: 'cn-bj-dongcheng', kind: 'street', name_zh: '景山街道', name_en: 'Jingshan' },
      { id: 'cn-bj-dongcheng-jingshan-c1', parent_id: 'cn-bj-dongcheng-jingshan', kind: 'community', name_zh: '景山一社区', name_en: 'Jingshan 1' },
    ]).execute();
    await store.db.insertInto('communities').values({ id: 'cn-bj-dongcheng-jingshan-c1', street_id: 'cn-bj-dongcheng-jingshan', name_zh: '景山一社区', name_en: 'Jingshan 1' }).execute();
  }, 300_000);
  afterAll(() => store?.dispose());

  it('moves a scope\'s version when something in it changes, and only then', async () => {
    const before = { street: await scopeVersion(store.db, STREET), community: await scopeVersion(store.db, WANMINGYUAN), other: await scopeVersion(store.db, 'cn-bj-dongcheng'), city: await scopeVersion(store.db, 'cn-bj') };
    expect(await scopeVersion(store.db, STREET)).toBe(before.street);
    await store.db.updateTable('stations').set({ name_en: 'Wanmingyuan station' }).where('community_id', '=', WANMINGYUAN).execute();
    expect(await scopeVersion(store.db, STREET)).not.toBe(before.street);
    expect(await scopeVersion(store.db, WANMINGYUAN)).not.toBe(before.community);
    expect(await scopeVersion(store.db, 'cn-bj')).not.toBe(before.city);
    expect(await scopeVersion(store.db, 'cn-bj-dongcheng')).toBe(before.other);
  });

  it('bumps nothing for a write that rolls back, and bumps once at commit for many rows', async () => {
    const before = await scopeVersion(store.db, STREET);
    await expect(store.db.transaction().execute(async (tx) => {
      await tx.updateTable('workers').set({ phone: '123' }).where('community_id', '=', WANMINGYUAN).execute();
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await scopeVersion(store.db, STREET)).toBe(before);
    await store.db.transaction().execute(async (tx) => {
      await tx.updateTable('workers').set({ phone: '456' }).where('community_id', '=', WANMINGYUAN).execute();
      await tx.updateTable('stations').set({ name_en: 'Wanmingyuan' }).where('community_id', '=', WANMINGYUAN).execute();
    });
    expect(BigInt(await scopeVersion(store.db, STREET)) - BigInt(before)).toBe(1n);
  });

  it('keeps residents served per station, theme, kind, project and month as records are written, changed and removed', async () => {
    const { id: project, theme_key: theme } = await store.db.selectFrom('venture_projects').select(['id', 'theme_key']).where('community_id', '=', WANMINGYUAN).executeTakeFirstOrThrow();
    // bigint: a string or a number depending on the driver.
    const month = async (m: string) => {
      const row = await store.db.selectFrom('service_monthly').select(['residents_served', 'records'])
        .where('project_id', '=', project).where('month', '=', m).executeTakeFirst();
      return { residents_served: String(row?.residents_served ?? 0), records: Number(row?.records ?? 0) };
    };
    const record = { project_id: project, community_id: WANMINGYUAN, theme_key: theme, title_zh: '楼道服务', title_en: 'Stairwell service' };
    await store.db.insertInto('service_records').values([
      { id: 'rs-1', ...record, served_on: '2030-03-02', residents_served: 7 },
      { id: 'rs-2', ...record, served_on: '2030-03-30', residents_served: 5 },
    ]).execute();
    expect(await month('2030-03-01')).toEqual({ residents_served: '12', records: 2 });
    await store.db.updateTable('service_records').set({ served_on: '2030-04-01' }).where('id', '=', 'rs-2').execute();
    expect(await month('2030-03-01')).toEqual({ residents_served: '7', records: 1 });
    expect(await month('2030-04-01')).toEqual({ residents_served: '5', records: 1 });
    await store.db.deleteFrom('service_records').where('id', 'in', ['rs-1', 'rs-2']).execute();
    expect(await month('2030-03-01')).toEqual({ residents_served: '0', records: 0 });
    // The monthly figures add up to the records, on the default data too.
    const totals = await sql<{ a: string; b: string }>`SELECT (SELECT sum(residents_served) FROM service_records)::text AS a, (SELECT sum(residents_served) FROM service_monthly)::text AS b`.execute(store.db);
    expect(totals.rows[0]!.a).toBe(totals.rows[0]!.b);
  });
});
