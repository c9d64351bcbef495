import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIMENSIONS } from '../../src/domain/catalog.js';
import { ROLES } from '../../src/domain/types.js';
import { dimensionListView } from '../../src/schemas/catalog.js';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('GET /api/dimensions', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ name: 'catalog', seed: true, worker: false });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers the seeded six dimensions with their three levels, in catalog order, to every role', async () => {
    for (const role of ROLES) {
      const { status, body } = await harness.api!.call('GET', '/api/dimensions', { token: harness.tokens[role] });
      expect(status, role).toBe(200);
      expect(dimensionListView.parse(body)).toEqual({ items: DEFAULT_DIMENSIONS });
    }
  });

  it('reads the catalog from the records store, so a street may rename a dimension or add a level', async () => {
    const { db } = harness.store;
    await db.updateTable('dimensions').set({ name_en: 'Policy and Party-building' }).where('key', '=', 'party_policy').execute();
    await db.insertInto('levels').values({ dimension_key: 'party_policy', level: 4, name_zh: '专家', name_en: 'Expert' }).execute();
    const { body } = await harness.api!.call('GET', '/api/dimensions', { token: harness.tokens.viewer });
    const partyPolicy = body.items.find((dimension: { key: string }) => dimension.key === 'party_policy');
    expect(partyPolicy.name).toEqual({ zh: '党建引领与政策', en: 'Policy and Party-building' });
    expect(partyPolicy.levels.map((level: { level: number }) => level.level)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a request without a token', async () => {
    const { status, body } = await harness.api!.call('GET', '/api/dimensions');
    expect(status).toBe(401);
    expect(body.error.code).toBe('unauthorized');
  });
});
