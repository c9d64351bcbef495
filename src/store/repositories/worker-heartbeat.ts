import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/** Records that a worker process is alive now (one row per process, updated in place). */
export async function recordWorkerBeat(db: Kysely<Database>, beat: { identity: string; taskQueue: string; startedAt: Date; at: Date }): Promise<void> {
  await db.insertInto('worker_heartbeats')
    .values({ identity: beat.identity, task_queue: beat.taskQueue, started_at: beat.startedAt, beat_at: beat.at })
    .onConflict((conflict) => conflict.column('identity').doUpdateSet({ beat_at: beat.at }))
    .execute();
}

/** The most recent beat of any worker on the task queue, if one ever beat. */
export async function latestWorkerBeat(db: Kysely<Database>, taskQueue: string): Promise<{ identity: string; beatAt: Date } | undefined> {
  const row = await db.selectFrom('worker_heartbeats').select(['identity', 'beat_at']).where('task_queue', '=', taskQueue).orderBy('beat_at', 'desc').limit(1).executeTakeFirst();
  return row && { identity: row.identity, beatAt: new Date(row.beat_at) };
}
