import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WANMINGYUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { addSecondDistrict, OTHER_STREET, rollupTokens } from '../helpers/second-district.js';
import { BACKENDS } from '../helpers/store.js';

// Dashboard polls: every route marked `etag` answers 304 Not Modified while nothing in the
// caller's scope changed, and the full answer again once something did.
const POLLED = ['/api/reports/summary', '/api/rollout', '/api/communities', '/api/stations/plans', '/api/stations/overdue', '/api/training-cycles', '/api/venture-projects', '/api/notifications', '/api/dimensions'];

describe.each(BACKENDS)('conditional GETs per scope version (%s)', (backend) => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  let others: Awaited<ReturnType<typeof rollupTokens>>;

  beforeAll(async () => {
    harness = await startHarness({ name: 'etag', backend, seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
    await addSecondDistrict(harness.store, '2026-11-20');
    others = await rollupTokens(harness.store);
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
  });

  const poll = async (path: string, token: string, etag?: string) => api.call('GET', path, { token, headers: etag ? { 'if-none-match': etag } : {} });

  it('answers 304 to a poll that sends back the ETag, on every polled route', async () => {
    for (const path of POLLED) {
      const first = await poll(path, tokens.supervisor);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag, path).toMatch(/^W\/"\d+-/);
      expect(first.headers.get('cache-control')).toBe('private, no-cache');
      const again = await poll(path, tokens.supervisor, etag);
      expect(again.status, path).toBe(304);
      expect(again.body, path).toBeNull();
      expect(again.headers.get('etag')).toBe(etag);
    }
  });

  it('answers in full once something in the scope changed, and stays 304 for a change elsewhere', async () => {
    const first = await poll('/api/reports/summary', tokens.supervisor);
    const etag = first.headers.get('etag')!;
    const otherFirst = await poll('/api/reports/summary', others.otherStreetViewer);
    const otherEtag = otherFirst.headers.get('etag')!;
    expect(otherFirst.body.communities).toBe(2);

    // A record in another district's street: Zhanlanlu's answer is unchanged.
    await harness.store.db.insertInto('service_records').values({
      id: 'etag-other', project_id: `vp-${OTHER_STREET}`, community_id: `${OTHER_STREET}-c1`, theme_key: 'elderly', title_zh: '测试项目', title_en: 'Test project', served_on: '2026-11-21', residents_served: 3,
    }).execute();
    expect((await poll('/api/reports/summary', tokens.supervisor, etag)).status).toBe(304);
    const otherAfter = await poll('/api/reports/summary', others.otherStreetViewer, otherEtag);
    expect(otherAfter.status).toBe(200);
    expect(otherAfter.body.residentsServed.total).toBe(43);

    // A service record in Wanmingyuan through the API: the street's summary answers in full.
    const project = (await harness.store.db.selectFrom('venture_projects').select('id').where('community_id', '=', WANMINGYUAN).executeTakeFirstOrThrow()).id;
    const recorded = await api.call('POST', `/api/venture-projects/${project}/service-records`, { token: tokens.social_worker, body: { servedOn: '2026-11-27', residentsServed: 5 } });
    expect(recorded.status).toBe(201);
    const after = await poll('/api/reports/summary', tokens.supervisor, etag);
    expect(after.status).toBe(200);
    expect(after.body.residentsServed.total).toBe(first.body.residentsServed.total + 5);
    expect(after.headers.get('etag')).not.toBe(etag);
    // The city sees both changes; the district's viewer too.
    const city = await poll('/api/reports/summary', others.cityViewer);
    expect((await poll('/api/reports/summary', others.cityViewer, city.headers.get('etag')!)).status).toBe(304);
  });

  it('gives callers of different roles or scopes different ETags for the same URL', async () => {
    const supervisor = (await poll('/api/rollout', tokens.supervisor)).headers.get('etag')!;
    const viewer = await poll('/api/rollout', tokens.viewer, supervisor);
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('etag')).not.toBe(supervisor);
  });

  it('answers in full to a different query, and to a stale or malformed ETag', async () => {
    const all = (await poll('/api/training-cycles', tokens.supervisor)).headers.get('etag')!;
    expect((await poll('/api/training-cycles?status=running', tokens.supervisor, all)).status).toBe(200);
    expect((await poll('/api/training-cycles', tokens.supervisor, 'W/"0-stale"')).status).toBe(200);
    expect((await poll('/api/training-cycles', tokens.supervisor, 'garbage')).status).toBe(200);
    expect((await poll('/api/training-cycles', tokens.supervisor, `"x", ${all}`)).status).toBe(304);
  });
});
