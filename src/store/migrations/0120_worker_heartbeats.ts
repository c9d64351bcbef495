import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Each worker process records that it is alive, every few seconds, so /healthz (answered by the
// API, a separate process) can say whether anything is working the task queue.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE worker_heartbeats (
      identity text PRIMARY KEY,
      task_queue text NOT NULL,
      started_at timestamptz NOT NULL,
      beat_at timestamptz NOT NULL
    );
    CREATE INDEX worker_heartbeats_queue_idx ON worker_heartbeats(task_queue, beat_at DESC);
  `);
}
