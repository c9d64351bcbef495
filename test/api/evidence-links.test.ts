import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/types.js';
import { WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// One link schema for every evidence link: http and https only. Rollout evidence used to take
// javascript: and data: links, which the dashboard would have shown as clickable.

describe('evidence links', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    // No workflow runs here: the API alone, over the default data, with a token per role.
    harness = await startHarness({ name: 'evidence-links', seed: true, worker: false });
    ({ tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    await harness?.close();
  });

  const routes = [
    { path: `/api/rollout/${WANMINGYUAN}/milestones/site/complete`, token: () => tokens.supervisor },
    { path: `/api/stations/${WANMINGYUAN}/plan/tasks/guide-1/complete`, token: () => tokens.station_lead },
  ];

  it.each(routes)('refuses javascript:, data:, file: and ftp: links on $path, naming the link', async ({ path, token }) => {
    for (const link of ['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://example.org/evidence.pdf']) {
      const answer = await api.call('POST', path, { token: token(), body: { evidence: { note: 'Lease signed', links: ['https://example.org/lease.pdf', link] } } });
      expect(answer.status, link).toBe(400);
      expect(answer.body.error.details, link).toMatchObject([{ path: 'body.evidence.links.1', message: 'expected an http or https link' }]);
    }
  });
});
