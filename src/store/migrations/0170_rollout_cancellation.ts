import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// A rollout can be cancelled (POST /api/rollout/:communityId/cancel): its row keeps when, by whom
// and why, beside the status `cancelled` the table already allowed. A rollout started again after
// a cancellation clears them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE rollouts ADD COLUMN IF NOT EXISTS cancelled_at timestamptz;
    ALTER TABLE rollouts ADD COLUMN IF NOT EXISTS cancelled_by text;
    ALTER TABLE rollouts ADD COLUMN IF NOT EXISTS cancel_reason text;
  `);
}
