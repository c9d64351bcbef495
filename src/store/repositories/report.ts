import { type Kysely, sql } from 'kysely';
import type { Database, ServiceKind } from '../database.js';
import { residentsServedBy } from './service-record.js';

// Aggregate figures for the summary report, the coverage view and the digest. Counts only: no
// person's identity leaves these functions, so viewers may read what they return.

export async function countCenters(db: Kysely<Database>, streetIds: string[]): Promise<number> {
  if (streetIds.length === 0) return 0;
  const row = await db.selectFrom('centers').select((eb) => eb.fn.countAll<string>().as('n')).where('street_id', 'in', streetIds).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface StationCounts {
  communities: number;
  operating: number;
  inRollout: number;
}

export async function stationCounts(db: Kysely<Database>, communityIds: string[]): Promise<StationCounts> {
  if (communityIds.length === 0) return { communities: 0, operating: 0, inRollout: 0 };
  const rows = await db.selectFrom('stations').select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('community_id', 'in', communityIds).groupBy('status').execute();
  const count = (status: string) => Number(rows.find((row) => row.status === status)?.n ?? 0);
  return { communities: communityIds.length, operating: count('operating'), inRollout: count('rollout') };
}

/** Operating stations that opened on or before a date (stations with no opening date count as opened before it). */
export async function operatingAsOf(db: Kysely<Database>, communityIds: string[], date: string): Promise<number> {
  if (communityIds.length === 0) return 0;
  const row = await db.selectFrom('stations').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('community_id', 'in', communityIds).where('status', '=', 'operating')
    .where((eb) => eb.or([eb('opened_on', 'is', null), eb('opened_on', '<=', date)]))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface ResidentsServed {
  total: number;
  newResidents: number;
  records: number;
  byTheme: Array<{ theme: string; name: { zh: string; en: string }; residentsServed: number; projects: number; records: number }>;
  byKind: Array<{ kind: ServiceKind; residentsServed: number; records: number }>;
  byStation: Array<{ communityId: string; name: { zh: string; en: string }; residentsServed: number; projects: number; records: number }>;
  /** By Asia/Shanghai calendar month of the service (YYYY-MM), oldest first; months with no record are left out. */
  byMonth: Array<{ month: string; residentsServed: number; records: number }>;
}

const SERVICE_KINDS: ServiceKind[] = ['casework', 'group', 'community'];

/**
 * Residents served, computed from the service records (by theme, kind, station and month), in
 * grouped SQL. `since` counts records served after that date only (the digest's week).
 */
export async function residentsServed(db: Kysely<Database>, communityIds: string[], options: { since?: string } = {}): Promise<ResidentsServed> {
  const [totals] = await residentsServedBy(db, communityIds, 'total', options);
  const themes = await db.selectFrom('themes').selectAll().orderBy('sort_order').execute();
  const byTheme = new Map((await residentsServedBy(db, communityIds, 'theme', options)).map((row) => [row.key, row]));
  const byKind = new Map((await residentsServedBy(db, communityIds, 'kind', options)).map((row) => [row.key, row]));
  const byCommunity = await residentsServedBy(db, communityIds, 'community', options);
  const names = byCommunity.length === 0 ? [] : await db.selectFrom('communities').select(['id', 'name_zh', 'name_en'])
    .where('id', 'in', byCommunity.map((row) => row.key)).execute();
  const nameOf = new Map(names.map((row) => [row.id, { zh: row.name_zh, en: row.name_en }]));
  return {
    total: totals?.residentsServed ?? 0,
    newResidents: totals?.newResidents ?? 0,
    records: totals?.records ?? 0,
    byTheme: themes.map((theme) => {
      const row = byTheme.get(theme.key);
      return { theme: theme.key, name: { zh: theme.name_zh, en: theme.name_en }, residentsServed: row?.residentsServed ?? 0, projects: row?.projects ?? 0, records: row?.records ?? 0 };
    }),
    byKind: SERVICE_KINDS.map((kind) => ({ kind, residentsServed: byKind.get(kind)?.residentsServed ?? 0, records: byKind.get(kind)?.records ?? 0 })),
    byStation: byCommunity
      .map((row) => ({ communityId: row.key, name: nameOf.get(row.key) ?? { zh: row.key, en: row.key }, residentsServed: row.residentsServed, projects: row.projects, records: row.records }))
      .sort((a, b) => b.residentsServed - a.residentsServed || a.communityId.localeCompare(b.communityId)),
    byMonth: (await residentsServedBy(db, communityIds, 'month', options)).map((row) => ({ month: row.key, residentsServed: row.residentsServed, records: row.records })),
  };
}

export interface PlansByStage {
  guide: number;
  support: number;
  supervise: number;
  completed: number;
  cancelled: number;
  paused: number;
  /** Operating stations with no plan at all. */
  notStarted: number;
}

/** Station plans by stage (the latest plan per community), from the plans table. */
export async function plansByStage(db: Kysely<Database>, communityIds: string[]): Promise<PlansByStage> {
  const result: PlansByStage = { guide: 0, support: 0, supervise: 0, completed: 0, cancelled: 0, paused: 0, notStarted: 0 };
  if (communityIds.length === 0) return result;
  const plans = await db.selectFrom('plans').select(['community_id', 'status', 'current_stage', 'created_at'])
    .where('community_id', 'in', communityIds).orderBy('created_at', 'desc').execute();
  const latest = new Map<string, (typeof plans)[number]>();
  for (const plan of plans) if (!latest.has(plan.community_id)) latest.set(plan.community_id, plan);
  for (const plan of latest.values()) {
    if (plan.status === 'completed' || plan.status === 'cancelled') result[plan.status] += 1;
    else {
      if (plan.status === 'paused') result.paused += 1;
      if (plan.current_stage) result[plan.current_stage] += 1;
    }
  }
  const operating = await db.selectFrom('stations').select('community_id')
    .where('community_id', 'in', communityIds).where('status', '=', 'operating').execute();
  result.notStarted = operating.filter((row) => !latest.has(row.community_id)).length;
  return result;
}

export interface TrainingCompletion {
  dimension: string;
  name: { zh: string; en: string };
  /** Active social workers and station leads in scope. */
  workers: number;
  /** Of them, how many have passed each level (a worker at level 2 has passed 1 and 2). */
  passedByLevel: Array<{ level: number; workers: number }>;
  /** Share of workers who have passed at least level 1, 0–1. */
  completionRate: number;
}

/** Training completion per dimension, from the ladder (worker_levels). */
export async function trainingCompletion(db: Kysely<Database>, orgUnitIds: string[]): Promise<TrainingCompletion[]> {
  const dimensions = await db.selectFrom('dimensions').selectAll().orderBy('sort_order').execute();
  const levels = await db.selectFrom('levels').select(['dimension_key', 'level']).execute();
  if (orgUnitIds.length === 0) return [];
  const workers = await db.selectFrom('workers').select('id')
    .where('org_unit_id', 'in', orgUnitIds).where('active', '=', true).where('position', 'in', ['social_worker', 'station_lead'])
    .execute();
  const workerIds = workers.map((w) => w.id);
  const passed = workerIds.length === 0 ? [] : await db.selectFrom('worker_levels').select(['dimension_key', 'level'])
    .where('worker_id', 'in', workerIds).where('level', '>=', 1).execute();
  return dimensions.map((dimension) => {
    const mine = passed.filter((row) => row.dimension_key === dimension.key);
    const dimensionLevels = levels.filter((l) => l.dimension_key === dimension.key).map((l) => l.level).sort((a, b) => a - b);
    return {
      dimension: dimension.key,
      name: { zh: dimension.name_zh, en: dimension.name_en },
      workers: workerIds.length,
      passedByLevel: dimensionLevels.map((level) => ({ level, workers: mine.filter((row) => row.level >= level).length })),
      completionRate: workerIds.length === 0 ? 0 : Math.round((mine.length / workerIds.length) * 1000) / 1000,
    };
  });
}

export interface OverdueTask {
  communityId: string;
  planId: string;
  taskId: string;
  title: { zh: string; en: string };
  dueAt: Date;
}

/** Plan tasks past due and not done, oldest first. */
export async function overdueTasks(db: Kysely<Database>, communityIds: string[], now: Date, limit = 20): Promise<{ count: number; oldest: OverdueTask[] }> {
  if (communityIds.length === 0) return { count: 0, oldest: [] };
  const base = db.selectFrom('plan_tasks as t').innerJoin('plans as p', 'p.id', 't.plan_id')
    .where('p.community_id', 'in', communityIds).where('p.status', 'in', ['running', 'paused'])
    .where('t.status', 'in', ['open', 'pending']).where('t.due_at', '<', now);
  const countRow = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const rows = await base.select(['p.community_id', 't.plan_id', 't.task_id', 't.title_zh', 't.title_en', 't.due_at'])
    .orderBy('t.due_at').limit(limit).execute();
  return {
    count: Number(countRow?.n ?? 0),
    oldest: rows.map((row) => ({ communityId: row.community_id, planId: row.plan_id, taskId: row.task_id, title: { zh: row.title_zh, en: row.title_en }, dueAt: row.due_at! })),
  };
}

/** The communities of one street, by id. */
export async function communityIdsInStreet(db: Kysely<Database>, streetId: string): Promise<string[]> {
  const rows = await db.selectFrom('communities').select('id').where('street_id', '=', streetId).orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** The streets the given communities belong to, by id. */
export async function streetIdsOf(db: Kysely<Database>, communityIds: string[]): Promise<string[]> {
  if (communityIds.length === 0) return [];
  const rows = await db.selectFrom('communities').select('street_id').distinct().where('id', 'in', communityIds).orderBy('street_id').execute();
  return rows.map((row) => row.street_id);
}

/** A street's name, or undefined when the id is not a street. */
export async function findStreet(db: Kysely<Database>, streetId: string): Promise<{ id: string; name: { zh: string; en: string } } | undefined> {
  const row = await db.selectFrom('org_units').select(['id', 'name_zh', 'name_en']).where('id', '=', streetId).where('kind', '=', 'street').executeTakeFirst();
  return row ? { id: row.id, name: { zh: row.name_zh, en: row.name_en } } : undefined;
}

/** Plan stages of the given communities waiting for a supervisor's sign-off. */
export async function countStagesAwaitingSignOff(db: Kysely<Database>, communityIds: string[]): Promise<number> {
  if (communityIds.length === 0) return 0;
  const row = await db.selectFrom('plan_stages as s').innerJoin('plans as p', 'p.id', 's.plan_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('p.community_id', 'in', communityIds).where('s.status', '=', 'awaiting_sign_off').executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Street ids among a set of org units (those that have communities under them). */
export async function streetsAmong(db: Kysely<Database>, orgUnitIds: string[]): Promise<string[]> {
  if (orgUnitIds.length === 0) return [];
  const rows = await db.selectFrom('org_units').select('id').where('id', 'in', orgUnitIds).where('kind', '=', 'street').orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** Every street with at least one community: the ones a digest schedule is made for. */
export async function streetsWithCommunities(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ street_id: string }>`SELECT DISTINCT street_id FROM communities ORDER BY street_id`.execute(db);
  return result.rows.map((row) => row.street_id);
}

/** Digest recipients of a street: active leadership and center supervisors at the street or below it. */
export async function digestRecipients(db: Kysely<Database>, orgUnitIds: string[]): Promise<string[]> {
  if (orgUnitIds.length === 0) return [];
  const rows = await db.selectFrom('workers').select('id')
    .where('org_unit_id', 'in', orgUnitIds).where('active', '=', true).where('position', 'in', ['leadership', 'center_supervisor'])
    .orderBy('id').execute();
  return rows.map((row) => row.id);
}
