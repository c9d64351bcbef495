import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';

export interface OutboxStats {
  byStatus: Record<string, number>;
  /** Seconds since the oldest undelivered row fell due (or was created, when it has no due time). */
  oldestPendingAgeSeconds: number;
}

/** Outbox rows by status and the age of the oldest one still waiting to go out. */
export async function outboxStats(db: Kysely<Database>, now: Date): Promise<OutboxStats> {
  const counts = await db.selectFrom('notifications').select(['status', db.fn.countAll<string>().as('count')]).groupBy('status').execute();
  const oldest = await db.selectFrom('notifications')
    .select(sql<Date | null>`min(coalesce(due_at, created_at))`.as('since'))
    .where('status', 'in', ['pending', 'sending'])
    .where(sql<boolean>`coalesce(due_at, created_at) <= ${now}`)
    .executeTakeFirst();
  const since = oldest?.since ? new Date(oldest.since) : undefined;
  return {
    byStatus: Object.fromEntries(counts.map((row) => [row.status, Number(row.count)])),
    oldestPendingAgeSeconds: since ? Math.max(0, (now.getTime() - since.getTime()) / 1000) : 0,
  };
}

export interface LatenessStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Delivery time minus due time, in seconds, of reminders delivered since `since`. */
export async function reminderLatenessSince(db: Kysely<Database>, since: Date): Promise<LatenessStats> {
  const lateness = sql<number>`extract(epoch from (delivered_at - due_at))`;
  const row = await db.selectFrom('notifications')
    .select([
      db.fn.countAll<string>().as('count'),
      sql<number | null>`percentile_cont(0.5) within group (order by ${lateness})`.as('p50'),
      sql<number | null>`percentile_cont(0.99) within group (order by ${lateness})`.as('p99'),
      sql<number | null>`max(${lateness})`.as('max'),
    ])
    .where('status', '=', 'delivered')
    .where('due_at', 'is not', null)
    .where('delivered_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), p50: Number(row.p50 ?? 0), p99: Number(row.p99 ?? 0), max: Number(row.max ?? 0) };
}
