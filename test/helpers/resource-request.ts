import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';
import { insertPendingMatches, insertResourceRequest, recordResourceRequestStep } from '../../src/store/repositories/resource-request.js';

/**
 * A resource request with one proposed match written straight to the records store, as the
 * resourceRequest workflow would have mirrored it: for tests that read requests (routes, scope)
 * without running one.
 */
export async function writeResourceRequest(db: Kysely<Database>, options: { requestId: string; matchId: string; communityId: string }): Promise<void> {
  const now = Date.now();
  await insertResourceRequest(db, {
    id: options.requestId, communityId: options.communityId, workflowId: `resource-request:${options.requestId}`, theme: 'elderly', need: '助餐志愿者',
    quantity: 4, unit: '人', matchBy: new Date(now + 10 * 86_400_000), neededBy: new Date(now + 20 * 86_400_000), openedBy: 'test',
  }, { actor: 'test', action: 'open', entity: 'resource_request', entityId: options.requestId });
  await insertPendingMatches(db, options.requestId, [{ matchId: options.matchId, kind: 'volunteer', name: '楼门志愿队', ref: '', quantity: 4 }], 'test');
  await recordResourceRequestStep(db, { requestId: options.requestId, step: `match:${options.matchId}`, at: new Date(now), actor: 'test', detail: {}, phase: 'matched', proposed: [options.matchId] });
}
