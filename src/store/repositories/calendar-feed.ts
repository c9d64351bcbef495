import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';

// Calendar feeds: the rows behind a secret feed URL (only the secret's hash is kept), and the one
// read a feed makes per request — a person's sessions, supervision visits, milestone targets and
// task due dates, each from an indexed query over the records store.

export interface FeedRow {
  id: string;
  ownerId: string;
  workerId: string;
  locale: string;
  createdAt: Date;
  lastReadAt: Date | null;
}

const toRow = (row: { id: string; owner_id: string; worker_id: string; locale: string; created_at: Date; last_read_at: Date | null }): FeedRow => ({
  id: row.id, ownerId: row.owner_id, workerId: row.worker_id, locale: row.locale, createdAt: row.created_at, lastReadAt: row.last_read_at,
});

/** Replaces the owner's active feed (revoking it) with a new one, in one transaction. */
export async function replaceFeed(db: Kysely<Database>, input: { id: string; secretHash: string; ownerId: string; workerId: string; locale: string; now: Date }): Promise<FeedRow> {
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('calendar_feeds').set({ revoked_at: input.now }).where('owner_id', '=', input.ownerId).where('revoked_at', 'is', null).execute();
    const row = await trx.insertInto('calendar_feeds')
      .values({ id: input.id, secret_hash: input.secretHash, owner_id: input.ownerId, worker_id: input.workerId, locale: input.locale, created_at: input.now })
      .returningAll().executeTakeFirstOrThrow();
    return toRow(row);
  });
}

export async function activeFeedOf(db: Kysely<Database>, ownerId: string): Promise<FeedRow | undefined> {
  const row = await db.selectFrom('calendar_feeds').selectAll().where('owner_id', '=', ownerId).where('revoked_at', 'is', null).executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/** Revokes the owner's active feed; answers whether there was one. */
export async function revokeFeed(db: Kysely<Database>, ownerId: string, now: Date): Promise<boolean> {
  const result = await db.updateTable('calendar_feeds').set({ revoked_at: now }).where('owner_id', '=', ownerId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The active feed a secret opens, with its reading noted (at most once a minute). */
export async function openFeed(db: Kysely<Database>, secretHash: string, now: Date): Promise<FeedRow | undefined> {
  const row = await db.selectFrom('calendar_feeds').selectAll().where('secret_hash', '=', secretHash).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  if (!row.last_read_at || now.getTime() - row.last_read_at.getTime() > 60_000) {
    await db.updateTable('calendar_feeds').set({ last_read_at: now }).where('id', '=', row.id).execute();
  }
  return toRow(row);
}

export interface FeedSession { id: string; cycleName: string; dimensionZh: string; dimensionEn: string; level: number; startsAt: Date; endsAt: Date; place: string; trainer: string }
export interface FeedTask { planId: string; taskId: string; communityZh: string; communityEn: string; titleZh: string; titleEn: string; dueAt: Date; required: boolean }
export interface FeedVisit { planId: string; visitNo: number; communityZh: string; communityEn: string; dueAt: Date }
export interface FeedMilestone { communityId: string; communityZh: string; communityEn: string; milestone: string; targetDate: string }

export interface FeedContents {
  sessions: FeedSession[];
  tasks: FeedTask[];
  visits: FeedVisit[];
  milestones: FeedMilestone[];
}

/**
 * What a worker's calendar lists from `since` on: the sessions of running cycles they are enrolled
 * in (their own sessions), the open tasks and the scheduled supervision visits of the running plans
 * they lead or supervise, and the pending milestones they own of running rollouts.
 */
export async function feedContents(db: Kysely<Database>, workerId: string, since: Date): Promise<FeedContents> {
  const sessions = await db.selectFrom('enrolments as e')
    .innerJoin('training_cycles as c', 'c.id', 'e.cycle_id')
    .innerJoin('sessions as s', 's.cycle_id', 'e.cycle_id')
    .innerJoin('dimensions as d', 'd.key', 's.dimension_key')
    .select(['s.id', 'c.name as cycleName', 'd.name_zh as dimensionZh', 'd.name_en as dimensionEn', 's.level', 's.starts_at', 's.ends_at', 's.place', 's.trainer'])
    .where('e.worker_id', '=', workerId).where('e.status', '=', 'enrolled').where('c.status', '=', 'running')
    .where('s.status', '<>', 'cancelled').where('s.ends_at', '>=', since)
    // The sessions validation gave the worker (the enrolment's plan); an empty plan means every session of the cycle.
    .where((eb) => eb.or([eb(sql<number>`jsonb_array_length(e.plan)`, '=', 0), eb(sql<boolean>`e.plan ? s.id`, '=', true)]))
    .orderBy('s.starts_at').limit(500).execute();

  const plans = db.selectFrom('plans as p').innerJoin('communities as c', 'c.id', 'p.community_id')
    .where('p.status', '=', 'running')
    .where((eb) => eb.or([eb('p.station_lead_id', '=', workerId), eb('p.supervisor_id', '=', workerId)]));
  const tasks = await plans.innerJoin('plan_tasks as t', 't.plan_id', 'p.id')
    .select(['t.plan_id', 't.task_id', 'c.name_zh', 'c.name_en', 't.title_zh', 't.title_en', 't.due_at', 't.required'])
    .where('t.status', '=', 'open').where('t.due_at', 'is not', null)
    .orderBy('t.due_at').limit(500).execute();
  const visits = await plans.innerJoin('plan_visits as v', 'v.plan_id', 'p.id')
    .select(['v.plan_id', 'v.visit_no', 'c.name_zh', 'c.name_en', 'v.due_at'])
    .where('v.status', 'in', ['scheduled', 'pending']).where('v.due_at', 'is not', null)
    .orderBy('v.due_at').limit(200).execute();
  const milestones = await db.selectFrom('rollout_milestones as m')
    .innerJoin('rollouts as r', 'r.community_id', 'm.community_id')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select(['m.community_id', 'c.name_zh', 'c.name_en', 'm.milestone', 'm.target_date'])
    .where('m.owner', '=', workerId).where('m.status', '=', 'pending').where('r.status', '=', 'running')
    .orderBy('m.target_date').limit(200).execute();

  return {
    sessions: sessions.map((s) => ({
      id: s.id, cycleName: s.cycleName, dimensionZh: s.dimensionZh, dimensionEn: s.dimensionEn, level: s.level,
      startsAt: s.starts_at, endsAt: s.ends_at, place: s.place, trainer: s.trainer,
    })),
    tasks: tasks.map((t) => ({
      planId: t.plan_id, taskId: t.task_id, communityZh: t.name_zh, communityEn: t.name_en, titleZh: t.title_zh, titleEn: t.title_en, dueAt: t.due_at!, required: t.required,
    })),
    visits: visits.map((v) => ({ planId: v.plan_id, visitNo: v.visit_no, communityZh: v.name_zh, communityEn: v.name_en, dueAt: v.due_at! })),
    milestones: milestones.map((m) => ({ communityId: m.community_id, communityZh: m.name_zh, communityEn: m.name_en, milestone: m.milestone, targetDate: m.target_date })),
  };
}
