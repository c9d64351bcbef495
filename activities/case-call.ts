import type { CaseContent, CaseKind } from '../src/domain/case-call.js';
import {
  markCaseWithdrawn, recordCallStep, saveCallCase, saveCaseReview, type CaseCallRecord,
} from '../src/store/repositories/case-call.js';
import { centerSupervisorsFor, stationLeadsOf } from '../src/store/repositories/station-rollout.js';
import type { ActivityDeps } from './deps.js';

/**
 * The caseCall workflow's side effects: mirror rows in the records store and who hears a reminder.
 * Each write is keyed by the case and its revision, the case and reviewer, or the call and step,
 * so a retry or a restarted worker writes nothing twice.
 */
export function createCaseCallActivities(deps: ActivityDeps) {
  const { db } = deps.store;
  return {
    async recordCaseSaved(input: {
      callId: string; caseId: string; stationId: string; kind: CaseKind; title: string; content: CaseContent; status: 'draft' | 'submitted'; revision: number; by: string; at: number;
    }): Promise<void> {
      await saveCallCase(db, {
        id: input.caseId, callId: input.callId, communityId: input.stationId, kind: input.kind, title: input.title, content: input.content,
        status: input.status, revision: input.revision, savedBy: input.by, at: new Date(input.at),
      });
    },

    async recordCaseWithdrawn(input: { callId: string; caseId: string; by: string; reason: string; at: number }): Promise<void> {
      await markCaseWithdrawn(db, { ...input, at: new Date(input.at) });
    },

    async recordCaseScore(input: { callId: string; caseId: string; reviewerId: string; scores: Record<string, number>; comment: string; total: number; at: number }): Promise<void> {
      await saveCaseReview(db, { ...input, at: new Date(input.at) });
    },

    async recordCaseCallStep(input: {
      callId: string; step: string; at: number; actor: string | null; detail: unknown; phase?: CaseCallRecord['phase'];
      submissionDeadline?: number; reviewDeadline?: number; selection?: unknown; publishedAt?: number; cancelReason?: string;
    }): Promise<void> {
      await recordCallStep(db, {
        ...input, at: new Date(input.at),
        submissionDeadline: input.submissionDeadline === undefined ? undefined : new Date(input.submissionDeadline),
        reviewDeadline: input.reviewDeadline === undefined ? undefined : new Date(input.reviewDeadline),
        publishedAt: input.publishedAt === undefined ? undefined : new Date(input.publishedAt),
      });
    },

    /** Station leads of the given stations, or the center supervisors above the call's org unit. */
    async caseCallRecipients(input: { who: 'station_leads' | 'supervisors'; stationIds: string[]; orgUnitId: string }): Promise<string[]> {
      if (input.who === 'supervisors') return centerSupervisorsFor(db, input.orgUnitId);
      const leads = await Promise.all(input.stationIds.map((stationId) => stationLeadsOf(db, stationId)));
      return leads.flat();
    },
  };
}
