import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Posts (岗位建设): each station has posts by type with a required number of workers; workers are
// assigned to a post over dates (`to_date` empty while it runs). Post types are data, like themes:
// a street adds its own. `is_example` marks default-data rows that are examples, not facts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE post_types (
      key text PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      sort_order integer NOT NULL DEFAULT 100
    );
    CREATE TABLE posts (
      id text PRIMARY KEY,
      community_id text NOT NULL REFERENCES communities(id),
      post_type_key text NOT NULL REFERENCES post_types(key),
      required integer NOT NULL CHECK (required >= 0 AND required <= 1000),
      note text,
      is_example boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (community_id, post_type_key)
    );
    CREATE TABLE post_assignments (
      id text PRIMARY KEY,
      post_id text NOT NULL REFERENCES posts(id),
      worker_id text NOT NULL REFERENCES workers(id),
      from_date date NOT NULL,
      to_date date,
      is_example boolean NOT NULL DEFAULT false,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (to_date IS NULL OR to_date >= from_date)
    );
    CREATE INDEX post_assignments_post_idx ON post_assignments(post_id);
    CREATE INDEX post_assignments_worker_idx ON post_assignments(worker_id);
  `);
}
