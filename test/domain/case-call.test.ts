import { describe, expect, it } from 'vitest';
import {
  applySaveCase, applyScore, caseResults, DEFAULT_RUBRIC, extendDeadlineRejection, initialCallState, nextCallEvent, proposeSelection,
  saveCaseRejection, scoreCaseRejection, weightedTotal, type CaseCallInput,
} from '../../src/domain/case-call.js';

const input: CaseCallInput = {
  callId: 'c1', title: { zh: '征集', en: 'Call' }, kinds: ['casework', 'community'], orgUnitId: 'street', stationIds: ['s1', 's2'],
  submissionDeadline: 10_000, reviewDeadline: 20_000, rubric: DEFAULT_RUBRIC, panel: [{ reviewerId: 'r1', stationId: 's1' }, { reviewerId: 'r2', stationId: null }],
  selectPerKind: 1, openedBy: 'sup', reminderOffsetsMs: [3_000, 1_000], spreadThreshold: 20,
};
const content = { background: '', needsAssessment: '', process: '', outcomes: '', reflection: '', serviceRecordIds: [], attachmentIds: [] };
const all = (score: number) => Object.fromEntries(DEFAULT_RUBRIC.criteria.map((c) => [c.key, score]));

describe('case call rules', () => {
  it('scales a weighted total to 0–100', () => {
    expect(weightedTotal(DEFAULT_RUBRIC, all(10))).toBe(100);
    expect(weightedTotal(DEFAULT_RUBRIC, all(0))).toBe(0);
    expect(weightedTotal(DEFAULT_RUBRIC, { ...all(10), innovation: 0 })).toBe(85);
  });

  it('takes cases from eligible stations of the called kinds until the deadline', () => {
    const state = initialCallState(input);
    const save = { caseId: 'k1', stationId: 's1', kind: 'casework' as const, title: 't', submit: true, by: 'lead', content };
    expect(saveCaseRejection(input, state, save, 0)).toBeNull();
    expect(saveCaseRejection(input, state, { ...save, stationId: 's9' }, 0)?.reason).toBe('station_not_eligible');
    expect(saveCaseRejection(input, state, { ...save, kind: 'group' }, 0)?.reason).toBe('case_kind_not_called');
    expect(saveCaseRejection(input, state, save, 10_000)?.reason).toBe('submission_closed');
  });

  it('reminds before each deadline, latest offset last, then closes the phase', () => {
    const state = initialCallState(input);
    expect(nextCallEvent(input, state)).toMatchObject({ step: 'submission:0', at: 7_000 });
    state.sent.push('submission:0');
    expect(nextCallEvent(input, state)).toMatchObject({ step: 'submission:1', at: 9_000 });
    state.sent.push('submission:1');
    expect(nextCallEvent(input, state)).toMatchObject({ kind: 'submission_closes', at: 10_000 });
    expect(extendDeadlineRejection(state, { phase: 'submission', deadline: 5_000, reason: 'x', by: 'sup' })?.reason).toBe('deadline_not_later');
    expect(extendDeadlineRejection(state, { phase: 'submission', deadline: 25_000, reason: 'x', by: 'sup' })?.reason).toBe('deadline_after_review');
  });

  it("keeps reviewers off their own station's cases, flags a wide spread and proposes the top case per kind", () => {
    const state = initialCallState(input);
    applySaveCase(state, { caseId: 'k1', stationId: 's1', kind: 'casework', title: 'a', submit: true, by: 'l1', content });
    applySaveCase(state, { caseId: 'k2', stationId: 's2', kind: 'casework', title: 'b', submit: true, by: 'l2', content });
    applySaveCase(state, { caseId: 'k3', stationId: 's2', kind: 'community', title: 'c', submit: true, by: 'l2', content });
    state.phase = 'review';
    expect(scoreCaseRejection(input, state, { caseId: 'k1', reviewerId: 'r1', scores: all(5), comment: 'x' }, 0)?.reason).toBe('own_station_case');
    expect(scoreCaseRejection(input, state, { caseId: 'k2', reviewerId: 'r1', scores: { ...all(5), innovation: 11 }, comment: 'x' }, 0)?.reason).toBe('score_out_of_range');
    applyScore(input, state, { caseId: 'k2', reviewerId: 'r1', scores: all(9), comment: 'x' });
    applyScore(input, state, { caseId: 'k2', reviewerId: 'r2', scores: all(4), comment: 'x' });
    applyScore(input, state, { caseId: 'k1', reviewerId: 'r2', scores: all(8), comment: 'x' });
    applyScore(input, state, { caseId: 'k3', reviewerId: 'r2', scores: all(6), comment: 'x' });
    const results = caseResults(state, input.spreadThreshold);
    expect(results.find((r) => r.caseId === 'k2')).toMatchObject({ mean: 65, spread: 50, spreadFlagged: true });
    expect(proposeSelection(results, input.kinds, 1)).toEqual(['k1', 'k3']);
  });
});
