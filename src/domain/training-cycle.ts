import { ErrorType } from './errors.js';
import type { LadderEnd, Levels, Rejection } from './worker-ladder.js';

// A training cycle as pure rules: the checks a cycle passes before it starts (and a late addition
// before it joins), and the bookkeeping the trainingCycle workflow drives — who is pending,
// running and finished, the sliding window of starts, what one run hands the next, the
// validators of its updates and its progress view. Time is always a parameter; no I/O.

/** Positions that make up a station's social-work team (a cohort by station takes these). */
export const TEAM_POSITIONS = ['social_worker', 'station_lead'] as const;

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

/** A problem found by validation: where in the request, and what is wrong. */
export interface Problem {
  path: string;
  message: string;
  /** A stable code (FIELD_PROBLEM_CODES in error-reasons.ts) and the values to phrase it with. */
  code?: string;
  values?: Record<string, unknown>;
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
    if (!levels) problems.push({ path: `${path}.dimension`, message: `unknown dimension ${session.dimension}`, code: 'dimension_unknown', values: { dimension: session.dimension } });
    else if (!levels.includes(session.level)) problems.push({ path: `${path}.level`, message: `${session.dimension} has no level ${session.level} (levels: ${levels.join(', ')})`, code: 'level_unknown', values: { dimension: session.dimension, level: session.level, levels } });
    if (Number.isNaN(start)) problems.push({ path: `${path}.startsAt`, message: 'not a valid instant', code: 'instant_invalid' });
    if (Number.isNaN(end)) problems.push({ path: `${path}.endsAt`, message: 'not a valid instant', code: 'instant_invalid' });
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) problems.push({ path: `${path}.endsAt`, message: 'must be after startsAt', code: 'ends_before_start' });
    if (!upcomingOnly && !Number.isNaN(start) && start <= now) problems.push({ path: `${path}.startsAt`, message: 'is in the past', code: 'starts_in_past', values: { startsAt: session.startsAt } });
    const first = seen.get(session.id);
    if (first !== undefined) problems.push({ path: `${path}.id`, message: `duplicates ${sessionPath(first)}.id (${session.id})`, code: 'session_id_duplicate', values: { sessionId: session.id } });
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
        code: 'level_before_previous',
        values: { dimension: session.dimension, level: session.level, previousLevel: session.level - 1, sessionId: before[0]!.other.id },
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
        problems.push({ path: worker.path, message: `worker ${worker.workerId} is not eligible for level ${reason.level} of ${reason.dimension}: ${reason.reason}`, code: 'worker_not_eligible', values: { workerId: worker.workerId, level: reason.level, dimension: reason.dimension } });
      }
      if (plan.sessionIds.length === 0 && plan.ineligible.length === 0) {
        problems.push({ path: worker.path, message: `worker ${worker.workerId} already holds every level this cycle offers${check.upcomingOnly ? ' (in its sessions still to come)' : ''}`, code: 'worker_holds_every_level', values: { workerId: worker.workerId } });
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
      code: 'sessions_overlap',
      values: { sessionId: check.sessions[first]?.id, count: workerIds.length, workerIds: workerIds.slice(0, MAX_NAMED) },
    });
  }
  check.sessions.forEach((session, index) => {
    const count = taking.get(session.id) ?? 0;
    if (count > session.capacity) {
      problems.push({ path: `${sessionPath(index)}.capacity`, message: `${count} workers take this session; its capacity is ${session.capacity}`, code: 'session_over_capacity', values: { count, capacity: session.capacity } });
    }
  });
  return { problems, plans };
}


// ── moving a session ─────────────────────────────────────────────────────────────────────────

/** A session of the cycle as a move is checked against it: instants in epoch ms. */
export interface SessionSpan {
  id: string;
  dimension: string;
  level: number;
  start: number;
  end: number;
}

/**
 * Every problem with moving `session` to [start, end): not in the past, after the ladder's previous
 * level and before its next one, and no overlap for a worker who takes both (`takersOf` gives the
 * workers of each other session that overlaps the new time).
 */
export function checkSessionMove(input: {
  session: SessionSpan;
  /** The cycle's other sessions that are not cancelled. */
  others: SessionSpan[];
  start: number;
  end: number;
  now: number;
  /** Workers taking the moved session. */
  takers: ReadonlySet<string>;
  /** Workers taking each other session that overlaps the new time. */
  takersOf: ReadonlyMap<string, readonly string[]>;
}): Problem[] {
  const { session, others, start, end, now } = input;
  const problems: Problem[] = [];
  if (end <= start) problems.push({ path: 'body.endsAt', message: 'must be after startsAt', code: 'ends_before_start' });
  if (start <= now) problems.push({ path: 'body.startsAt', message: 'is in the past', code: 'starts_in_past' });
  for (const other of others.filter((row) => row.dimension === session.dimension)) {
    if (other.level === session.level - 1 && other.end > start) {
      problems.push({ path: 'body.startsAt', message: `level ${session.level} would start before level ${other.level} session ${other.id} ends`, code: 'level_before_previous', values: { level: session.level, previousLevel: other.level, sessionId: other.id } });
    }
    if (other.level === session.level + 1 && other.start < end) {
      problems.push({ path: 'body.endsAt', message: `level ${session.level} would end after level ${other.level} session ${other.id} starts`, code: 'level_after_next', values: { level: session.level, nextLevel: other.level, sessionId: other.id } });
    }
  }
  for (const other of sessionsOverlapping(others, start, end)) {
    const both = (input.takersOf.get(other.id) ?? []).filter((id) => input.takers.has(id));
    if (both.length > 0) problems.push({ path: 'body.startsAt', message: `overlaps session ${other.id} for ${both.length} worker(s) who take both: ${both.slice(0, MAX_NAMED).join(', ')}`, code: 'sessions_overlap', values: { sessionId: other.id, count: both.length, workerIds: both.slice(0, MAX_NAMED) } });
  }
  return problems;
}

/** The sessions among `others` that overlap [start, end). */
export function sessionsOverlapping(others: SessionSpan[], start: number, end: number): SessionSpan[] {
  return others.filter((other) => overlaps({ start, end }, { start: other.start, end: other.end }));
}

// ── the workflow's types (re-exported by workflows/training-cycle.messages.ts) ────────────────

/** How the cycle starts its children; every knob explicit so a benchmark can state them. */
export interface CycleFanOut {
  /** Child starts in flight at once (a sliding window). */
  window: number;
  /** Children one run starts before it continues as new (keeps pending children well under 2,000). */
  childrenPerRun: number;
  /** Workers read from the records store per page. */
  pageSize: number;
}

// A window of 50 starts ladders as fast as a dev server records them (bench/RESULTS.md) with
// smaller bursts of ladder work than a wider one.
export const DEFAULT_FAN_OUT: CycleFanOut = { window: 50, childrenPerRun: 500, pageSize: 200 };

/** What one run of trainingCycle hands the next through continue-as-new. */
export interface TrainingCycleCarry {
  /** The last worker id read from the launch cohort (pages are read in worker-id order). */
  cursor: string | null;
  /** Every page of the launch cohort has been read. */
  exhausted: boolean;
  /** Read, or added while running, and not yet started. */
  pending: string[];
  /** Started ladders that have not reported their end. */
  running: string[];
  started: number;
  finished: number;
  runs: number;
  cancelled: { reason: string; by: string } | null;
}

export interface TrainingCycleResult {
  cycleId: string;
  status: 'completed' | 'cancelled';
  started: number;
  finished: number;
  runs: number;
}

export interface TrainingCycleProgress {
  cycleId: string;
  status: 'running' | 'closing' | 'cancelled';
  started: number;
  running: number;
  finished: number;
  pending: number;
  exhausted: boolean;
  inFlight: number;
  /** Runs so far, this one included (continue-as-new starts a new run). */
  runs: number;
  historyLength: number;
}

/** A worker added while the cycle runs, with the sessions validation gave them. */
export interface CycleAddition {
  workerId: string;
  sessionIds: string[];
  levels: Record<string, number>;
}

export interface ParticipantChangeResult {
  added: string[];
  withdrawn: string[];
}

export interface LadderFinished {
  workerId: string;
  status: LadderEnd;
}

// ── the cycle's bookkeeping ──────────────────────────────────────────────────────────────────

export const FRESH_CARRY: TrainingCycleCarry = { cursor: null, exhausted: false, pending: [], running: [], started: 0, finished: 0, runs: 0, cancelled: null };

/** What the fan-out does with the next worker: skip (already running), start, or hand over to the next run. */
export type Admission = 'skip' | 'start' | 'hand_over';

/**
 * One run of a training cycle: the launch cohort read a page at a time, the ladders started and
 * running, the window of starts in flight, and what this run hands the next. The workflow owns
 * the activities, child starts and timers; this holds what they decide on.
 */
export class CycleMachine {
  readonly running: Set<string>;
  readonly pending: string[];
  cursor: string | null;
  exhausted: boolean;
  started: number;
  finished: number;
  cancelled: { reason: string; by: string } | null;
  /** Runs so far, this one included. */
  readonly runs: number;
  startedThisRun = 0;
  /** Child starts not yet acknowledged. */
  inFlight = 0;
  /** Every ladder has ended and the cycle is finishing: changes are refused. */
  closing = false;

  constructor(readonly cycleId: string, carry: TrainingCycleCarry = FRESH_CARRY) {
    this.running = new Set(carry.running);
    this.pending = [...carry.pending];
    this.cursor = carry.cursor;
    this.exhausted = carry.exhausted;
    this.started = carry.started;
    this.finished = carry.finished;
    this.cancelled = carry.cancelled;
    this.runs = carry.runs + 1;
  }

  /** A ladder reported its end (or never started): it no longer holds the cycle open. */
  ladderFinished(workerId: string): void {
    if (this.running.delete(workerId)) this.finished += 1;
  }

  /** Why a participant or session change, or a cancellation, is refused now; null when it may run. */
  refuseChange(): Rejection | null {
    const values = { cycleId: this.cycleId };
    if (this.cancelled) return { type: ErrorType.Conflict, reason: 'cycle_cancelled', message: 'the training cycle is cancelled', values };
    if (this.closing) return { type: ErrorType.Conflict, reason: 'cycle_closing', message: 'the training cycle is closing: every ladder has ended', values };
    return null;
  }

  /** The store took a participant change: queue the added, unqueue the withdrawn; returns the withdrawn whose ladders run. */
  participantsChanged(result: ParticipantChangeResult): string[] {
    for (const workerId of result.added) {
      if (!this.running.has(workerId) && !this.pending.includes(workerId)) this.pending.push(workerId);
    }
    const withdrawnRunning: string[] = [];
    for (const workerId of result.withdrawn) {
      const queued = this.pending.indexOf(workerId);
      if (queued >= 0) this.pending.splice(queued, 1);
      if (this.running.has(workerId)) withdrawnRunning.push(workerId);
    }
    return withdrawnRunning;
  }

  cancel(request: { reason: string; by: string }): void {
    this.cancelled = { reason: request.reason, by: request.by };
  }

  /** No worker is queued and the launch cohort has more pages. */
  needsPage(): boolean {
    return this.pending.length === 0 && !this.exhausted;
  }

  /** A page of the launch cohort: a short page is the last. */
  acceptPage(workerIds: string[], pageSize: number): void {
    if (workerIds.length < pageSize) this.exhausted = true;
    if (workerIds.length > 0) this.cursor = workerIds[workerIds.length - 1]!;
    this.pending.push(...workerIds.filter((id) => !this.running.has(id)));
  }

  takeNext(): string | undefined {
    return this.pending.shift();
  }

  /**
   * Whether to start a worker's ladder now. A run that has used its share, or whose history asks
   * to continue as new, hands over only when someone is left to start: the next run begins with
   * this worker.
   */
  admit(workerId: string, childrenPerRun: number, continueAsNewSuggested: boolean): Admission {
    if (this.running.has(workerId)) return 'skip';
    if (this.startedThisRun >= childrenPerRun || continueAsNewSuggested) {
      this.pending.unshift(workerId);
      return 'hand_over';
    }
    this.running.add(workerId);
    this.started += 1;
    this.startedThisRun += 1;
    this.inFlight += 1;
    return 'start';
  }

  /** A child start was acknowledged (or refused). */
  startSettled(): void {
    this.inFlight -= 1;
  }

  progress(historyLength: number): TrainingCycleProgress {
    return {
      cycleId: this.cycleId,
      status: this.cancelled ? 'cancelled' : this.closing ? 'closing' : 'running',
      started: this.started, running: this.running.size, finished: this.finished, pending: this.pending.length,
      exhausted: this.exhausted, inFlight: this.inFlight, runs: this.runs, historyLength,
    };
  }

  /** What the next run starts from. */
  carry(): TrainingCycleCarry {
    return {
      cursor: this.cursor, exhausted: this.exhausted, pending: this.pending, running: [...this.running].sort(),
      started: this.started, finished: this.finished, runs: this.runs, cancelled: this.cancelled,
    };
  }

  result(): TrainingCycleResult {
    return { cycleId: this.cycleId, status: this.cancelled ? 'cancelled' : 'completed', started: this.started, finished: this.finished, runs: this.runs };
  }
}
