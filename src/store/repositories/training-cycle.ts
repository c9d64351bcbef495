import { type Kysely, sql } from 'kysely';
import { TEAM_POSITIONS, type CycleSession } from '../../domain/training-cycle.js';
import { promotionOutcome, type AssessmentRules, type Levels, type PromotionOutcome } from '../../domain/worker-ladder.js';
import type { ReminderPolicy } from '../../domain/reminders.js';
import type { AttendanceStatus } from '../../domain/types.js';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';

// Training cycles in the records store: the API writes a cycle with its sessions and enrolments at
// launch; the workflows' activities write attendance, assessments, promotions and the report. Every
// write is keyed by its business key, so a retried activity changes nothing the second time.

type Db = Kysely<Database>;
type EnrolmentStatus = 'enrolled' | 'withdrawn' | 'completed' | 'cancelled';

/** What training_cycles.definition holds: the launch request, normalised to milliseconds. */
export interface CycleDefinition {
  name: string;
  cohort: { stationIds: string[]; workerIds: string[] };
  sessions: CycleSession[];
  rules: AssessmentRules;
  reminderPolicy: ReminderPolicy;
  fanOut: { window: number; childrenPerRun: number; pageSize: number };
  /** The worker behind the launching token, who hears coaching flags for workers without a station lead. */
  supervisorId: string | null;
}

export interface NewEnrolment {
  workerId: string;
  sessionIds: string[];
  levels: Levels;
}

const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

export interface NewCycle {
  id: string;
  orgUnitId: string;
  createdBy: string;
  definition: CycleDefinition;
  enrolments: NewEnrolment[];
}

/**
 * Writes a launched cycle — the cycle, its sessions, one enrolment per worker — and its audit
 * entry in one transaction that commits before the workflow starts, so the workflow's first read
 * always finds them. Returns false, writing nothing, when a cycle with this id exists.
 */
export async function insertLaunchedCycle(db: Db, cycle: NewCycle, audit: AuditEntry): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('training_cycles').values({
      id: cycle.id,
      org_unit_id: cycle.orgUnitId,
      name: cycle.definition.name,
      status: 'running',
      definition: JSON.stringify(cycle.definition),
      created_by: cycle.createdBy,
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) return false;
    await trx.insertInto('sessions').values(cycle.definition.sessions.map((session) => ({
      id: session.id,
      cycle_id: cycle.id,
      dimension_key: session.dimension,
      level: session.level,
      starts_at: session.startsAt,
      ends_at: session.endsAt,
      place: session.place,
      trainer: session.trainer,
      capacity: session.capacity,
    }))).execute();
    for (const part of chunks(cycle.enrolments)) {
      await trx.insertInto('enrolments').values(part.map((enrolment) => ({
        cycle_id: cycle.id,
        worker_id: enrolment.workerId,
        status: 'enrolled' as const,
        coaching_flag: null,
        plan: JSON.stringify(enrolment.sessionIds),
        start_levels: JSON.stringify(enrolment.levels),
      }))).execute();
    }
    await recordAudit(trx, audit);
    return true;
  });
}

/**
 * Records that a launched cycle's workflow did not start: the cycle is cancelled with the reason
 * (by `system`) and its enrolments with it. A workflow that did start after all then finds no one
 * enrolled and ends at once, and the cycle stays cancelled.
 */
export async function recordCycleNotStarted(db: Db, cycleId: string, reason: string, at: Date): Promise<void> {
  await cancelCycleRecords(db, cycleId, reason, 'system', at);
}

/** Adds workers to a running cycle; a worker already enrolled keeps their row. Returns who was added. */
export async function addEnrolments(db: Db, cycleId: string, enrolments: NewEnrolment[]): Promise<string[]> {
  const added: string[] = [];
  for (const part of chunks(enrolments)) {
    if (part.length === 0) continue;
    const rows = await db.insertInto('enrolments').values(part.map((enrolment) => ({
      cycle_id: cycleId,
      worker_id: enrolment.workerId,
      status: 'enrolled' as const,
      coaching_flag: null,
      plan: JSON.stringify(enrolment.sessionIds),
      start_levels: JSON.stringify(enrolment.levels),
    }))).onConflict((oc) => oc.columns(['cycle_id', 'worker_id']).doNothing()).returning('worker_id').execute();
    added.push(...rows.map((row) => row.worker_id));
  }
  return added;
}

/** Marks enrolled workers withdrawn; returns the ones this call (or an earlier attempt) withdrew. */
export async function withdrawEnrolments(db: Db, cycleId: string, workerIds: string[], at: Date): Promise<string[]> {
  if (workerIds.length === 0) return [];
  await db.updateTable('enrolments').set({ status: 'withdrawn', withdrawn_at: at })
    .where('cycle_id', '=', cycleId).where('worker_id', 'in', workerIds).where('status', '=', 'enrolled').execute();
  const rows = await db.selectFrom('enrolments').select('worker_id')
    .where('cycle_id', '=', cycleId).where('worker_id', 'in', workerIds).where('status', '=', 'withdrawn').execute();
  return rows.map((row) => row.worker_id);
}

/**
 * One page of the launch cohort, in worker-id order. Workers added later (enrolled after the cycle
 * was created) are not in these pages: the cycle starts them from its own list.
 */
export async function cohortPage(db: Db, cycleId: string, after: string | null, limit: number): Promise<string[]> {
  let query = db.selectFrom('enrolments as e')
    .innerJoin('training_cycles as c', 'c.id', 'e.cycle_id')
    .select('e.worker_id')
    .where('e.cycle_id', '=', cycleId)
    .where('e.status', '=', 'enrolled')
    .where((eb) => eb('e.enrolled_at', '<=', eb.ref('c.created_at')))
    .orderBy('e.worker_id')
    .limit(limit);
  if (after !== null) query = query.where('e.worker_id', '>', after);
  return (await query.execute()).map((row) => row.worker_id);
}

export async function getCycleRow(db: Db, cycleId: string) {
  return db.selectFrom('training_cycles').selectAll().where('id', '=', cycleId).executeTakeFirst();
}

/**
 * What a ladder needs of its cycle, without the whole definition (whose cohort list grows with the
 * cohort: thousands of ladders reading it would parse it thousands of times).
 */
export async function ladderSettings(db: Db, cycleId: string) {
  return db.selectFrom('training_cycles')
    .select([
      'name',
      sql<AssessmentRules>`definition->'rules'`.as('rules'),
      sql<ReminderPolicy>`definition->'reminderPolicy'`.as('reminderPolicy'),
      sql<string | null>`definition->>'supervisorId'`.as('supervisorId'),
    ])
    .where('id', '=', cycleId).executeTakeFirst();
}

export async function getEnrolment(db: Db, cycleId: string, workerId: string) {
  return db.selectFrom('enrolments').selectAll().where('cycle_id', '=', cycleId).where('worker_id', '=', workerId).executeTakeFirst();
}

export async function listSessions(db: Db, cycleId: string) {
  return db.selectFrom('sessions').selectAll().where('cycle_id', '=', cycleId).orderBy('starts_at').orderBy('id').execute();
}

/** Whether an org unit exists. */
export async function orgUnitExists(db: Db, orgUnitId: string): Promise<boolean> {
  return (await db.selectFrom('org_units').select('id').where('id', '=', orgUnitId).executeTakeFirst()) !== undefined;
}

/** Which of these session ids are used already (by any cycle). */
export async function takenSessionIds(db: Db, sessionIds: string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db.selectFrom('sessions').select('id').where('id', 'in', sessionIds).execute();
  return new Set(rows.map((row) => row.id));
}

/** A station named by its community id or its own id: its community and status. */
export async function findStation(db: Db, stationOrCommunityId: string) {
  return db.selectFrom('stations').select(['community_id', 'status'])
    .where((eb) => eb.or([eb('community_id', '=', stationOrCommunityId), eb('id', '=', stationOrCommunityId)])).executeTakeFirst();
}

/** The active members of a station's social-work team (a cohort by station takes these), by id. */
export async function stationTeam(db: Db, communityId: string): Promise<string[]> {
  const rows = await db.selectFrom('workers').select('id')
    .where('community_id', '=', communityId).where('active', '=', true).where('position', 'in', [...TEAM_POSITIONS])
    .orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** Workers a cohort lists, with what launch validation checks of them. */
export async function cohortCandidates(db: Db, workerIds: string[]) {
  if (workerIds.length === 0) return [];
  return db.selectFrom('workers').select(['id', 'active', 'org_unit_id', 'community_id']).where('id', 'in', workerIds).execute();
}

/** The enrolment status of each of these workers in a cycle (workers not in it are missing). */
export async function enrolmentStatuses(db: Db, cycleId: string, workerIds: string[]): Promise<Map<string, EnrolmentStatus>> {
  if (workerIds.length === 0) return new Map();
  const rows = await db.selectFrom('enrolments').select(['worker_id', 'status'])
    .where('cycle_id', '=', cycleId).where('worker_id', 'in', workerIds).execute();
  return new Map(rows.map((row) => [row.worker_id, row.status]));
}

/** A worker's enrolment in a cycle with where the worker belongs (for who may record for them). */
export async function enrolmentWithWorker(db: Db, cycleId: string, workerId: string) {
  return db.selectFrom('enrolments as e').innerJoin('workers as w', 'w.id', 'e.worker_id')
    .select(['e.worker_id', 'e.status', 'e.plan', 'w.community_id', 'w.org_unit_id'])
    .where('e.cycle_id', '=', cycleId).where('e.worker_id', '=', workerId).executeTakeFirst();
}

/** Whether any worker of these communities is in a cycle (a station lead sees such cycles). */
export async function cycleHasWorkerIn(db: Db, cycleId: string, communityIds: string[]): Promise<boolean> {
  if (communityIds.length === 0) return false;
  const row = await db.selectFrom('enrolments as e').innerJoin('workers as w', 'w.id', 'e.worker_id')
    .select('e.worker_id').where('e.cycle_id', '=', cycleId).where('w.community_id', 'in', communityIds).executeTakeFirst();
  return row !== undefined;
}

/** What a ladder shows of its worker: the name for notices and the community for the station lead. */
export async function ladderWorker(db: Db, workerId: string) {
  return db.selectFrom('workers').select(['id', 'name', 'community_id']).where('id', '=', workerId).executeTakeFirst();
}

/** The sessions of a worker's plan in a cycle, as they stand now, in time order. */
export async function planSessions(db: Db, cycleId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return db.selectFrom('sessions').selectAll().where('cycle_id', '=', cycleId).where('id', 'in', sessionIds).orderBy('starts_at').execute();
}

/** The station lead of a community (the first by id when there are several). */
export async function stationLeadOf(db: Db, communityId: string | null): Promise<string | null> {
  if (!communityId) return null;
  const row = await db.selectFrom('workers').select('id')
    .where('community_id', '=', communityId).where('position', '=', 'station_lead').where('active', '=', true)
    .orderBy('id').executeTakeFirst();
  return row?.id ?? null;
}

/** Upserts one attendance record by its key (session, worker): a correction replaces the status. */
export async function upsertAttendance(db: Db, input: { sessionId: string; workerId: string; status: AttendanceStatus; recordedBy: string; at: Date }): Promise<void> {
  await db.insertInto('attendance').values({
    session_id: input.sessionId, worker_id: input.workerId, status: input.status, recorded_by: input.recordedBy, recorded_at: input.at,
  }).onConflict((oc) => oc.columns(['session_id', 'worker_id']).doUpdateSet({ status: input.status, recorded_by: input.recordedBy, recorded_at: input.at }))
    .execute();
}

export interface AssessmentRecord {
  cycleId: string;
  workerId: string;
  dimension: string;
  level: number;
  attempt: number;
  score: number;
  passed: boolean;
  assessor: string;
}

/** Inserts an assessment attempt once; a retry finds the row and returns what it holds. */
export async function insertAssessment(db: Db, input: AssessmentRecord): Promise<AssessmentRecord> {
  await db.insertInto('assessments').values({
    cycle_id: input.cycleId, worker_id: input.workerId, dimension_key: input.dimension, level: input.level,
    attempt: input.attempt, score: input.score, passed: input.passed, assessor: input.assessor,
  }).onConflict((oc) => oc.columns(['cycle_id', 'worker_id', 'dimension_key', 'level', 'attempt']).doNothing()).execute();
  const row = await db.selectFrom('assessments').selectAll()
    .where('cycle_id', '=', input.cycleId).where('worker_id', '=', input.workerId)
    .where('dimension_key', '=', input.dimension).where('level', '=', input.level).where('attempt', '=', input.attempt)
    .executeTakeFirstOrThrow();
  return { ...input, score: Number(row.score), passed: row.passed, assessor: row.assessor };
}

/**
 * Records a pass in worker_levels under the ladder rule: level N+1 only over level N. Returns what
 * happened: promoted, already at or above the level, or refused (a level would be skipped).
 */
export async function promoteWorker(db: Db, input: { workerId: string; dimension: string; level: number; cycleId: string; at: Date }): Promise<{ outcome: PromotionOutcome | 'promoted'; level: number }> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('worker_levels').select('level')
      .where('worker_id', '=', input.workerId).where('dimension_key', '=', input.dimension).forUpdate().executeTakeFirst();
    const currentLevel = current?.level ?? 0;
    const outcome = promotionOutcome(currentLevel, input.level);
    if (outcome !== 'promote') return { outcome, level: currentLevel };
    await trx.insertInto('worker_levels').values({
      worker_id: input.workerId, dimension_key: input.dimension, level: input.level, passed_at: input.at, cycle_id: input.cycleId,
    }).onConflict((oc) => oc.columns(['worker_id', 'dimension_key']).doUpdateSet({ level: input.level, passed_at: input.at, cycle_id: input.cycleId }))
      .execute();
    return { outcome: 'promoted', level: input.level };
  });
}

/** Sets the coaching flag once; the first reason stays. Returns the flag the row holds. */
export async function flagForCoaching(db: Db, cycleId: string, workerId: string, reason: string): Promise<string | null> {
  await db.updateTable('enrolments').set({ coaching_flag: reason })
    .where('cycle_id', '=', cycleId).where('worker_id', '=', workerId).where('coaching_flag', 'is', null).execute();
  return (await getEnrolment(db, cycleId, workerId))?.coaching_flag ?? null;
}

/** Ends an enrolment: an enrolled row becomes completed (or the given end); withdrawn and cancelled rows stay. */
export async function closeEnrolment(db: Db, cycleId: string, workerId: string, status: 'completed' | 'withdrawn' | 'cancelled', at: Date): Promise<void> {
  await db.updateTable('enrolments')
    .set({ status, finished_at: at, ...(status === 'withdrawn' ? { withdrawn_at: at } : {}) })
    .where('cycle_id', '=', cycleId).where('worker_id', '=', workerId).where('status', '=', 'enrolled').execute();
  await db.updateTable('enrolments').set({ finished_at: at })
    .where('cycle_id', '=', cycleId).where('worker_id', '=', workerId).where('finished_at', 'is', null).execute();
}

/** Records a cycle's cancellation: the cycle and every open enrolment. */
export async function cancelCycleRecords(db: Db, cycleId: string, reason: string, by: string, at: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('training_cycles').set({ status: 'cancelled', cancel_reason: reason, cancelled_by: by, ended_at: at })
      .where('id', '=', cycleId).where('status', '=', 'running').execute();
    await trx.updateTable('enrolments').set({ status: 'cancelled', finished_at: at })
      .where('cycle_id', '=', cycleId).where('status', '=', 'enrolled').execute();
  });
}

/** Moves or cancels a session; returns its row as it now stands. */
export async function changeSession(db: Db, input: { cycleId: string; sessionId: string; action: 'move' | 'cancel' | 'restore'; startsAt?: string; endsAt?: string; place?: string; reason: string | null; at: Date }) {
  const change = { changed_at: input.at, change_reason: input.reason };
  // A restored session goes back to scheduled at the time it had; its reason replaces the cancellation's.
  const update = input.action === 'cancel' ? { ...change, status: 'cancelled' as const }
    : input.action === 'restore' ? { ...change, status: 'scheduled' as const }
      : {
        ...change, status: 'moved' as const,
        ...(input.startsAt ? { starts_at: input.startsAt } : {}),
        ...(input.endsAt ? { ends_at: input.endsAt } : {}),
        ...(input.place ? { place: input.place } : {}),
      };
  await db.updateTable('sessions').set(update).where('id', '=', input.sessionId).where('cycle_id', '=', input.cycleId).execute();
  return db.selectFrom('sessions').selectAll().where('id', '=', input.sessionId).where('cycle_id', '=', input.cycleId).executeTakeFirstOrThrow();
}

/** Enrolled workers whose plan includes a session. */
export async function workersTakingSession(db: Db, cycleId: string, sessionId: string, statuses: Array<'enrolled' | 'completed' | 'withdrawn' | 'cancelled'> = ['enrolled']): Promise<string[]> {
  const rows = await db.selectFrom('enrolments').select('worker_id')
    .where('cycle_id', '=', cycleId).where('status', 'in', statuses)
    .where(sql<boolean>`plan @> ${JSON.stringify([sessionId])}::jsonb`)
    .orderBy('worker_id').execute();
  return rows.map((row) => row.worker_id);
}

export async function workersWithStatus(db: Db, cycleId: string, statuses: Array<'enrolled' | 'completed' | 'withdrawn' | 'cancelled'>): Promise<string[]> {
  const rows = await db.selectFrom('enrolments').select('worker_id')
    .where('cycle_id', '=', cycleId).where('status', 'in', statuses).orderBy('worker_id').execute();
  return rows.map((row) => row.worker_id);
}

/** How many enrolled workers take each session of a cycle (for capacity on late additions). */
export async function sessionTakers(db: Db, cycleId: string): Promise<Record<string, number>> {
  const result = await sql<{ session_id: string; n: string | number }>`
    SELECT s.value AS session_id, count(*) AS n
    FROM enrolments e, jsonb_array_elements_text(e.plan) AS s(value)
    WHERE e.cycle_id = ${cycleId} AND e.status IN ('enrolled', 'completed')
    GROUP BY s.value`.execute(db);
  return Object.fromEntries(result.rows.map((row) => [row.session_id, Number(row.n)]));
}

/** Current levels of workers in every dimension they have one in. */
export async function levelsOf(db: Db, workerIds: string[]): Promise<Map<string, Levels>> {
  const levels = new Map<string, Levels>(workerIds.map((id) => [id, {}]));
  for (const part of chunks(workerIds, 1000)) {
    if (part.length === 0) continue;
    const rows = await db.selectFrom('worker_levels').select(['worker_id', 'dimension_key', 'level']).where('worker_id', 'in', part).execute();
    for (const row of rows) levels.get(row.worker_id)![row.dimension_key] = row.level;
  }
  return levels;
}

/** The dimension catalog: key → its levels. */
export async function catalogLevels(db: Db): Promise<Record<string, number[]>> {
  const rows = await db.selectFrom('levels').select(['dimension_key', 'level']).orderBy('dimension_key').orderBy('level').execute();
  const catalog: Record<string, number[]> = {};
  for (const row of rows) (catalog[row.dimension_key] ??= []).push(row.level);
  return catalog;
}

// ── reading progress and the report ─────────────────────────────────────────────────────────

export interface RateFigures {
  attendance: { present: number; late: number; excused: number; absent: number; rate: number | null };
  assessed: number;
  passed: number;
  passRate: number | null;
  promotions: number;
}

export interface CycleReport extends RateFigures {
  cycleId: string;
  status: 'completed' | 'cancelled';
  generatedAt: string;
  participants: { enrolled: number; completed: number; withdrawn: number; cancelled: number; coachingFlags: number };
  retakes: number;
  byDimension: Array<RateFigures & { dimension: string }>;
  byStation: Array<RateFigures & { communityId: string | null; workers: number }>;
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

function emptyFigures(): RateFigures {
  return { attendance: { present: 0, late: 0, excused: 0, absent: 0, rate: null }, assessed: 0, passed: 0, passRate: null, promotions: 0 };
}

function settle(figures: RateFigures): RateFigures {
  const a = figures.attendance;
  a.rate = rate(a.present + a.late, a.present + a.late + a.absent);
  figures.passRate = rate(figures.passed, figures.assessed);
  return figures;
}

/**
 * The cycle's figures from the records store: attendance rate ((present + late) / (present + late
 * + absent); excused left out), pass rate (levels passed / levels assessed, a retake pass counts)
 * and promotions (passes that raised the worker's level), per dimension and per station.
 */
export async function computeReport(db: Db, cycleId: string, status: 'completed' | 'cancelled', at: Date): Promise<CycleReport> {
  const attendance = await db.selectFrom('attendance as a')
    .innerJoin('sessions as s', 's.id', 'a.session_id')
    .innerJoin('workers as w', 'w.id', 'a.worker_id')
    .select(['s.dimension_key', 'w.community_id', 'a.status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('s.cycle_id', '=', cycleId)
    .groupBy(['s.dimension_key', 'w.community_id', 'a.status'])
    .execute();
  const tracks = await sql<{ dimension_key: string; community_id: string | null; passed: boolean; attempts: number; promoted: boolean }>`
    SELECT a.dimension_key, w.community_id, bool_or(a.passed) AS passed, max(a.attempt) AS attempts,
           bool_or(a.passed AND coalesce(wl.level, 0) >= a.level) AS promoted
    FROM assessments a
    JOIN workers w ON w.id = a.worker_id
    LEFT JOIN worker_levels wl ON wl.worker_id = a.worker_id AND wl.dimension_key = a.dimension_key
    WHERE a.cycle_id = ${cycleId}
    GROUP BY a.worker_id, a.dimension_key, a.level, w.community_id`.execute(db);
  const enrolments = await db.selectFrom('enrolments as e')
    .innerJoin('workers as w', 'w.id', 'e.worker_id')
    .select(['w.community_id', 'e.status', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.count<string>('e.coaching_flag').as('flags')])
    .where('e.cycle_id', '=', cycleId)
    .groupBy(['w.community_id', 'e.status'])
    .execute();

  const total = emptyFigures();
  const byDimension = new Map<string, RateFigures>();
  const byStation = new Map<string | null, RateFigures & { workers: number }>();
  const station = (id: string | null) => {
    let figures = byStation.get(id);
    if (!figures) {
      figures = { ...emptyFigures(), workers: 0 };
      byStation.set(id, figures);
    }
    return figures;
  };
  const dimension = (key: string) => {
    let figures = byDimension.get(key);
    if (!figures) {
      figures = emptyFigures();
      byDimension.set(key, figures);
    }
    return figures;
  };
  for (const row of attendance) {
    const n = Number(row.n);
    for (const figures of [total, dimension(row.dimension_key), station(row.community_id)]) figures.attendance[row.status] += n;
  }
  let retakes = 0;
  for (const row of tracks.rows) {
    if (Number(row.attempts) > 1) retakes += 1;
    for (const figures of [total, dimension(row.dimension_key), station(row.community_id)]) {
      figures.assessed += 1;
      if (row.passed) figures.passed += 1;
      if (row.promoted) figures.promotions += 1;
    }
  }
  const participants = { enrolled: 0, completed: 0, withdrawn: 0, cancelled: 0, coachingFlags: 0 };
  for (const row of enrolments) {
    const n = Number(row.n);
    participants.enrolled += n;
    participants.coachingFlags += Number(row.flags);
    if (row.status !== 'enrolled') participants[row.status] += n;
    station(row.community_id).workers += n;
  }
  return {
    cycleId,
    status,
    generatedAt: at.toISOString(),
    ...settle(total),
    participants,
    retakes,
    byDimension: [...byDimension.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, figures]) => ({ dimension: key, ...settle(figures) })),
    byStation: [...byStation.entries()].sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1)).map(([id, figures]) => ({ communityId: id, ...settle(figures), workers: figures.workers })),
  };
}

/**
 * Writes the report and closes the cycle. A cancelled cycle keeps its cancellation record and its
 * status (one whose workflow was recorded as not started, then started after all, stays cancelled).
 */
export async function finishCycle(db: Db, cycleId: string, status: 'completed' | 'cancelled', at: Date): Promise<CycleReport> {
  const current = await db.selectFrom('training_cycles').select('status').where('id', '=', cycleId).executeTakeFirst();
  const final = current?.status === 'cancelled' ? 'cancelled' : status;
  const report = await computeReport(db, cycleId, final, at);
  await db.updateTable('training_cycles')
    .set({ report: JSON.stringify(report), status: final, ended_at: sql`coalesce(ended_at, ${at})` })
    .where('id', '=', cycleId).execute();
  return report;
}

export interface CycleSummary {
  id: string;
  orgUnitId: string;
  name: string;
  status: 'running' | 'completed' | 'cancelled';
  createdBy: string | null;
  createdAt: string;
  endedAt: string | null;
  sessions: number;
  participants: number;
  /** When the first session (not cancelled) starts and the last one ends; null without one. */
  firstSessionAt: string | null;
  lastSessionEndsAt: string | null;
  /** From the report written when the cycle ended: levels passed / assessed per dimension (null while running). */
  passRateByDimension: Array<{ dimension: string; passRate: number | null }> | null;
}

export async function listCycles(db: Db, filter: { orgUnitIds?: string[]; workerId?: string; status?: string; limit: number; offset: number }): Promise<CycleSummary[]> {
  let query = db.selectFrom('training_cycles as c')
    .select(['c.id', 'c.org_unit_id', 'c.name', 'c.status', 'c.created_by', 'c.created_at', 'c.ended_at',
      // Only the report's per-dimension figures: the rest of it stays out of a list.
      sql<CycleReport['byDimension'] | null>`c.report -> 'byDimension'`.as('by_dimension'),
      (eb) => eb.selectFrom('sessions').select((e) => e.fn.countAll<string>().as('n')).whereRef('sessions.cycle_id', '=', 'c.id').as('sessions'),
      (eb) => eb.selectFrom('enrolments').select((e) => e.fn.countAll<string>().as('n')).whereRef('enrolments.cycle_id', '=', 'c.id').as('participants'),
      (eb) => eb.selectFrom('sessions').select((e) => e.fn.min('starts_at').as('t')).whereRef('sessions.cycle_id', '=', 'c.id').where('status', '!=', 'cancelled').as('first_session_at'),
      (eb) => eb.selectFrom('sessions').select((e) => e.fn.max('ends_at').as('t')).whereRef('sessions.cycle_id', '=', 'c.id').where('status', '!=', 'cancelled').as('last_session_ends_at'),
    ])
    .orderBy('c.created_at', 'desc').orderBy('c.id')
    .limit(filter.limit).offset(filter.offset);
  if (filter.orgUnitIds) {
    if (filter.orgUnitIds.length === 0) return [];
    query = query.where('c.org_unit_id', 'in', filter.orgUnitIds);
  }
  if (filter.workerId) {
    const workerId = filter.workerId;
    query = query.where((eb) => eb.exists(eb.selectFrom('enrolments').select('worker_id').whereRef('enrolments.cycle_id', '=', 'c.id').where('enrolments.worker_id', '=', workerId)));
  }
  if (filter.status) query = query.where('c.status', '=', filter.status as 'running');
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id, orgUnitId: row.org_unit_id, name: row.name, status: row.status, createdBy: row.created_by,
    createdAt: row.created_at.toISOString(), endedAt: row.ended_at?.toISOString() ?? null,
    sessions: Number(row.sessions ?? 0), participants: Number(row.participants ?? 0),
    firstSessionAt: instant(row.first_session_at), lastSessionEndsAt: instant(row.last_session_ends_at),
    passRateByDimension: row.by_dimension ? row.by_dimension.map((figures) => ({ dimension: figures.dimension, passRate: figures.passRate })) : null,
  }));
}

/** A timestamp from an aggregate (a Date, or a string on some drivers) as ISO, or null. */
function instant(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export interface ParticipantRow {
  workerId: string;
  name: string;
  communityId: string | null;
  status: 'enrolled' | 'withdrawn' | 'completed' | 'cancelled';
  coachingFlag: string | null;
  sessionIds: string[];
  enrolledAt: string;
  finishedAt: string | null;
}

/** Per-session and per-status counts of a cycle, and (for callers allowed personal data) its participants. */
export async function cycleProgress(db: Db, cycleId: string, options: { participantsIn?: string[] | 'all' | 'none'; workerId?: string }) {
  const sessions = await listSessions(db, cycleId);
  const attendance = await db.selectFrom('attendance as a').innerJoin('sessions as s', 's.id', 'a.session_id')
    .select(['a.session_id', 'a.status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('s.cycle_id', '=', cycleId).groupBy(['a.session_id', 'a.status']).execute();
  const takers = await sessionTakers(db, cycleId);
  const statuses = await db.selectFrom('enrolments').select(['status', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.count<string>('coaching_flag').as('flags')])
    .where('cycle_id', '=', cycleId).groupBy('status').execute();
  const assessments = await sql<{ passed: boolean; attempts: number }>`
    SELECT bool_or(passed) AS passed, max(attempt) AS attempts FROM assessments WHERE cycle_id = ${cycleId}
    GROUP BY worker_id, dimension_key, level`.execute(db);

  const counts = { enrolled: 0, completed: 0, withdrawn: 0, cancelled: 0, coachingFlags: 0 };
  for (const row of statuses) {
    counts[row.status] += Number(row.n);
    counts.coachingFlags += Number(row.flags);
  }
  let participants: ParticipantRow[] | undefined;
  if (options.participantsIn !== 'none' && options.participantsIn !== undefined) {
    let query = db.selectFrom('enrolments as e').innerJoin('workers as w', 'w.id', 'e.worker_id')
      .select(['e.worker_id', 'w.name', 'w.community_id', 'e.status', 'e.coaching_flag', 'e.plan', 'e.enrolled_at', 'e.finished_at'])
      .where('e.cycle_id', '=', cycleId).orderBy('e.worker_id');
    if (options.participantsIn !== 'all') {
      if (options.participantsIn.length === 0) query = query.where(sql<boolean>`false`);
      else query = query.where('w.community_id', 'in', options.participantsIn);
    }
    if (options.workerId) query = query.where('e.worker_id', '=', options.workerId);
    participants = (await query.execute()).map((row) => ({
      workerId: row.worker_id, name: row.name, communityId: row.community_id, status: row.status, coachingFlag: row.coaching_flag,
      sessionIds: row.plan, enrolledAt: row.enrolled_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
    }));
  }
  return {
    sessions: sessions.map((session) => {
      const tally = { present: 0, late: 0, excused: 0, absent: 0 };
      for (const row of attendance) if (row.session_id === session.id) tally[row.status] += Number(row.n);
      return {
        id: session.id, dimension: session.dimension_key, level: session.level,
        startsAt: session.starts_at.toISOString(), endsAt: session.ends_at.toISOString(),
        place: session.place, trainer: session.trainer, capacity: session.capacity, status: session.status,
        changeReason: session.change_reason, taking: takers[session.id] ?? 0, attendance: tally,
      };
    }),
    participants: counts,
    assessments: {
      assessed: assessments.rows.length,
      passed: assessments.rows.filter((row) => row.passed).length,
      retakes: assessments.rows.filter((row) => Number(row.attempts) > 1).length,
    },
    workers: participants,
  };
}

/** A worker's ladder across every dimension of the catalog, with this worker's training records. */
export async function workerLadder(db: Db, workerId: string) {
  const dimensions = await db.selectFrom('dimensions').selectAll().orderBy('sort_order').execute();
  const levels = await db.selectFrom('levels').selectAll().orderBy('dimension_key').orderBy('level').execute();
  const held = await db.selectFrom('worker_levels').selectAll().where('worker_id', '=', workerId).execute();
  const assessments = await db.selectFrom('assessments').selectAll().where('worker_id', '=', workerId)
    .orderBy('assessed_at').orderBy('attempt').execute();
  const enrolments = await db.selectFrom('enrolments as e').innerJoin('training_cycles as c', 'c.id', 'e.cycle_id')
    .select(['e.cycle_id', 'c.name', 'c.status as cycle_status', 'e.status', 'e.coaching_flag', 'e.enrolled_at', 'e.finished_at'])
    .where('e.worker_id', '=', workerId).orderBy('e.enrolled_at', 'desc').execute();
  return {
    workerId,
    dimensions: dimensions.map((dimension) => {
      const mine = held.find((row) => row.dimension_key === dimension.key);
      const level = mine?.level ?? 0;
      const catalog = levels.filter((row) => row.dimension_key === dimension.key);
      const next = catalog.find((row) => row.level === level + 1);
      return {
        key: dimension.key,
        name: { zh: dimension.name_zh, en: dimension.name_en },
        level,
        passedAt: mine ? mine.passed_at.toISOString() : null,
        cycleId: mine?.cycle_id ?? null,
        nextLevel: next ? next.level : null,
        levels: catalog.map((row) => ({ level: row.level, name: { zh: row.name_zh, en: row.name_en }, passed: row.level <= level })),
        assessments: assessments.filter((row) => row.dimension_key === dimension.key).map((row) => ({
          cycleId: row.cycle_id, level: row.level, attempt: row.attempt, score: Number(row.score), passed: row.passed,
          assessor: row.assessor, assessedAt: row.assessed_at.toISOString(),
        })),
      };
    }),
    enrolments: enrolments.map((row) => ({
      cycleId: row.cycle_id, cycleName: row.name, cycleStatus: row.cycle_status, status: row.status, coachingFlag: row.coaching_flag,
      enrolledAt: row.enrolled_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
    })),
  };
}
