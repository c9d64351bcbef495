import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// The outbox's delivery states. 'sending' marks a row whose delivery began: a retry that finds it
// knows the message may already be out (see docs/notifications.md, "the idempotency window").
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_status_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
      CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'skipped'));
    ALTER TABLE notifications ADD COLUMN sending_at timestamptz;
    ALTER TABLE notifications ADD COLUMN provider_ref text;
    CREATE INDEX notifications_inbox_idx ON notifications(recipient_id, channel, created_at DESC);
    CREATE INDEX notifications_failed_idx ON notifications(created_at DESC) WHERE status = 'failed';
  `);
}
