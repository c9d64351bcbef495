import { createToken } from '../../src/services/api-token.js';
import type { Store } from '../../src/store/connect.js';

// A second street in the default district and a second district with one street, generated for
// the read side's tests (roll-ups, ETags per scope): communities, stations, workers with ladder
// levels, a venture project with service records.

export const DISTRICT = 'cn-bj-xicheng';
export const SECOND_STREET = 'cn-bj-xicheng-test-second';
export const OTHER_DISTRICT = 'cn-bj-test-other';
export const OTHER_STREET = 'cn-bj-test-other-street';

interface StreetFixture {
  id: string;
  parentId: string;
  name: { zh: string; en: string };
  communities: number;
  operating: number;
  residents: number;
}

const STREETS: StreetFixture[] = [
  { id: SECOND_STREET, parentId: DISTRICT, name: { zh: '测试第二街道', en: 'Second test street' }, communities: 4, operating: 3, residents: 90 },
  { id: OTHER_STREET, parentId: OTHER_DISTRICT, name: { zh: '测试他区街道', en: 'Other district test street' }, communities: 2, operating: 1, residents: 40 },
];

export async function addSecondDistrict(store: Store, servedOn: string): Promise<void> {
  const db = store.db;
  await db.insertInto('org_units').values({ id: OTHER_DISTRICT, parent_id: 'cn-bj', kind: 'district', name_zh: '测试他区', name_en: 'Other test district' }).execute();
  for (const street of STREETS) {
    await db.insertInto('org_units').values({ id: street.id, parent_id: street.parentId, kind: 'street', name_zh: street.name.zh, name_en: street.name.en }).execute();
    await db.insertInto('centers').values({ id: `${street.id}-center`, street_id: street.id, name_zh: `${street.name.zh}中心`, name_en: `${street.name.en} center` }).execute();
    for (let index = 1; index <= street.communities; index += 1) {
      const id = `${street.id}-c${index}`;
      await db.insertInto('org_units').values({ id, parent_id: street.id, kind: 'community', name_zh: `${street.name.zh}${index}社区`, name_en: `${street.name.en} ${index}` }).execute();
      await db.insertInto('communities').values({ id, street_id: street.id, name_zh: `${street.name.zh}${index}社区`, name_en: `${street.name.en} ${index}` }).execute();
      if (index <= street.operating) {
        await db.insertInto('stations').values({ id: `station-${id}`, community_id: id, name_zh: `${index}站`, name_en: `Station ${index}`, status: 'operating', opened_on: `2026-0${index}-15` }).execute();
        await db.insertInto('workers').values({ id: `w-${id}`, org_unit_id: id, community_id: id, name: `测试社工${index}`, position: 'social_worker' }).execute();
        await db.insertInto('worker_levels').values({ worker_id: `w-${id}`, dimension_key: 'party_policy', level: 1 }).execute();
      }
    }
    const project = `vp-${street.id}`;
    await db.insertInto('venture_projects').values({
      id: project, community_id: `${street.id}-c1`, theme_key: 'elderly', title_zh: '测试项目', title_en: 'Test project', status: 'running', starts_on: null, ends_on: null, budget_yuan: null,
    }).execute();
    await db.insertInto('service_records').values({
      id: `${project}-1`, project_id: project, community_id: `${street.id}-c1`, theme_key: 'elderly', title_zh: '测试项目', title_en: 'Test project', served_on: servedOn, residents_served: street.residents,
    }).execute();
  }
}

/** Tokens for a district supervisor and viewer (Xicheng) and a city viewer. */
export async function rollupTokens(store: Store): Promise<{ districtSupervisor: string; districtViewer: string; cityViewer: string; otherStreetViewer: string }> {
  const make = async (name: string, role: 'supervisor' | 'viewer', scopeId: string) => (await createToken(store.db, { name, role, scopeId, workerId: null })).token;
  return {
    districtSupervisor: await make('district supervisor', 'supervisor', DISTRICT),
    districtViewer: await make('district viewer', 'viewer', DISTRICT),
    cityViewer: await make('city viewer', 'viewer', 'cn-bj'),
    otherStreetViewer: await make('other street viewer', 'viewer', OTHER_STREET),
  };
}
