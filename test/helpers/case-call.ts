import type { Kysely } from 'kysely';
import { DEFAULT_RUBRIC } from '../../src/domain/case-call.js';
import type { Database } from '../../src/store/database.js';
import { insertCaseCall, recordCallStep, saveCallCase } from '../../src/store/repositories/case-call.js';

/**
 * A case call written straight to the records store, as the caseCall workflow would have mirrored
 * it: for tests that read calls (routes, scope) without running one. `published` adds a selection
 * of its one case and publication.
 */
export async function writeCaseCall(db: Kysely<Database>, options: { callId: string; caseId: string; orgUnitId: string; communityId: string; reviewerId: string; published: boolean }): Promise<void> {
  const now = Date.now();
  await insertCaseCall(db, {
    id: options.callId, orgUnitId: options.orgUnitId, workflowId: `case-call:${options.callId}`, title: { zh: '测试案例征集', en: 'Test case call' },
    kinds: ['community'], stationIds: [options.communityId], submissionDeadline: new Date(now + 30 * 86_400_000), reviewDeadline: new Date(now + 60 * 86_400_000),
    rubric: DEFAULT_RUBRIC, panel: [{ reviewerId: options.reviewerId, stationId: null }], selectPerKind: 1, openedBy: 'test',
  }, { actor: 'test', action: 'open', entity: 'case_call', entityId: options.callId });
  await saveCallCase(db, {
    id: options.caseId, callId: options.callId, communityId: options.communityId, kind: 'community', title: '楼道议事会',
    content: { background: '楼道堆物', needsAssessment: '走访', process: '议事', outcomes: '清理', reflection: '骨干', serviceRecordIds: [], attachmentIds: [] },
    status: 'submitted', revision: 1, savedBy: 'test', at: new Date(now),
  });
  if (!options.published) return;
  await recordCallStep(db, {
    callId: options.callId, step: 'select:test', at: new Date(now), actor: 'test', detail: {},
    selection: { caseIds: [options.caseId], proposed: [options.caseId], reason: 'test', by: 'test', at: new Date(now).toISOString() },
  });
  await recordCallStep(db, { callId: options.callId, step: 'publish', at: new Date(now), actor: 'test', detail: {}, phase: 'published', publishedAt: new Date(now) });
}
