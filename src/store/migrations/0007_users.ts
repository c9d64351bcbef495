import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// People who sign in to the dashboard, and their cookie sessions. Only hashes are stored: the
// password as argon2id, the session id and its CSRF token as SHA-256.
// (The table is `user_sessions` because `sessions` holds training sessions.)
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE users (
      id text PRIMARY KEY,
      username text NOT NULL UNIQUE,
      display_name text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'station_lead', 'social_worker', 'viewer')),
      scope_id text NOT NULL REFERENCES org_units(id),
      worker_id text REFERENCES workers(id),
      locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
      failed_attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      disabled_at timestamptz,
      last_sign_in_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE user_sessions (
      id_hash text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users(id),
      csrf_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz
    );
    CREATE INDEX user_sessions_user_idx ON user_sessions(user_id);
  `);
}
