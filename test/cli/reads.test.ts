import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities } from '../../activities/notification.js';
import { runCli } from '../../src/cli.js';
import type { Role } from '../../src/domain/types.js';
import { createToken } from '../../src/services/api-token.js';
import { STREET, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { silentLogger, testConfig } from '../helpers/temporal.js';

// The CLI's read commands against the real API (real store, seeded): the inbox and marking read,
// delivery failures, the audit log, one community, one worker and their ladder, the dimension
// catalog, the summary and the session. No workflow runs here, so no worker is started.

const SW1 = 'w-wanmingyuan-sw1';
const SW2 = 'w-wanmingyuan-sw2';

describe('shegong read commands', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;

  const cli = async (args: string[], token: string | null = tokens.admin) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      stdout: (text) => { stdout += text; },
      stderr: (text) => { stderr += text; },
      env: { SHEGONG_URL: api.url, ...(token ? { SHEGONG_TOKEN: token } : {}) },
    });
    return { code, stdout, stderr };
  };
  const json = async <T = Record<string, unknown>>(args: string[], token?: string) => {
    const result = await cli(['--json', ...args], token);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    harness = await startHarness({ name: 'cli-reads', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
    // Real notifications through the real activity: three to SW1's inbox; SW2's e-mail fails for
    // good, as e-mail is not configured.
    await store.db.updateTable('workers').set({ channels: ['inbox', 'email'], email: 'sw2@example.org' }).where('id', '=', SW2).execute();
    const { notify } = createNotifyActivities({ store, config: testConfig({ SMTP_URL: '' }), logger: silentLogger, temporal: harness.client, clock: () => new Date() });
    for (const [index, recipientId] of [SW1, SW1, SW1, SW2].entries()) {
      await notify({ key: `cli-reads:${index}`, recipientId, kind: 'task_due', data: { taskTitle: `任务${index}`, communityName: '万明园', stage: 'guide', dueAt: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  afterAll(() => harness?.close());

  it('shows your inbox a page at a time, marks one read, and then leaves it out of --unread', async () => {
    const page = await cli(['notification', 'inbox', '--limit', '2'], tokens.social_worker);
    expect(page.code).toBe(0);
    expect(page.stdout).toContain(`Inbox of ${SW1}: 3 unread.`);
    expect(page.stdout).toContain('任务即将到期：任务2');
    expect(page.stdout).not.toContain('任务即将到期：任务0');
    expect(page.stdout).toContain('1–2 of 3 (next: --offset 2).');
    const next = await json<{ items: Array<{ id: string; subject: string }>; total: number }>(['notification', 'inbox', '--limit', '2', '--offset', '2'], tokens.social_worker);
    expect(next.items.map((item) => item.subject)).toEqual(['任务即将到期：任务0']);

    const read = await cli(['notification', 'read', next.items[0]!.id], tokens.social_worker);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain(`Marked ${next.items[0]!.id} read`);
    const unread = await json<{ items: Array<{ id: string }>; unread: number }>(['notification', 'inbox', '--unread'], tokens.social_worker);
    expect(unread.unread).toBe(2);
    expect(unread.items.map((item) => item.id)).not.toContain(next.items[0]!.id);

    // Someone else's notification is not found; a token without a worker names the inbox.
    expect((await cli(['notification', 'read', next.items[0]!.id], tokens.station_lead)).code).toBe(1);
    const noWorker = await cli(['notification', 'inbox']);
    expect(noWorker.code).toBe(1);
    expect(noWorker.stderr).toContain('query.recipientId');
    const other = await json<{ recipientId: string; total: number }>(['notification', 'inbox', '--recipient', SW2], tokens.supervisor);
    expect(other).toMatchObject({ recipientId: SW2, total: 1 });
    expect((await cli(['notification', 'inbox', '--limit', 'many'], tokens.social_worker)).code).toBe(2);
  });

  it('lists delivery failures in scope with their errors for supervisors and admins, not for viewers', async () => {
    const human = await cli(['notification', 'failures'], tokens.supervisor);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`email\\s+task_due\\s+${SW2}\\s+${WANMINGYUAN}\\s+1\\s+e-mail is not configured`));
    expect(human.stdout).toContain('By channel: email 1.');
    const failures = await json<{ total: number; items: Array<{ reason: string }> }>(['notification', 'failures', '--channel', 'email']);
    expect(failures.total).toBe(1);
    expect(failures.items[0]!.reason).toBe('email_not_configured');
    expect((await json<{ total: number }>(['notification', 'failures', '--status', 'retrying'])).total).toBe(0);
    expect((await cli(['notification', 'failures', '--channel', 'fax'])).code).toBe(2);
    const viewer = await cli(['notification', 'failures'], tokens.viewer);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toContain('403');
  });

  it('reads the audit log with filters, newest first, for admins only', async () => {
    const issued = await cli(['token', 'create', '--role', 'viewer', '--name', 'audited viewer', '--scope', STREET, '--json']);
    const tokenId = (JSON.parse(issued.stdout) as { id: string }).id;
    const entries = await json<{ items: Array<{ action: string; entity: string; entityId: string; actor: string }> }>(['audit', 'list', '--entity', 'api_token', '--entity-id', tokenId]);
    expect(entries.items).toEqual([expect.objectContaining({ action: 'create', entity: 'api_token', entityId: tokenId, actor: 'test admin' })]);
    const human = await cli(['audit', 'list', '--entity', 'api_token', '--entity-id', tokenId, '--changes']);
    expect(human.stdout).toMatch(new RegExp(`test admin\\s+cn-bj\\s+create\\s+api_token\\s+${tokenId}`));
    expect(human.stdout).toContain('audited viewer');
    // A time window that ends before the token was made holds none of its entries.
    expect((await json<{ items: unknown[] }>(['audit', 'list', '--entity-id', tokenId, '--until', '2020-01-01T00:00:00+08:00'])).items).toEqual([]);
    const bad = await cli(['audit', 'list', '--since', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('query.since');
    expect((await cli(['audit', 'list'], tokens.supervisor)).code).toBe(1);
    // A street admin does not see the city admin's entries.
    const streetAdmin = (await createToken(store.db, { name: 'yushuguan admin', role: 'admin', scopeId: YUSHUGUAN })).token;
    expect((await json<{ items: unknown[] }>(['audit', 'list', '--entity-id', tokenId], streetAdmin)).items).toEqual([]);
  });

  it('shows one community, one worker and their ladder, each to whom the API shows it', async () => {
    const community = await cli(['community', 'show', WANMINGYUAN], tokens.viewer);
    expect(community.code).toBe(0);
    expect(community.stdout).toMatch(new RegExp(`community\\s+${WANMINGYUAN}`));
    expect(community.stdout).toMatch(/name\s+万明园社区/);
    expect(community.stdout).toMatch(/station\s+operating/);
    expect((await cli(['community', 'show', 'cn-bj-nowhere'], tokens.viewer)).code).toBe(1);
    expect((await cli(['community', 'list', '--search', '万明园'], tokens.viewer)).stdout).toContain(WANMINGYUAN);

    const worker = await cli(['worker', 'show', SW1], tokens.station_lead);
    expect(worker.code).toBe(0);
    expect(worker.stdout).toMatch(new RegExp(`worker\\s+${SW1}`));
    expect(worker.stdout).toMatch(/position\s+social_worker/);
    expect((await cli(['worker', 'show', SW2], tokens.social_worker)).code).toBe(1);
    expect((await cli(['worker', 'show', SW1], tokens.viewer)).code).toBe(1);
    expect((await cli(['worker', 'list', '--community', WANMINGYUAN], tokens.station_lead)).stdout).toContain(SW1);

    const ladder = await cli(['worker', 'ladder', SW1], tokens.social_worker);
    expect(ladder.code).toBe(0);
    expect(ladder.stdout).toContain(`Ladder of ${SW1}:`);
    expect(ladder.stdout).toMatch(/party_policy\s+党建引领与政策/);
    const parsed = await json<{ dimensions: unknown[] }>(['worker', 'ladder', SW1], tokens.supervisor);
    expect(parsed.dimensions).toHaveLength(6);
    expect((await cli(['worker', 'ladder', SW2], tokens.social_worker)).code).toBe(1);
  });

  it('lists the dimension catalog, the summary figures and the session', async () => {
    const dimensions = await cli(['dimensions'], tokens.social_worker);
    expect(dimensions.code).toBe(0);
    expect(dimensions.stdout).toMatch(/resource_linkage\s+资源链接与五社联动\s+Resource linkage and five-party linkage\s+1 基础 · 2 进阶 · 3 骨干/);

    const summary = await cli(['report', 'summary', '--street', STREET], tokens.viewer);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/communities\s+23/);
    expect(summary.stdout).toMatch(/stations operating\s+11/);
    expect(summary.stdout).toContain('Plans by stage:');
    expect((await json<{ communitiesRemaining: number }>(['report', 'summary'], tokens.viewer)).communitiesRemaining).toBe(12);
    expect((await cli(['report', 'summary', '--street', 'not a street'], tokens.viewer)).code).toBe(1);

    const session = await cli(['session'], tokens.station_lead);
    expect(session.code).toBe(0);
    expect(session.stdout).toMatch(/role\s+station_lead/);
    expect(session.stdout).toMatch(/worker\s+w-wanmingyuan-lead/);
    expect(session.stdout).toMatch(/temporal ui\s+-/);
    expect(await json(['session'])).toMatchObject({ principal: { role: 'admin', scopeId: 'cn-bj' }, user: null });
  });
});
