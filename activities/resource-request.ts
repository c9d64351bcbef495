import type { RequestPhase } from '../src/domain/resource-request.js';
import { recordResourceRequestStep } from '../src/store/repositories/resource-request.js';
import { centerSupervisorsFor, stationLeadsOf } from '../src/store/repositories/station-rollout.js';
import type { ActivityDeps } from './deps.js';

/**
 * The resourceRequest workflow's side effects: mirror rows in the records store and who hears a
 * reminder. Each write is keyed by the request and its step, so a retry or a restarted worker
 * writes nothing twice.
 */
export function createResourceRequestActivities(deps: ActivityDeps) {
  const { db } = deps.store;
  return {
    async recordResourceRequestStep(input: {
      requestId: string; step: string; at: number; actor: string | null; detail: unknown; phase?: RequestPhase; proposed?: string[];
      answer?: { matchId: string; status: 'confirmed' | 'declined'; note: string }; delivery?: unknown; closeNote?: string; cancelReason?: string;
    }): Promise<void> {
      await recordResourceRequestStep(db, { ...input, at: new Date(input.at) });
    },

    /** The station's leads, or the center supervisors above the station. */
    async resourceRequestRecipients(input: { who: 'station_leads' | 'supervisors'; stationId: string }): Promise<string[]> {
      return input.who === 'supervisors' ? centerSupervisorsFor(db, input.stationId) : stationLeadsOf(db, input.stationId);
    },
  };
}
