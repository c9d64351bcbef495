import type { WorkCalendar } from './calendar.js';
import { ErrorType, refuse, type Rejection } from './errors.js';
import type { NotificationData, NotificationKind, NotifyRequest } from './notifications.js';
import { reminderSchedule, type ReminderPolicy } from './reminders.js';
import type { AttendanceStatus } from './types.js';

// One worker's ladder through a training cycle, as pure rules: the ladder rule (level N+1 only
// after level N), and the state machine the workerLadder workflow drives — its sessions and
// tracks, the validators of its updates (a rejection or null), the mutations, the view, the
// reminder plan and the notices it sends. Time is always a parameter; nothing here does I/O.

// ── the ladder rule ──────────────────────────────────────────────────────────────────────────

/** A worker's levels, dimension key → highest level passed (0 or missing: none). */
export type Levels = Record<string, number>;

/** Level N+1 of a dimension only after level N is passed. */
export function mayEnrol(currentLevel: number, level: number): boolean {
  return level === currentLevel + 1;
}

export type PromotionOutcome = 'promote' | 'already' | 'refused';

/** What passing `level` does to a worker at `currentLevel`: promote, nothing (already there), or refuse (a level skipped). */
export function promotionOutcome(currentLevel: number, level: number): PromotionOutcome {
  if (level <= currentLevel) return 'already';
  return mayEnrol(currentLevel, level) ? 'promote' : 'refused';
}

export function isPass(score: number, passMark: number): boolean {
  return score >= passMark;
}

/** A check-in is present up to `lateAfterMs` after the start, late after that. */
export function checkInStatus(now: number, startsAt: number, lateAfterMs: number): 'present' | 'late' {
  return now <= startsAt + lateAfterMs ? 'present' : 'late';
}

/**
 * Two absences in a row among a worker's sessions (in time order; excused breaks the run, it is
 * not an absence).
 */
export function hasConsecutiveAbsences(statusesInOrder: Array<AttendanceStatus | undefined>): boolean {
  for (let index = 1; index < statusesInOrder.length; index += 1) {
    if (statusesInOrder[index] === 'absent' && statusesInOrder[index - 1] === 'absent') return true;
  }
  return false;
}

// ── what a ladder works from ─────────────────────────────────────────────────────────────────

/** How a cycle assesses, in milliseconds (tests pass seconds, real cycles days). */
export interface AssessmentRules {
  /** A score at or above this passes (scores are 0–100). */
  passMark: number;
  /** After a level's last session ends, how long the first assessment may take. */
  assessmentWindowMs: number;
  /** After a first fail, how long the one retake window stays open. */
  retakeWindowMs: number;
  /** After a session ends, attendance may still be recorded this long; then a missing record is an absence. */
  attendanceGraceMs: number;
  /** A worker may check in from this long before a session starts until it ends. */
  checkInOpensMs: number;
  /** A check-in later than this after the start counts as late. */
  lateAfterMs: number;
}

export const DEFAULT_ASSESSMENT_RULES: Omit<AssessmentRules, 'passMark'> = {
  assessmentWindowMs: 14 * 24 * 3_600_000,
  retakeWindowMs: 14 * 24 * 3_600_000,
  attendanceGraceMs: 24 * 3_600_000,
  checkInOpensMs: 30 * 60_000,
  lateAfterMs: 10 * 60_000,
};

export type SessionStatus = 'scheduled' | 'moved' | 'cancelled' | 'held';

/** A session as a ladder sees it: instants in epoch ms. */
export interface LadderSession {
  id: string;
  dimension: string;
  level: number;
  startsAt: number;
  endsAt: number;
  place: string;
  trainer: string;
  status: SessionStatus;
}

/** Everything a workerLadder loads from the records store when it starts. */
export interface LadderPlan {
  cycleName: string;
  enrolment: { status: 'enrolled' | 'withdrawn' | 'completed' | 'cancelled'; enrolledAt: number; coachingFlag: string | null } | null;
  workerName: string;
  communityId: string | null;
  /** Who hears about a coaching flag: the worker's station lead, else the cycle's creator. */
  stationLeadId: string | null;
  /** The worker's levels when enrolled. */
  startLevels: Levels;
  /** The worker's sessions (the enrolment's plan), as they stand now. */
  sessions: LadderSession[];
  rules: AssessmentRules;
  reminderPolicy: ReminderPolicy;
  calendar: WorkCalendar;
}

export interface LadderTrackKey {
  dimension: string;
  level: number;
}

/** A worker's sessions grouped per dimension and level, levels ascending within a dimension. */
export function groupTracks(sessions: LadderSession[]): Array<LadderTrackKey & { sessionIds: string[] }> {
  const tracks = new Map<string, LadderTrackKey & { sessionIds: string[] }>();
  for (const session of [...sessions].sort((a, b) => a.startsAt - b.startsAt)) {
    const key = `${session.dimension}\u0000${session.level}`;
    const track = tracks.get(key) ?? { dimension: session.dimension, level: session.level, sessionIds: [] };
    track.sessionIds.push(session.id);
    tracks.set(key, track);
  }
  return [...tracks.values()].sort((a, b) => (a.dimension === b.dimension ? a.level - b.level : a.dimension < b.dimension ? -1 : 1));
}

// ── the workflow's messages and views (re-exported by workflows/worker-ladder.messages.ts) ────

/** A session's new state, as the cycle passes it to the ladders that take it. */
export interface LadderSessionChange {
  sessionId: string;
  /** `restored`: a cancelled session brought back, at its time, before it was due. */
  status: 'moved' | 'cancelled' | 'restored';
  startsAt: number;
  endsAt: number;
  place: string;
  reason: string | null;
}

export type LadderEnd = 'completed' | 'withdrawn' | 'cancelled';

export type TrackStatus =
  | 'scheduled'
  | 'awaiting_assessment'
  | 'retake_open'
  | 'passed'
  | 'failed'
  | 'not_assessed'
  | 'not_eligible'
  | 'cancelled';

export interface TrackView {
  dimension: string;
  level: number;
  status: TrackStatus;
  sessionIds: string[];
  attempts: Array<{ attempt: number; score: number; passed: boolean; assessor: string }>;
  /** When the open assessment or retake window closes (epoch ms). */
  deadline: number | null;
}

export interface LadderSessionView {
  id: string;
  dimension: string;
  level: number;
  startsAt: number;
  endsAt: number;
  status: 'scheduled' | 'moved' | 'cancelled' | 'held' | 'dropped';
  attendance: AttendanceStatus | null;
  final: boolean;
}

export interface LadderState {
  cycleId: string;
  workerId: string;
  status: 'loading' | 'running' | LadderEnd;
  tracks: TrackView[];
  sessions: LadderSessionView[];
  coachingFlag: string | null;
  remindersSent: number;
}

export interface LadderResult {
  cycleId: string;
  workerId: string;
  status: LadderEnd;
  tracks: Array<{ dimension: string; level: number; status: TrackStatus }>;
  coachingFlag: string | null;
}

export interface AttendanceRequest {
  sessionId: string;
  /** A trainer or station lead gives the status; a check-in leaves it to the ladder (present or late). */
  status?: AttendanceStatus;
  source: 'trainer' | 'check_in';
  recordedBy: string;
}

export interface AttendanceResult {
  sessionId: string;
  workerId: string;
  status: AttendanceStatus;
  recordedBy: string;
}

export interface AssessmentRequest {
  dimension: string;
  level: number;
  score: number;
  assessor: string;
}

export interface AssessmentResult {
  attempt: number;
  passed: boolean;
  trackStatus: TrackStatus;
  /** The level the worker now holds when this pass promoted them. */
  promotedTo: number | null;
  coachingFlag: string | null;
}

export interface LadderStopRequest {
  status: 'withdrawn' | 'cancelled';
  reason: string | null;
  by: string;
}

export type { Rejection };

// ── the ladder's state machine ───────────────────────────────────────────────────────────────

export interface SessionState extends LadderSession {
  /** Taken off the worker's plan (its level became out of reach). */
  dropped: boolean;
  attendance: { status: AttendanceStatus; by: string } | null;
  /** Attendance is closed: no more records or corrections. */
  final: boolean;
  /** A write of this session's attendance is under way. */
  writing: boolean;
  /** The reminders planned for this session's current time (computed when the time became known). */
  reminders: PlannedSessionReminder[];
  /** How many times a cancellation of this session was taken back (absent in older histories: none). */
  restores?: number;
}

export interface PlannedSessionReminder {
  at: number;
  offsetMs: number;
  /** The notification's idempotency key: the session's start is in it, so a moved session is reminded afresh. */
  key: string;
}

export interface TrackState {
  dimension: string;
  level: number;
  sessionIds: string[];
  status: TrackStatus;
  attempts: TrackView['attempts'];
  deadline: number | null;
  /** An assessment is being recorded. */
  busy: boolean;
}

/** Track states that end a level: nothing more can be recorded for it. */
export const FINAL_TRACK: readonly TrackStatus[] = ['passed', 'failed', 'not_assessed', 'not_eligible', 'cancelled'];

export const isActiveSession = (session: SessionState) => !session.dropped && session.status !== 'cancelled';

/** An attendance write the workflow is about to make, and what to restore if it fails. */
export interface AttendanceWrite {
  session: SessionState;
  previous: SessionState['attendance'];
  result: AttendanceResult;
}

/** An assessment the workflow is about to record. */
export interface AssessmentAttempt {
  track: TrackState;
  attempt: number;
  passed: boolean;
}

/** A due reminder: which session, when, and its key. */
export interface DueReminder extends PlannedSessionReminder {
  session: SessionState;
}

/**
 * The state of one worker's ladder. The workflow owns the timers, the activities and the order
 * they run in; this holds everything they decide on. `version` is bumped on every change a
 * waiting loop may care about.
 */
export class LadderMachine {
  plan: LadderPlan | undefined;
  readonly sessions = new Map<string, SessionState>();
  readonly tracks: TrackState[] = [];
  /** Session changes signalled before the plan was loaded, applied once it is. */
  readonly early: LadderSessionChange[] = [];
  stop: LadderStopRequest | null = null;
  finished = false;
  coachingFlag: string | null = null;
  remindersSent = 0;
  version = 0;

  constructor(readonly workflowId: string, readonly cycleId: string, readonly workerId: string) {}

  touch(): void {
    this.version += 1;
  }

  /** Ended, or asked to stop: no more records. */
  get over(): boolean {
    return this.finished || this.stop !== null;
  }

  sessionsInOrder(): SessionState[] {
    return [...this.sessions.values()].sort((a, b) => a.startsAt - b.startsAt || (a.id < b.id ? -1 : 1));
  }

  trackOf(dimension: string, level: number): TrackState | undefined {
    return this.tracks.find((t) => t.dimension === dimension && t.level === level);
  }

  /** When a session's attendance closes. */
  closeAt(session: SessionState): number {
    return session.endsAt + this.loaded.rules.attendanceGraceMs;
  }

  private get loaded(): LadderPlan {
    if (!this.plan) throw new Error('the ladder plan is not loaded');
    return this.plan;
  }

  // ── loading ──

  /**
   * Takes the plan read from the store. Returns how the ladder ends at once (an enrolment that is
   * no longer enrolled), or null when it runs: sessions, reminders owed since the enrolment, the
   * changes signalled early, and one track per dimension-level.
   */
  load(plan: LadderPlan, loadedAt: number): LadderEnd | null {
    this.plan = plan;
    this.coachingFlag = plan.enrolment?.coachingFlag ?? null;
    if (!plan.enrolment || plan.enrolment.status !== 'enrolled') {
      return plan.enrolment?.status === 'cancelled' ? 'cancelled' : plan.enrolment?.status === 'completed' ? 'completed' : 'withdrawn';
    }
    const enrolledAt = plan.enrolment.enrolledAt;
    for (const session of plan.sessions) {
      const state: SessionState = { ...session, dropped: false, attendance: null, final: false, writing: false, reminders: [] };
      // A worker added late does not owe sessions that started before they were enrolled.
      if (session.startsAt < enrolledAt) state.dropped = true;
      // Reminders due since the enrolment are owed even when this ladder starts late (a busy worker).
      else if (session.status !== 'cancelled') this.planReminders(state, Math.min(loadedAt, enrolledAt));
      this.sessions.set(session.id, state);
    }
    for (const change of this.early.splice(0)) this.applyChange(change, loadedAt);
    for (const track of groupTracks(plan.sessions)) {
      this.tracks.push({ ...track, status: 'scheduled', attempts: [], deadline: null, busy: false });
    }
    return null;
  }

  /** The tracks per dimension (dimensions run side by side, levels in order). */
  dimensions(): TrackState[][] {
    const keys = [...new Set(this.tracks.map((t) => t.dimension))];
    return keys.map((dimension) => this.tracks.filter((t) => t.dimension === dimension));
  }

  planReminders(session: SessionState, from: number): void {
    session.reminders = reminderSchedule(session.startsAt, this.loaded.reminderPolicy, this.loaded.calendar, from).map((reminder) => ({
      ...reminder,
      key: `${this.workflowId}:reminder:${session.id}:${session.startsAt}:${reminder.offsetMs}`,
    }));
  }

  // ── session changes and stops ──

  /** Applies a moved, cancelled or restored session; returns the session when something changed. */
  applyChange(change: LadderSessionChange, now: number): SessionState | undefined {
    const session = this.sessions.get(change.sessionId);
    if (!session) return undefined;
    if (change.status === 'restored') {
      // Only a cancelled session of a level still waiting for its sessions comes back: a level whose
      // assessment opened, or that closed (in ladders older than the restore), has moved on.
      const track = this.trackOf(session.dimension, session.level);
      if (session.status !== 'cancelled' || session.dropped || track?.status !== 'scheduled') return undefined;
      session.status = 'scheduled';
      session.restores = (session.restores ?? 0) + 1;
      this.planReminders(session, now);
    } else if (change.status === 'cancelled') {
      session.status = 'cancelled';
      session.reminders = [];
    } else if (session.startsAt !== change.startsAt || session.endsAt !== change.endsAt || session.place !== change.place) {
      session.status = 'moved';
      session.startsAt = change.startsAt;
      session.endsAt = change.endsAt;
      session.place = change.place;
      this.planReminders(session, now);
    } else {
      return undefined;
    }
    this.touch();
    return session;
  }

  /**
   * A session change signalled by the cycle: kept for later while the plan loads, applied while
   * the ladder runs. Returns the notice to send the worker, if any.
   */
  sessionChanged(change: LadderSessionChange, now: number): NotifyRequest | undefined {
    if (!this.plan) {
      this.early.push(change);
      return undefined;
    }
    if (this.over) return undefined;
    const session = this.applyChange(change, now);
    if (!session || session.dropped) return undefined;
    // Each cancellation and each restore is its own notice: the count of restores tells a second
    // cancellation (after a restore) from the first, which older histories keyed without a count.
    const restores = session.restores ?? 0;
    const what = change.status === 'cancelled' ? (restores > 0 ? `cancelled:${restores}` : 'cancelled')
      : change.status === 'restored' ? `restored:${restores}` : String(change.startsAt);
    return this.notice('session_changed', `session-changed:${session.id}:${what}`, this.workerId, {
      sessionId: session.id, dimension: session.dimension, level: session.level,
      startsAt: change.startsAt, endsAt: change.endsAt, place: change.place,
      // A word the template translates per recipient, and the person's own reason beside it.
      change: change.status, reason: change.reason ?? null,
    });
  }

  requestStop(request: LadderStopRequest): void {
    this.stop ??= request;
    this.touch();
  }

  // ── attendance ──

  /** Why a recordAttendance update is refused, or null when it may run. */
  refuseAttendance(request: AttendanceRequest, now: number): Rejection | null {
    const running = this.refuseUnlessRunning();
    if (running) return running;
    const plan = this.loaded;
    const session = this.sessions.get(request.sessionId);
    const values = { workerId: this.workerId, sessionId: request.sessionId };
    if (!session) return refuse(ErrorType.NotFound, 'session_not_in_plan', `worker ${this.workerId} does not take session ${request.sessionId}`, values);
    if (session.status === 'cancelled') return refuse(ErrorType.Conflict, 'session_cancelled', `session ${session.id} is cancelled`, values);
    if (session.dropped) return refuse(ErrorType.Conflict, 'session_dropped', `session ${session.id} was taken off this worker's plan (level out of reach)`, values);
    const opens = session.startsAt - plan.rules.checkInOpensMs;
    if (now < opens) {
      const opensAt = new Date(opens).toISOString();
      return refuse(ErrorType.Conflict, 'attendance_not_open', `attendance for session ${session.id} opens at ${opensAt}`, { ...values, opensAt });
    }
    if (request.source === 'check_in') {
      if (now > session.endsAt) return refuse(ErrorType.Conflict, 'check_in_closed', `check-in for session ${session.id} closed when it ended`, values);
      if (session.attendance) {
        return refuse(ErrorType.Conflict, 'attendance_already_recorded', `attendance for session ${session.id} is already recorded (${session.attendance.status})`, { ...values, status: session.attendance.status });
      }
    } else if (!request.status) {
      return refuse(ErrorType.InvalidInput, 'attendance_status_required', 'a trainer records a status', values);
    }
    if (session.final || now >= this.closeAt(session)) return refuse(ErrorType.Conflict, 'attendance_closed', `attendance for session ${session.id} is closed`, values);
    return null;
  }

  /** Takes an accepted attendance record: the status (a check-in's is present or late) and the write to make. */
  beginAttendance(request: AttendanceRequest, now: number): AttendanceWrite {
    const session = this.sessions.get(request.sessionId)!;
    const previous = session.attendance;
    const status = request.source === 'check_in' ? checkInStatus(now, session.startsAt, this.loaded.rules.lateAfterMs) : request.status!;
    session.attendance = { status, by: request.recordedBy };
    session.writing = true;
    this.touch();
    return { session, previous, result: { sessionId: session.id, workerId: this.workerId, status, recordedBy: request.recordedBy } };
  }

  /** The store did not take the record: the session keeps what it had. */
  attendanceFailed(write: AttendanceWrite): void {
    write.session.attendance = write.previous;
  }

  attendanceSettled(write: AttendanceWrite): void {
    write.session.writing = false;
    this.touch();
  }

  /** Sessions whose attendance is still open. */
  openSessions(): SessionState[] {
    return this.sessionsInOrder().filter((s) => isActiveSession(s) && !s.final);
  }

  /** When the next open session's attendance closes (now when none is open). */
  nextAttendanceClose(now: number): number {
    const open = this.openSessions();
    return open.length === 0 ? now : Math.min(...open.map((s) => this.closeAt(s)));
  }

  /** Open sessions whose attendance closes by `now`, in time order. */
  sessionsClosingBy(now: number): SessionState[] {
    return this.openSessions().filter((s) => this.closeAt(s) <= now);
  }

  /** A session closing with no record is an absence recorded by the system; returns true when one must be written. */
  markAbsentIfUnrecorded(session: SessionState): boolean {
    if (session.attendance) return false;
    session.attendance = { status: 'absent', by: 'system' };
    return true;
  }

  /** Closes a session's attendance; returns true when the worker has now missed two in a row. */
  closeAttendance(session: SessionState): boolean {
    session.final = true;
    this.touch();
    const closed = this.sessionsInOrder().filter((s) => isActiveSession(s) && s.final).map((s) => s.attendance?.status);
    return hasConsecutiveAbsences(closed);
  }

  // ── levels and assessments ──

  /** The sessions of a level still on the worker's plan and not cancelled. */
  liveSessions(track: TrackState): SessionState[] {
    return track.sessionIds.map((id) => this.sessions.get(id)!).filter((s) => !s.dropped && s.status !== 'cancelled');
  }

  /** When a level's last live session ends (now when none is left). */
  levelEndsAt(track: TrackState, now: number): number {
    const live = this.liveSessions(track);
    return live.length === 0 ? now : Math.max(...live.map((s) => s.endsAt));
  }

  /** Until when a cancelled session of the level may still be restored: the latest start among them (now when none). */
  restorableUntil(track: TrackState): number {
    const cancelled = track.sessionIds.map((id) => this.sessions.get(id)!).filter((s) => !s.dropped && s.status === 'cancelled');
    return cancelled.length === 0 ? 0 : Math.max(...cancelled.map((s) => s.startsAt));
  }

  /** A level's sessions have ended: it awaits its assessment until the window closes. */
  openAssessment(track: TrackState, now: number): void {
    track.status = 'awaiting_assessment';
    track.deadline = now + this.loaded.rules.assessmentWindowMs;
    this.touch();
  }

  /** A level reached its end: nothing more is recorded for it; a level out of reach drops its open sessions. */
  closeTrack(track: TrackState, status: TrackStatus): void {
    track.status = status;
    track.deadline = null;
    for (const id of track.sessionIds) {
      const session = this.sessions.get(id);
      if (session && !session.final && status === 'not_eligible') session.dropped = true;
    }
    this.touch();
  }

  /** The level is decided and no assessment is being written. */
  isSettled(track: TrackState): boolean {
    return FINAL_TRACK.includes(track.status) && !track.busy;
  }

  /** The window closed with nothing recorded: a first window means not assessed, a retake window a fail. */
  windowClosed(track: TrackState): void {
    this.closeTrack(track, track.status === 'retake_open' ? 'failed' : 'not_assessed');
  }

  /** Why a recordAssessment update is refused, or null when it may run. */
  refuseAssessment(request: AssessmentRequest): Rejection | null {
    const running = this.refuseUnlessRunning();
    if (running) return running;
    const track = this.trackOf(request.dimension, request.level);
    const values = { workerId: this.workerId, dimension: request.dimension, level: request.level };
    const at = `level ${request.level} of ${request.dimension}`;
    if (!track) return refuse(ErrorType.NotFound, 'level_not_in_plan', `worker ${this.workerId} does not take ${at} in this cycle`, values);
    if (track.busy) return refuse(ErrorType.Conflict, 'assessment_in_progress', 'an assessment of this level is being recorded', values);
    if (!Number.isFinite(request.score) || request.score < 0 || request.score > 100) {
      return refuse(ErrorType.InvalidInput, 'score_out_of_range', 'score must be 0–100', { ...values, score: request.score });
    }
    switch (track.status) {
      case 'awaiting_assessment':
      case 'retake_open':
        return null;
      case 'scheduled':
        return refuse(ErrorType.Conflict, 'assessment_not_open', `${at} is not open for assessment: its sessions have not all ended`, values);
      case 'passed':
        return refuse(ErrorType.Conflict, 'level_already_passed', `${at} is already passed`, values);
      case 'failed':
        return refuse(ErrorType.Conflict, 'level_failed', `${at} is failed; the one retake is used or its window closed`, values);
      case 'not_assessed':
        return refuse(ErrorType.Conflict, 'assessment_window_closed', `the assessment window of ${at} has closed`, values);
      case 'not_eligible':
        return refuse(ErrorType.Conflict, 'level_not_eligible', `${at} needs level ${track.level - 1} passed first`, values);
      case 'cancelled':
        return refuse(ErrorType.Conflict, 'level_cancelled', `every session of ${at} was cancelled`, values);
    }
  }

  /** Takes an accepted assessment: which attempt it is and whether the score passes. */
  beginAssessment(request: AssessmentRequest): AssessmentAttempt {
    const track = this.trackOf(request.dimension, request.level)!;
    const attempt = track.status === 'retake_open' ? 2 : 1;
    track.busy = true;
    this.touch();
    return { track, attempt, passed: isPass(request.score, this.loaded.rules.passMark) };
  }

  /**
   * The store has the assessment. A pass waits for its promotion (`markPassed`); a first fail
   * opens the retake window; a second fail fails the level. Returns which.
   */
  assessmentRecorded(step: AssessmentAttempt, stored: { score: number; passed: boolean; assessor: string }, now: number): 'pass' | 'retake' | 'second_fail' {
    const { track, attempt } = step;
    track.attempts.push({ attempt, score: stored.score, passed: stored.passed, assessor: stored.assessor });
    if (stored.passed) return 'pass';
    if (attempt === 1) {
      track.status = 'retake_open';
      track.deadline = now + this.loaded.rules.retakeWindowMs;
      return 'retake';
    }
    track.status = 'failed';
    track.deadline = null;
    return 'second_fail';
  }

  markPassed(track: TrackState): void {
    track.status = 'passed';
    track.deadline = null;
  }

  assessmentSettled(step: AssessmentAttempt): void {
    step.track.busy = false;
    this.touch();
  }

  // ── coaching flag ──

  /** Raises the coaching flag once (the first reason stays); false when it was raised already. */
  raiseFlag(reason: string): boolean {
    if (this.coachingFlag !== null) return false;
    this.coachingFlag = reason;
    this.touch();
    return true;
  }

  // ── reminders ──

  /** The earliest reminder not yet sent for a session still ahead of `now`. */
  nextReminder(now: number, sent: ReadonlySet<string>): DueReminder | undefined {
    let next: DueReminder | undefined;
    for (const session of this.sessions.values()) {
      if (!isActiveSession(session) || now >= session.startsAt) continue;
      for (const reminder of session.reminders) {
        if (sent.has(reminder.key)) continue;
        if (!next || reminder.at < next.at) next = { ...reminder, session };
      }
    }
    return next;
  }

  /** The notify request of a session reminder: checked against the session's time, with an .ics invite. */
  reminderRequest(due: DueReminder): NotifyRequest {
    const plan = this.loaded;
    const session = due.session;
    return {
      key: due.key,
      workflowId: this.workflowId,
      recipientId: this.workerId,
      kind: 'session_reminder',
      dueAt: due.at,
      check: { type: 'session_scheduled', sessionId: session.id, startsAt: new Date(session.startsAt).toISOString() },
      data: {
        cycleName: plan.cycleName, sessionId: session.id, dimension: session.dimension, level: session.level,
        startsAt: session.startsAt, endsAt: session.endsAt, place: session.place, trainer: session.trainer,
      },
      calendarEvent: {
        uid: `${this.cycleId}.${session.id}.${this.workerId}@shegong`,
        title: `${plan.cycleName}: ${session.dimension} L${session.level}`,
        place: session.place,
        startsAt: new Date(session.startsAt).toISOString(),
        endsAt: new Date(session.endsAt).toISOString(),
      },
    };
  }

  // ── notices, view, result ──

  /** A notice about this ladder, keyed by the workflow id and a step name. */
  notice(kind: NotificationKind, step: string, recipientId: string, data: NotificationData): NotifyRequest {
    const plan = this.loaded;
    return { key: `${this.workflowId}:${step}`, workflowId: this.workflowId, recipientId, kind, data: { cycleName: plan.cycleName, workerName: plan.workerName, ...data } };
  }

  finish(): void {
    this.finished = true;
    this.touch();
  }

  view(): LadderState {
    return {
      cycleId: this.cycleId,
      workerId: this.workerId,
      status: this.finished ? (this.stop?.status ?? 'completed') : this.plan ? 'running' : 'loading',
      tracks: this.tracks.map((t) => ({ dimension: t.dimension, level: t.level, status: t.status, sessionIds: t.sessionIds, attempts: t.attempts, deadline: t.deadline })),
      sessions: this.sessionsInOrder().map((s): LadderSessionView => ({
        id: s.id, dimension: s.dimension, level: s.level, startsAt: s.startsAt, endsAt: s.endsAt,
        status: s.dropped ? 'dropped' : s.status, attendance: s.attendance?.status ?? null, final: s.final,
      })),
      coachingFlag: this.coachingFlag,
      remindersSent: this.remindersSent,
    };
  }

  result(status: LadderEnd): LadderResult {
    return {
      cycleId: this.cycleId, workerId: this.workerId, status,
      tracks: this.tracks.map((t) => ({ dimension: t.dimension, level: t.level, status: t.status })),
      coachingFlag: this.coachingFlag,
    };
  }

  private refuseUnlessRunning(): Rejection | null {
    if (!this.plan) return refuse(ErrorType.Conflict, 'ladder_starting', 'the ladder is still starting; try again in a moment');
    if (this.over) {
      const status = this.stop?.status ?? 'completed';
      return refuse(ErrorType.Conflict, 'ladder_ended', `the worker's ladder in this cycle has ended (${status})`, { workerId: this.workerId, status });
    }
    return null;
  }
}
