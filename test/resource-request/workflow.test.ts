import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/principal.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import {
  addMatches, cancelResourceRequest, closeResourceRequest, getResourceRequestFor, openResourceRequest, recordDelivery, respondMatch,
} from '../../src/services/resource-request.js';
import { WANMINGYUAN, STREET } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';
import { silentLogger } from '../helpers/temporal.js';
import { resourceRequestQueries } from '../../workflows/resource-request.messages.js';

// The resourceRequest workflow with dates seconds apart, driven through its service (the records
// store first, then the workflow): two parties matched, one declines, the match date passes
// unconfirmed (reminder to the center first, then one escalation), the worker is killed and
// restarted, the other party confirms, the station lead is reminded before the needed-by date and
// the supervisor hears it passed, the delivery is recorded with evidence and the request closed.
// Each reminder and escalation goes out once; the matches' names never reach the workflow.

const SUPERVISOR: Principal = { tokenId: 't-sup', name: 'supervisor', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' };
const LEAD: Principal = { tokenId: 't-lead', name: 'wanmingyuan lead', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' };

describe('the resourceRequest workflow', () => {
  let harness: Harness;
  let deps: ServiceDeps;

  beforeAll(async () => {
    harness = await startHarness({ name: 'resource-request', seed: true, api: false });
    deps = { store: harness.store, temporal: harness.client, config: harness.config, logger: silentLogger, clock: () => new Date() };
  }, 300_000);
  afterAll(() => harness?.close());

  const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  const notices = (requestId: string) => harness.store.db.selectFrom('notifications').select(['recipient_id', 'kind', 'idempotency_key'])
    .where('workflow_id', '=', `resource-request:${requestId}`).where('channel', '=', 'inbox').orderBy('id').execute();

  it('matches, escalates once when unmatched, survives a worker restart, reminds the holder, records the delivery and closes', async () => {
    const id = `rr-wf-${Date.now().toString(36)}`;
    const opened = await openResourceRequest(deps, LEAD, {
      id, communityId: WANMINGYUAN, theme: 'elderly', need: '独居老人助餐志愿者', quantity: 6, unit: '人', matchBy: at(14), neededBy: at(34), reminderOffsetsSeconds: [6],
    });
    expect(opened).toMatchObject({ id, phase: 'open', workflowId: `resource-request:${id}`, need: '独居老人助餐志愿者' });

    const matched = await addMatches(deps, SUPERVISOR, id, { matches: [
      { kind: 'social_org', name: '展览路为老服务社', ref: '民政登记 0123' }, { kind: 'volunteer', name: '王阿姨志愿队', ref: '', quantity: 4 },
    ] });
    expect(matched.phase).toBe('matched');
    expect(matched.matches.map((match) => [match.kind, match.status])).toEqual([['social_org', 'proposed'], ['volunteer', 'proposed']]);
    const [org, volunteers] = matched.matches;
    const declined = await respondMatch(deps, SUPERVISOR, id, org!.matchId, { response: 'declined', note: '本月人手不足' });
    expect(declined.matches[0]).toMatchObject({ status: 'declined', note: '本月人手不足' });
    await expect(recordDelivery(deps, LEAD, id, { note: '送达' })).rejects.toMatchObject({ cause: { type: 'ERR_CONFLICT' } });

    // The match date passes with no confirmation: the center is reminded, then escalated to, once.
    await eventually('the match escalation', async () => {
      const sent = await notices(id);
      return sent.some((notice) => notice.kind === 'resource_request_escalation') && sent;
    }, { timeoutMs: 60_000, everyMs: 500 });
    await harness.restartWorker();

    const confirmed = await respondMatch(deps, SUPERVISOR, id, volunteers!.matchId, { response: 'confirmed', note: '每周二、四各 3 人' });
    expect(confirmed.phase).toBe('confirmed');
    await eventually('the delivery escalation', async () => {
      const sent = await notices(id);
      return sent.filter((notice) => notice.kind === 'resource_request_escalation').length === 2 && sent;
    }, { timeoutMs: 90_000, everyMs: 500 });

    const delivered = await recordDelivery(deps, LEAD, id, { note: '6 名志愿者已到岗，首周送餐 42 份', link: 'https://example.org/photos/1' });
    expect(delivered).toMatchObject({ phase: 'delivered', delivery: { note: '6 名志愿者已到岗，首周送餐 42 份', link: 'https://example.org/photos/1', by: 'wanmingyuan lead' } });
    // Refused by the workflow: nothing is left behind in the store.
    await expect(addMatches(deps, SUPERVISOR, id, { matches: [{ kind: 'resource', name: '爱心企业餐盒', ref: '' }] })).rejects.toMatchObject({ cause: { type: 'ERR_CONFLICT' } });
    expect((await getResourceRequestFor(deps, SUPERVISOR, id)).matches).toHaveLength(2);
    await expect(cancelResourceRequest(deps, SUPERVISOR, id, { reason: 'x' })).rejects.toMatchObject({ cause: { type: 'ERR_CONFLICT' } });
    const closed = await closeResourceRequest(deps, LEAD, id, { note: '老人反馈良好' });
    expect(closed).toMatchObject({ phase: 'closed', closeNote: '老人反馈良好' });
    expect(closed.events.map((event) => event.step)).toEqual(expect.arrayContaining([
      `declined:${org!.matchId}`, `confirmed:${volunteers!.matchId}`, 'match-escalation', 'delivery-escalation', 'deliver', 'close',
    ]));

    const handle = harness.client.workflow.getHandle(`resource-request:${id}`);
    expect((await handle.result()).phase).toBe('closed');
    // Once each: the center's reminder before the match date, the lead's before the needed-by date, two escalations.
    const sent = (await notices(id)).map((notice) => `${notice.kind}→${notice.recipient_id}`).sort();
    expect(sent).toEqual([
      'resource_request_escalation→w-zhanlanlu-supervisor-01', 'resource_request_escalation→w-zhanlanlu-supervisor-01',
      'resource_request_reminder→w-wanmingyuan-lead', 'resource_request_reminder→w-zhanlanlu-supervisor-01',
    ]);
    // The matches' names stayed in the store: the workflow knows ids and kinds only.
    const status = await handle.query(resourceRequestQueries.status);
    expect(status.matches.map((match) => Object.keys(match).sort())).toEqual([['kind', 'matchId', 'status'], ['kind', 'matchId', 'status']]);
    expect(JSON.stringify(status)).not.toContain('王阿姨志愿队');
    await saveHistoryIfRequested(harness.client, `resource-request:${id}`, 'resourceRequest--matched-escalated-delivered');
  }, 240_000);

  it('cancels with the reason, refuses what the phase does not allow, and hides requests outside the scope', async () => {
    const id = `rr-cancel-${Date.now().toString(36)}`;
    await openResourceRequest(deps, LEAD, { id, communityId: WANMINGYUAN, theme: 'youth', need: '暑期课堂场地', quantity: 1, unit: '处', neededBy: at(3600) });
    await expect(closeResourceRequest(deps, LEAD, id, { note: '' })).rejects.toMatchObject({ cause: { type: 'ERR_CONFLICT' } });
    const other: Principal = { ...LEAD, scopeId: 'cn-bj-xicheng-zhanlanlu-yushuguan' };
    await expect(getResourceRequestFor(deps, other, id)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(addMatches(deps, SUPERVISOR, id, { matches: [{ kind: 'station', name: '榆树馆社工站', ref: '' }, { kind: 'station', name: '榆树馆社工站', ref: '' }] }))
      .resolves.toMatchObject({ phase: 'matched' });
    await expect(respondMatch(deps, SUPERVISOR, id, 'm-none', { response: 'confirmed', note: '' })).rejects.toMatchObject({ cause: { type: 'ERR_NOT_FOUND' } });
    const cancelled = await cancelResourceRequest(deps, SUPERVISOR, id, { reason: '街道已协调场地' });
    expect(cancelled).toMatchObject({ phase: 'cancelled', cancelReason: '街道已协调场地' });
    await expect(addMatches(deps, SUPERVISOR, id, { matches: [{ kind: 'station', name: '榆树馆社工站', ref: '' }] })).rejects.toMatchObject({ kind: 'conflict', options: { reason: 'request_wrong_phase' } });
    expect((await getResourceRequestFor(deps, SUPERVISOR, id)).matches).toHaveLength(2);
    expect((await harness.client.workflow.getHandle(`resource-request:${id}`).result()).phase).toBe('cancelled');
    await saveHistoryIfRequested(harness.client, `resource-request:${id}`, 'resourceRequest--cancelled');
  }, 120_000);
});
