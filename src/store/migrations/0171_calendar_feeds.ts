import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Per-user calendar feeds (GET /api/calendar/:feedToken): a secret URL a phone's calendar
// subscribes to. Only the secret's SHA-256 is kept; one active feed per owner (a dashboard user
// `user:<id>` or a token id), revocable, tied to the worker whose sessions, visits, milestone
// targets and task due dates it lists.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE calendar_feeds (
      id text PRIMARY KEY,
      secret_hash text NOT NULL UNIQUE,
      owner_id text NOT NULL,
      worker_id text NOT NULL REFERENCES workers(id),
      locale text NOT NULL DEFAULT 'zh-CN',
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_read_at timestamptz
    );
    CREATE UNIQUE INDEX calendar_feeds_active_owner_idx ON calendar_feeds(owner_id) WHERE revoked_at IS NULL;
  `);
}
