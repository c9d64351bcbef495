import { describe, expect, it } from 'vitest';
import {
  addMatchesRejection, applyAddMatches, applyCancel, applyDeliver, applyRespond, cancelRejection, closeRejection, deliverRejection, holder,
  initialRequestState, nextRequestEvent, respondRejection, type ResourceRequestInput,
} from '../../src/domain/resource-request.js';

// The resource request's rules without Temporal: phases follow the matches' answers, refusals name
// their reason, and the schedule asks the center before the match date and the holder before the
// needed-by date, each step once.

const INPUT: ResourceRequestInput = {
  requestId: 'rr-1', stationId: 'c-1', theme: 'elderly', quantity: 20, matchBy: 100_000, neededBy: 200_000, reminderOffsetsMs: [10_000, 30_000], openedBy: 'lead',
};
const by = 'supervisor';

describe('resource request rules', () => {
  it('moves open → matched → confirmed as matches are proposed and answered, and back to open when all decline', () => {
    const state = initialRequestState();
    expect(applyAddMatches(state, { matches: [{ matchId: 'm1', kind: 'social_org' }, { matchId: 'm2', kind: 'volunteer' }], by })).toBe('matched');
    expect(applyRespond(state, { matchId: 'm1', response: 'declined', note: '人手不足', by })).toBe('matched');
    expect(applyRespond(state, { matchId: 'm2', response: 'declined', note: '时间冲突', by })).toBe('open');
    applyAddMatches(state, { matches: [{ matchId: 'm3', kind: 'resource' }], by });
    expect(applyRespond(state, { matchId: 'm3', response: 'confirmed', note: '', by })).toBe('confirmed');
    expect(holder(state)).toBe('station');
  });

  it('refuses what does not apply, naming the reason', () => {
    const state = initialRequestState();
    expect(addMatchesRejection(state, { matches: [], by })?.reason).toBe('matches_empty');
    expect(respondRejection(state, { matchId: 'x', response: 'confirmed', note: '', by })?.reason).toBe('match_not_found');
    expect(deliverRejection(state, { note: '送达 20 份', link: null, by })?.reason).toBe('request_not_confirmed');
    expect(closeRejection(state)?.reason).toBe('request_wrong_phase');
    applyAddMatches(state, { matches: [{ matchId: 'm1', kind: 'station' }], by });
    expect(addMatchesRejection(state, { matches: [{ matchId: 'm1', kind: 'station' }], by })?.reason).toBe('match_exists');
    expect(respondRejection(state, { matchId: 'm1', response: 'declined', note: ' ', by })?.reason).toBe('decline_reason_missing');
    applyRespond(state, { matchId: 'm1', response: 'confirmed', note: '', by });
    expect(respondRejection(state, { matchId: 'm1', response: 'declined', note: 'x', by })?.reason).toBe('match_answered');
    expect(deliverRejection(state, { note: '', link: null, by })?.reason).toBe('evidence_missing');
    applyDeliver(state);
    expect(cancelRejection(state, { reason: '不再需要', by })?.reason).toBe('request_wrong_phase');
    expect(closeRejection(state)).toBeNull();
  });

  it('schedules reminders before each date, then its escalation, each once', () => {
    const state = initialRequestState();
    const steps: string[] = [];
    for (let event = nextRequestEvent(INPUT, state); event; event = nextRequestEvent(INPUT, state)) {
      steps.push(`${event.step}@${event.at}`);
      state.sent.push(event.step);
    }
    expect(steps).toEqual(['match:0@70000', 'match:1@90000', 'match-escalation@100000', 'delivery:0@170000', 'delivery:1@190000', 'delivery-escalation@200000']);
  });

  it('skips the match reminders once a match confirmed, and stops after the delivery or a cancellation', () => {
    const state = initialRequestState();
    applyAddMatches(state, { matches: [{ matchId: 'm1', kind: 'other' }], by });
    applyRespond(state, { matchId: 'm1', response: 'confirmed', note: '', by });
    expect(nextRequestEvent(INPUT, state)).toEqual({ step: 'delivery:0', at: 170_000, kind: 'delivery_reminder' });
    applyDeliver(state);
    expect(nextRequestEvent(INPUT, state)).toBeUndefined();
    const other = initialRequestState();
    applyCancel(other, { reason: '需求已由街道解决', by });
    expect(nextRequestEvent(INPUT, other)).toBeUndefined();
    expect(other.cancelReason).toBe('需求已由街道解决');
  });
});
