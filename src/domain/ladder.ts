import type { WorkCalendar } from './calendar.js';
import type { ReminderPolicy } from './reminders.js';
import type { AttendanceStatus } from './types.js';

// The six-dimension ladder and the checks a training cycle passes before it starts. Pure: the API,
// the activities and the workflows share it; time is always a parameter.

/** A session as the supervisor plans it; instants are ISO strings with an offset. */
export interface CycleSession {
  id: string;
  dimension: string;
  level: number;
  startsAt: string;
  endsAt: string;
  place: string;
  trainer: string;
  capacity: number;
}

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

/** A worker's levels, dimension key → highest level passed (0 or missing: none). */
export type Levels = Record<string, number>;

/** A problem found by validation: where in the request, and what is wrong. */
export interface Problem {
  path: string;
  message: string;
}

// ── the ladder rule ──────────────────────────────────────────────────────────────────────────

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

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

// ── a worker's plan ──────────────────────────────────────────────────────────────────────────

export interface WorkerPlan {
  /** The sessions the worker takes, in the order given. */
  sessionIds: string[];
  /** Levels the worker may not take under the ladder rule (dimension, level, why). */
  ineligible: Array<{ dimension: string; level: number; reason: string }>;
}

/**
 * Which of a cycle's sessions a worker takes: per dimension, the levels above the worker's own, as
 * long as they follow on from it (level N+1 after N). A level above a gap is not takeable.
 */
export function planForWorker(sessions: Array<Pick<CycleSession, 'id' | 'dimension' | 'level'>>, levels: Levels): WorkerPlan {
  const byDimension = new Map<string, Set<number>>();
  for (const session of sessions) {
    const set = byDimension.get(session.dimension) ?? new Set<number>();
    set.add(session.level);
    byDimension.set(session.dimension, set);
  }
  const takeable = new Map<string, Set<number>>();
  const ineligible: WorkerPlan['ineligible'] = [];
  for (const [dimension, offered] of byDimension) {
    const current = levels[dimension] ?? 0;
    let reach = current;
    const take = new Set<number>();
    for (const level of [...offered].sort((a, b) => a - b)) {
      if (level <= current) continue;
      if (level === reach + 1) {
        take.add(level);
        reach = level;
      } else {
        ineligible.push({ dimension, level, reason: `holds level ${current} of ${dimension}; level ${level} needs level ${level - 1} first` });
      }
    }
    takeable.set(dimension, take);
  }
  return {
    sessionIds: sessions.filter((session) => takeable.get(session.dimension)?.has(session.level)).map((session) => session.id),
    ineligible,
  };
}

// ── launch validation ────────────────────────────────────────────────────────────────────────

export interface CohortWorker {
  workerId: string;
  /** Where the worker came from in the request, for problem paths (e.g. `cohort.workerIds.3`). */
  path: string;
  levels: Levels;
}

export interface CohortCheck {
  sessions: CycleSession[];
  /** Paths of sessions in the request, `sessions.<i>` by default (dotted, as the API's zod paths). */
  sessionPath?: (index: number) => string;
  workers: CohortWorker[];
  /** Known dimensions and their levels (the catalog in the store). */
  catalog: Record<string, number[]>;
  now: number;
  /** Workers already enrolled per session (late additions); none at launch. */
  alreadyTaking?: Record<string, number>;
  /** Sessions already started are skipped for the plan (late additions) rather than reported. */
  upcomingOnly?: boolean;
}

export interface CohortResult {
  problems: Problem[];
  /** workerId → the session ids the worker takes. */
  plans: Map<string, string[]>;
}

const MAX_NAMED = 5;

function nameSome(ids: string[]): string {
  return ids.length <= MAX_NAMED ? ids.join(', ') : `${ids.slice(0, MAX_NAMED).join(', ')} and ${ids.length - MAX_NAMED} more`;
}

/** Checks the sessions alone: catalog, times, duplicates and the ladder's order within a dimension. */
export function checkSessions(sessions: CycleSession[], catalog: Record<string, number[]>, now: number, sessionPath = (i: number) => `sessions.${i}`, upcomingOnly = false): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  sessions.forEach((session, index) => {
    const path = sessionPath(index);
    const start = Date.parse(session.startsAt);
    const end = Date.parse(session.endsAt);
    const levels = catalog[session.dimension];
    if (!levels) problems.push({ path: `${path}.dimension`, message: `unknown dimension ${session.dimension}` });
    else if (!levels.includes(session.level)) problems.push({ path: `${path}.level`, message: `${session.dimension} has no level ${session.level} (levels: ${levels.join(', ')})` });
    if (Number.isNaN(start)) problems.push({ path: `${path}.startsAt`, message: 'not a valid instant' });
    if (Number.isNaN(end)) problems.push({ path: `${path}.endsAt`, message: 'not a valid instant' });
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) problems.push({ path: `${path}.endsAt`, message: 'must be after startsAt' });
    if (!upcomingOnly && !Number.isNaN(start) && start <= now) problems.push({ path: `${path}.startsAt`, message: 'is in the past' });
    const first = seen.get(session.id);
    if (first !== undefined) problems.push({ path: `${path}.id`, message: `duplicates ${sessionPath(first)}.id (${session.id})` });
    else seen.set(session.id, index);
  });
  // Within a dimension, level N+1 starts only after every session of level N has ended.
  sessions.forEach((session, index) => {
    const start = Date.parse(session.startsAt);
    const before = sessions
      .map((other, otherIndex) => ({ other, otherIndex }))
      .filter(({ other }) => other.dimension === session.dimension && other.level === session.level - 1)
      .filter(({ other }) => Date.parse(other.endsAt) > start);
    if (before.length > 0) {
      problems.push({
        path: `${sessionPath(index)}.startsAt`,
        message: `level ${session.level} of ${session.dimension} starts before level ${session.level - 1} ends (${before.map(({ otherIndex }) => sessionPath(otherIndex)).join(', ')})`,
      });
    }
  });
  return problems;
}

/**
 * Every problem with a cohort taking a cycle's sessions, all at once: the ladder rule per worker,
 * a worker's overlapping sessions, and sessions over capacity.
 */
export function checkCohort(check: CohortCheck): CohortResult {
  const sessionPath = check.sessionPath ?? ((i: number) => `sessions.${i}`);
  const problems: Problem[] = [];
  const plans = new Map<string, string[]>();
  const offered = check.upcomingOnly ? check.sessions.filter((s) => Date.parse(s.startsAt) > check.now) : check.sessions;
  const indexOf = new Map(check.sessions.map((session, index) => [session.id, index]));
  const span = new Map(check.sessions.map((s) => [s.id, { start: Date.parse(s.startsAt), end: Date.parse(s.endsAt) }]));

  // Workers with the same levels take the same sessions: plan once per distinct set of levels.
  const groups = new Map<string, { levels: Levels; workers: CohortWorker[] }>();
  for (const worker of check.workers) {
    const key = Object.keys(worker.levels).sort().map((k) => `${k}=${worker.levels[k]}`).join(',');
    const group = groups.get(key) ?? { levels: worker.levels, workers: [] };
    group.workers.push(worker);
    groups.set(key, group);
  }

  const overlapWorkers = new Map<string, string[]>();
  const taking = new Map<string, number>(Object.entries(check.alreadyTaking ?? {}));
  for (const group of groups.values()) {
    const plan = planForWorker(offered, group.levels);
    for (const worker of group.workers) {
      for (const reason of plan.ineligible) {
        problems.push({ path: worker.path, message: `worker ${worker.workerId} is not eligible for level ${reason.level} of ${reason.dimension}: ${reason.reason}` });
      }
      if (plan.sessionIds.length === 0 && plan.ineligible.length === 0) {
        problems.push({ path: worker.path, message: `worker ${worker.workerId} already holds every level this cycle offers${check.upcomingOnly ? ' (in its sessions still to come)' : ''}` });
      }
      plans.set(worker.workerId, plan.sessionIds);
    }
    for (const id of plan.sessionIds) taking.set(id, (taking.get(id) ?? 0) + group.workers.length);
    const ordered = [...plan.sessionIds].sort((a, b) => span.get(a)!.start - span.get(b)!.start);
    for (let i = 0; i < ordered.length; i += 1) {
      for (let j = i + 1; j < ordered.length; j += 1) {
        const a = span.get(ordered[i]!)!;
        const b = span.get(ordered[j]!)!;
        if (b.start >= a.end) break;
        if (!overlaps(a, b)) continue;
        const key = [indexOf.get(ordered[i]!)!, indexOf.get(ordered[j]!)!].sort((x, y) => x - y).join(':');
        overlapWorkers.set(key, [...(overlapWorkers.get(key) ?? []), ...group.workers.map((w) => w.workerId)]);
      }
    }
  }

  for (const [key, workerIds] of overlapWorkers) {
    const [first, second] = key.split(':').map(Number) as [number, number];
    problems.push({
      path: `${sessionPath(second)}.startsAt`,
      message: `overlaps ${sessionPath(first)} for ${workerIds.length} worker(s) who take both: ${nameSome(workerIds.sort())}`,
    });
  }
  check.sessions.forEach((session, index) => {
    const count = taking.get(session.id) ?? 0;
    if (count > session.capacity) {
      problems.push({ path: `${sessionPath(index)}.capacity`, message: `${count} workers take this session; its capacity is ${session.capacity}` });
    }
  });
  return { problems, plans };
}

// ── what a ladder works from ─────────────────────────────────────────────────────────────────

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
