import { describe, expect, it } from 'vitest';
import { WEEKDAY_CALENDAR } from '../../src/domain/calendar.js';
import { ErrorType } from '../../src/domain/errors.js';
import { LadderMachine, type LadderPlan, type LadderSession } from '../../src/domain/worker-ladder.js';

// The worker ladder's rules without Temporal: what a ladder loads, refuses, records and shows.

const MINUTE = 60_000;
const T0 = Date.parse('2027-03-01T09:00:00+08:00');
const WORKFLOW_ID = 'worker-ladder:cyc-1:w-1';

const session = (id: string, dimension: string, level: number, startMinute: number, overrides: Partial<LadderSession> = {}): LadderSession => ({
  id, dimension, level, startsAt: T0 + startMinute * MINUTE, endsAt: T0 + (startMinute + 60) * MINUTE, place: 'room 1', trainer: 't', status: 'scheduled', ...overrides,
});

function plan(overrides: Partial<LadderPlan> = {}): LadderPlan {
  return {
    cycleName: '六维培训',
    enrolment: { status: 'enrolled', enrolledAt: T0 - 24 * 60 * MINUTE, coachingFlag: null },
    workerName: '张三',
    communityId: 'c-1',
    stationLeadId: 'w-lead',
    startLevels: {},
    sessions: [session('a', 'party_policy', 1, 0), session('b', 'party_policy', 2, 120), session('c', 'resource_linkage', 1, 240)],
    rules: { passMark: 60, assessmentWindowMs: 60 * MINUTE, retakeWindowMs: 30 * MINUTE, attendanceGraceMs: 10 * MINUTE, checkInOpensMs: 15 * MINUTE, lateAfterMs: 5 * MINUTE },
    reminderPolicy: { offsetsMs: [60 * MINUTE, 10 * MINUTE], quietHours: null, workingDaysOnly: false, overdueRepeatMs: null, escalation: null },
    calendar: WEEKDAY_CALENDAR,
    ...overrides,
  };
}

function loaded(overrides: Partial<LadderPlan> = {}, loadedAt = T0 - 12 * 60 * MINUTE): LadderMachine {
  const ladder = new LadderMachine(WORKFLOW_ID, 'cyc-1', 'w-1');
  expect(ladder.load(plan(overrides), loadedAt)).toBeNull();
  return ladder;
}

describe('loading a ladder', () => {
  it('ends at once when the enrolment is no longer enrolled', () => {
    const ladder = new LadderMachine(WORKFLOW_ID, 'cyc-1', 'w-1');
    expect(ladder.load(plan({ enrolment: { status: 'cancelled', enrolledAt: T0, coachingFlag: 'second_fail' } }), T0)).toBe('cancelled');
    expect(ladder.coachingFlag).toBe('second_fail');
    expect(new LadderMachine(WORKFLOW_ID, 'cyc-1', 'w-1').load(plan({ enrolment: null }), T0)).toBe('withdrawn');
  });

  it('groups tracks per dimension and level and drops sessions that started before a late enrolment', () => {
    const ladder = loaded({ enrolment: { status: 'enrolled', enrolledAt: T0 + 30 * MINUTE, coachingFlag: null } }, T0 + 30 * MINUTE);
    expect(ladder.dimensions().map((levels) => levels.map((t) => `${t.dimension}:${t.level}`))).toEqual([['party_policy:1', 'party_policy:2'], ['resource_linkage:1']]);
    expect(ladder.view().sessions.map((s) => `${s.id}=${s.status}`)).toEqual(['a=dropped', 'b=scheduled', 'c=scheduled']);
  });

  it('plans reminders owed since the enrolment, keyed by session start and offset', () => {
    const ladder = loaded();
    const next = ladder.nextReminder(T0 - 2 * 60 * MINUTE, new Set());
    expect(next).toMatchObject({ at: T0 - 60 * MINUTE, offsetMs: 60 * MINUTE, key: `${WORKFLOW_ID}:reminder:a:${T0}:${60 * MINUTE}` });
    const request = ladder.reminderRequest(next!);
    expect(request).toMatchObject({ key: next!.key, recipientId: 'w-1', kind: 'session_reminder', check: { type: 'session_scheduled', sessionId: 'a' } });
    expect(request.calendarEvent?.title).toBe('六维培训: party_policy L1');
    expect(ladder.nextReminder(T0 - 2 * 60 * MINUTE, new Set([next!.key]))?.offsetMs).toBe(10 * MINUTE);
  });

  it('keeps session changes signalled while loading and applies them on load', () => {
    const ladder = new LadderMachine(WORKFLOW_ID, 'cyc-1', 'w-1');
    expect(ladder.sessionChanged({ sessionId: 'a', status: 'cancelled', startsAt: T0, endsAt: T0 + 60 * MINUTE, place: 'room 1', reason: null }, T0 - MINUTE)).toBeUndefined();
    ladder.load(plan(), T0 - 12 * 60 * MINUTE);
    expect(ladder.view().sessions[0]).toMatchObject({ id: 'a', status: 'cancelled' });
    expect(ladder.nextReminder(T0 - 2 * 60 * MINUTE, new Set())?.session.id).toBe('b');
  });
});

describe('session changes', () => {
  it('moves a session, plans new reminders and tells the worker', () => {
    const ladder = loaded();
    const version = ladder.version;
    const moved = T0 + 30 * MINUTE;
    const notice = ladder.sessionChanged({ sessionId: 'a', status: 'moved', startsAt: moved, endsAt: moved + 60 * MINUTE, place: 'room 2', reason: '讲师时间冲突' }, T0 - 3 * 60 * MINUTE);
    expect(notice).toMatchObject({ key: `${WORKFLOW_ID}:session-changed:a:${moved}`, kind: 'session_changed', recipientId: 'w-1', data: { change: 'moved', reason: '讲师时间冲突', cycleName: '六维培训', workerName: '张三' } });
    expect(ladder.version).toBeGreaterThan(version);
    expect(ladder.nextReminder(T0 - 2 * 60 * MINUTE, new Set())?.key).toBe(`${WORKFLOW_ID}:reminder:a:${moved}:${60 * MINUTE}`);
  });

  it('ignores a change that changes nothing, and every change once the ladder is stopping', () => {
    const ladder = loaded();
    const same = session('a', 'party_policy', 1, 0);
    expect(ladder.sessionChanged({ sessionId: 'a', status: 'moved', startsAt: same.startsAt, endsAt: same.endsAt, place: same.place, reason: null }, T0 - MINUTE)).toBeUndefined();
    ladder.requestStop({ status: 'withdrawn', reason: null, by: 'sup' });
    expect(ladder.sessionChanged({ sessionId: 'a', status: 'cancelled', startsAt: same.startsAt, endsAt: same.endsAt, place: same.place, reason: null }, T0 - MINUTE)).toBeUndefined();
    expect(ladder.view().sessions[0]!.status).toBe('scheduled');
  });
});

describe('attendance', () => {
  it('refuses before attendance opens, for a session not taken, and after it closes, with stable reasons', () => {
    const ladder = loaded();
    const trainer = { sessionId: 'a', status: 'present' as const, source: 'trainer' as const, recordedBy: 'lead' };
    expect(ladder.refuseAttendance(trainer, T0 - 20 * MINUTE)).toMatchObject({ type: ErrorType.Conflict, reason: 'attendance_not_open' });
    expect(ladder.refuseAttendance({ ...trainer, sessionId: 'zzz' }, T0)).toMatchObject({ type: ErrorType.NotFound, reason: 'session_not_in_plan' });
    expect(ladder.refuseAttendance({ ...trainer, status: undefined }, T0)).toMatchObject({ type: ErrorType.InvalidInput, reason: 'attendance_status_required' });
    expect(ladder.refuseAttendance(trainer, T0 + 70 * MINUTE)).toMatchObject({ reason: 'attendance_closed', message: 'attendance for session a is closed' });
    expect(ladder.refuseAttendance(trainer, T0)).toBeNull();
  });

  it('says a ladder still loading or ended refuses everything', () => {
    const loading = new LadderMachine(WORKFLOW_ID, 'cyc-1', 'w-1');
    expect(loading.refuseAttendance({ sessionId: 'a', source: 'check_in', recordedBy: 'w-1' }, T0)).toMatchObject({ reason: 'ladder_starting' });
    const ended = loaded();
    ended.requestStop({ status: 'cancelled', reason: 'x', by: 'sup' });
    expect(ended.refuseAssessment({ dimension: 'party_policy', level: 1, score: 70, assessor: 'a' })).toMatchObject({ reason: 'ladder_ended', values: { status: 'cancelled' } });
  });

  it('takes a check-in as present, then late, and refuses a second one', () => {
    const ladder = loaded();
    const checkIn = { sessionId: 'a', source: 'check_in' as const, recordedBy: 'w-1' };
    const write = ladder.beginAttendance(checkIn, T0 + 2 * MINUTE);
    expect(write.result).toEqual({ sessionId: 'a', workerId: 'w-1', status: 'present', recordedBy: 'w-1' });
    ladder.attendanceSettled(write);
    expect(ladder.refuseAttendance(checkIn, T0 + 3 * MINUTE)).toMatchObject({ reason: 'attendance_already_recorded', values: { status: 'present' } });
    expect(ladder.beginAttendance({ sessionId: 'b', source: 'check_in', recordedBy: 'w-1' }, T0 + 126 * MINUTE).result.status).toBe('late');
  });

  it('restores what a session had when the store refuses the write', () => {
    const ladder = loaded();
    const write = ladder.beginAttendance({ sessionId: 'a', status: 'excused', source: 'trainer', recordedBy: 'lead' }, T0);
    ladder.attendanceFailed(write);
    ladder.attendanceSettled(write);
    expect(ladder.view().sessions[0]!.attendance).toBeNull();
  });

  it('closes unrecorded sessions as absences and flags two in a row', () => {
    const ladder = loaded({ sessions: [session('a', 'party_policy', 1, 0), session('b', 'party_policy', 1, 120)] });
    expect(ladder.nextAttendanceClose(T0)).toBe(T0 + 70 * MINUTE);
    const [first] = ladder.sessionsClosingBy(T0 + 70 * MINUTE);
    expect(ladder.markAbsentIfUnrecorded(first!)).toBe(true);
    expect(ladder.closeAttendance(first!)).toBe(false);
    const [second] = ladder.sessionsClosingBy(T0 + 190 * MINUTE);
    expect(ladder.markAbsentIfUnrecorded(second!)).toBe(true);
    expect(ladder.closeAttendance(second!)).toBe(true);
    expect(ladder.raiseFlag('two_consecutive_absences')).toBe(true);
    expect(ladder.raiseFlag('second_fail')).toBe(false);
    expect(ladder.view().coachingFlag).toBe('two_consecutive_absences');
  });
});

describe('assessments', () => {
  it('refuses an assessment before the level ends, then opens one retake after a fail', () => {
    const ladder = loaded();
    const [partyPolicy] = ladder.dimensions();
    const level1 = partyPolicy![0]!;
    const request = { dimension: 'party_policy', level: 1, score: 40, assessor: 'sup' };
    expect(ladder.refuseAssessment(request)).toMatchObject({ reason: 'assessment_not_open', message: 'level 1 of party_policy is not open for assessment: its sessions have not all ended' });
    expect(ladder.refuseAssessment({ ...request, level: 3 })).toMatchObject({ type: ErrorType.NotFound, reason: 'level_not_in_plan' });

    ladder.openAssessment(level1, T0 + 60 * MINUTE);
    expect(level1.deadline).toBe(T0 + 120 * MINUTE);
    expect(ladder.refuseAssessment({ ...request, score: 101 })).toMatchObject({ type: ErrorType.InvalidInput, reason: 'score_out_of_range' });
    const first = ladder.beginAssessment(request);
    expect(first).toMatchObject({ attempt: 1, passed: false });
    expect(ladder.refuseAssessment(request)).toMatchObject({ reason: 'assessment_in_progress' });
    expect(ladder.assessmentRecorded(first, { score: 40, passed: false, assessor: 'sup' }, T0 + 65 * MINUTE)).toBe('retake');
    ladder.assessmentSettled(first);
    expect(level1).toMatchObject({ status: 'retake_open', deadline: T0 + 95 * MINUTE });

    const second = ladder.beginAssessment(request);
    expect(second.attempt).toBe(2);
    expect(ladder.assessmentRecorded(second, { score: 40, passed: false, assessor: 'sup' }, T0 + 70 * MINUTE)).toBe('second_fail');
    ladder.assessmentSettled(second);
    expect(ladder.refuseAssessment(request)).toMatchObject({ reason: 'level_failed', message: expect.stringContaining('retake is used') });
    expect(ladder.view().tracks[0]!.attempts.map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('passes once the promotion is recorded', () => {
    const ladder = loaded();
    const level1 = ladder.dimensions()[0]![0]!;
    ladder.openAssessment(level1, T0 + 60 * MINUTE);
    const step = ladder.beginAssessment({ dimension: 'party_policy', level: 1, score: 75, assessor: 'sup' });
    expect(step.passed).toBe(true);
    expect(ladder.assessmentRecorded(step, { score: 75, passed: true, assessor: 'sup' }, T0 + 61 * MINUTE)).toBe('pass');
    expect(ladder.isSettled(level1)).toBe(false);
    ladder.markPassed(level1);
    ladder.assessmentSettled(step);
    expect(ladder.isSettled(level1)).toBe(true);
    expect(ladder.refuseAssessment({ dimension: 'party_policy', level: 1, score: 90, assessor: 'sup' })).toMatchObject({ reason: 'level_already_passed' });
  });

  it('closes a window with nothing recorded as not assessed, a retake window as failed, and drops the next level', () => {
    const ladder = loaded();
    const [level1, level2] = ladder.dimensions()[0]!;
    ladder.openAssessment(level1!, T0 + 60 * MINUTE);
    ladder.windowClosed(level1!);
    expect(level1!.status).toBe('not_assessed');
    ladder.closeTrack(level2!, 'not_eligible');
    expect(ladder.view().sessions.find((s) => s.id === 'b')!.status).toBe('dropped');
    expect(ladder.refuseAssessment({ dimension: 'party_policy', level: 2, score: 90, assessor: 'sup' })).toMatchObject({ reason: 'level_not_eligible', message: 'level 2 of party_policy needs level 1 passed first' });
    expect(ladder.result('completed').tracks.map((t) => t.status)).toEqual(['not_assessed', 'not_eligible', 'scheduled']);
  });

  it('knows when a level ends and that a level with every session cancelled has none left', () => {
    const ladder = loaded();
    const level1 = ladder.dimensions()[0]![0]!;
    expect(ladder.levelEndsAt(level1, T0)).toBe(T0 + 60 * MINUTE);
    ladder.applyChange({ sessionId: 'a', status: 'cancelled', startsAt: T0, endsAt: T0 + 60 * MINUTE, place: 'room 1', reason: null }, T0);
    expect(ladder.liveSessions(level1)).toEqual([]);
    expect(ladder.levelEndsAt(level1, T0 + 5)).toBe(T0 + 5);
  });
});
