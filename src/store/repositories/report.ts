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
  byMonth: Array<{ month: string; residentsServed: number; records: number; byTheme: Record<string, number> }>;
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
    byMonth: await byMonthAndTheme(db, communityIds, options),
  };
}

/** Residents served per month, each month split by theme (themes with none left out). */
async function byMonthAndTheme(db: Kysely<Database>, communityIds: string[], options: { since?: string }): Promise<ResidentsServed['byMonth']> {
  const split = new Map<string, Record<string, number>>();
  for (const row of await residentsServedBy(db, communityIds, 'month_theme', options)) {
    const [month, theme] = row.key.split(' ') as [string, string];
    split.set(month, { ...split.get(month), [theme]: row.residentsServed });
  }
  return (await residentsServedBy(db, communityIds, 'month', options))
    .map((row) => ({ month: row.key, residentsServed: row.residentsServed, records: row.records, byTheme: split.get(row.key) ?? {} }));
}

export interface ResidentsByMonth {
  month: string;
  theme: string;
  residentsServed: number;
  records: number;
}

/** Residents served per month and theme from the monthly aggregate (every service record: a station's own and a project's), months in [from, to] (YYYY-MM-01), oldest first. */
export async function residentsByMonth(db: Kysely<Database>, communityIds: string[], from: string, to: string): Promise<ResidentsByMonth[]> {
  if (communityIds.length === 0) return [];
  const rows = await db.selectFrom('service_monthly as m')
    .select(['m.month', 'm.theme_key', (eb) => eb.fn.sum<string>('m.residents_served').as('residents'), (eb) => eb.fn.sum<string>('m.records').as('records')])
    .where('m.community_id', 'in', communityIds)
    .where('m.month', '>=', from).where('m.month', '<=', to)
    .groupBy(['m.month', 'm.theme_key']).orderBy('m.month').orderBy('m.theme_key')
    .execute();
  return rows.map((row) => ({ month: row.month, theme: row.theme_key, residentsServed: Number(row.residents ?? 0), records: Number(row.records ?? 0) }));
}

/** Venture projects by status, counted in SQL. */
export async function ventureProjectsByStatus(db: Kysely<Database>, communityIds: string[]): Promise<{ total: number; byStatus: Record<string, number> }> {
  const byStatus: Record<string, number> = { proposed: 0, approved: 0, running: 0, evaluated: 0, rejected: 0 };
  if (communityIds.length === 0) return { total: 0, byStatus };
  const rows = await db.selectFrom('venture_projects').select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('community_id', 'in', communityIds).groupBy('status').execute();
  for (const row of rows) byStatus[row.status] = Number(row.n);
  return { total: Object.values(byStatus).reduce((sum, n) => sum + n, 0), byStatus };
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

/** Every stage at zero: the counts before any plan is counted. */
export const emptyPlansByStage = (): PlansByStage => ({ guide: 0, support: 0, supervise: 0, completed: 0, cancelled: 0, paused: 0, notStarted: 0 });

/** Station plans by stage (the latest plan per community): one row per community, through plans(community_id, created_at). */
export async function plansByStage(db: Kysely<Database>, communityIds: string[]): Promise<PlansByStage> {
  const result = emptyPlansByStage();
  if (communityIds.length === 0) return result;
  const latest = await db.selectFrom('plans').distinctOn('community_id').select(['community_id', 'status', 'current_stage'])
    .where('community_id', 'in', communityIds).orderBy('community_id').orderBy('created_at', 'desc').execute();
  for (const plan of latest) {
    if (plan.status === 'completed' || plan.status === 'cancelled') result[plan.status] += 1;
    else {
      if (plan.status === 'paused') result.paused += 1;
      if (plan.current_stage) result[plan.current_stage] += 1;
    }
  }
  const row = await db.selectFrom('stations as s').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('s.community_id', 'in', communityIds).where('s.status', '=', 'operating')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('plans as p').select('p.id').whereRef('p.community_id', '=', 's.community_id'))))
    .executeTakeFirst();
  result.notStarted = Number(row?.n ?? 0);
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

/** Training completion per dimension, from the ladder (worker_levels), counted in SQL. */
export async function trainingCompletion(db: Kysely<Database>, orgUnitIds: string[]): Promise<TrainingCompletion[]> {
  const dimensions = await db.selectFrom('dimensions').selectAll().orderBy('sort_order').execute();
  const levels = await db.selectFrom('levels').select(['dimension_key', 'level']).orderBy('dimension_key').orderBy('level').execute();
  if (orgUnitIds.length === 0) return [];
  const workersQuery = () => db.selectFrom('workers as w')
    .where('w.org_unit_id', 'in', orgUnitIds).where('w.active', '=', true).where('w.position', 'in', ['social_worker', 'station_lead']);
  const countRow = await workersQuery().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const workers = Number(countRow?.n ?? 0);
  const passed = workers === 0 ? [] : await workersQuery()
    .innerJoin('worker_levels as wl', 'wl.worker_id', 'w.id')
    .innerJoin('levels as l', (join) => join.onRef('l.dimension_key', '=', 'wl.dimension_key').onRef('l.level', '<=', 'wl.level'))
    .select(['l.dimension_key', 'l.level', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['l.dimension_key', 'l.level'])
    .execute();
  const count = (dimension: string, level: number) => Number(passed.find((row) => row.dimension_key === dimension && row.level === level)?.n ?? 0);
  return dimensions.map((dimension) => {
    const dimensionLevels = levels.filter((l) => l.dimension_key === dimension.key).map((l) => l.level);
    return {
      dimension: dimension.key,
      name: { zh: dimension.name_zh, en: dimension.name_en },
      workers,
      passedByLevel: dimensionLevels.map((level) => ({ level, workers: count(dimension.key, level) })),
      completionRate: workers === 0 ? 0 : Math.round((count(dimension.key, dimensionLevels[0] ?? 1) / workers) * 1000) / 1000,
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

/** Chinese and English names of catalog entries and communities, keyed by key or id, for report labels. */
export async function reportLabels(db: Kysely<Database>): Promise<{ dimensions: Map<string, { zh: string; en: string }>; themes: Map<string, { zh: string; en: string }>; communities: Map<string, { zh: string; en: string }> }> {
  const dimensions = await db.selectFrom('dimensions').select(['key', 'name_zh', 'name_en']).orderBy('sort_order').execute();
  const themes = await db.selectFrom('themes').select(['key', 'name_zh', 'name_en']).orderBy('sort_order').execute();
  const communities = await db.selectFrom('communities').select(['id', 'name_zh', 'name_en']).orderBy('id').execute();
  return {
    dimensions: new Map(dimensions.map((d) => [d.key, { zh: d.name_zh, en: d.name_en }])),
    themes: new Map(themes.map((t) => [t.key, { zh: t.name_zh, en: t.name_en }])),
    communities: new Map(communities.map((c) => [c.id, { zh: c.name_zh, en: c.name_en }])),
  };
}

/** Operating stations of these communities that opened in [from, to] (dates). */
export async function stationsOpenedBetween(db: Kysely<Database>, communityIds: string[], from: string, to: string): Promise<number> {
  if (communityIds.length === 0) return 0;
  const row = await db.selectFrom('stations').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('community_id', 'in', communityIds).where('status', '=', 'operating').where('opened_on', '>=', from).where('opened_on', '<=', to)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
