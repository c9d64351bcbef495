import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Resource requests (资源链接), mirrored by the resourceRequest workflow: the request (its need's
// text stays here, never in the workflow); the parties or resources matched to it, named by kind
// and free text until the five-party registry exists (status `pending` until the workflow took
// the match); and the request's events (matches, answers, delivery, escalations, closing,
// cancellation), each written once per step.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE resource_requests (
      id text PRIMARY KEY,
      community_id text NOT NULL REFERENCES org_units(id),
      workflow_id text NOT NULL,
      theme text NOT NULL,
      need text NOT NULL,
      quantity integer NOT NULL,
      unit text NOT NULL,
      match_by timestamptz NOT NULL,
      needed_by timestamptz NOT NULL,
      phase text NOT NULL,
      opened_by text NOT NULL,
      delivery jsonb,
      close_note text,
      cancel_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX resource_requests_community_idx ON resource_requests(community_id, created_at DESC);
    CREATE TABLE resource_request_matches (
      request_id text NOT NULL REFERENCES resource_requests(id),
      match_id text NOT NULL,
      seq bigserial,
      kind text NOT NULL,
      name text NOT NULL,
      ref text NOT NULL,
      quantity integer,
      status text NOT NULL,
      note text NOT NULL DEFAULT '',
      added_by text NOT NULL,
      answered_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (request_id, match_id)
    );
    CREATE TABLE resource_request_events (
      request_id text NOT NULL REFERENCES resource_requests(id),
      step text NOT NULL,
      at timestamptz NOT NULL,
      actor text,
      detail jsonb NOT NULL,
      PRIMARY KEY (request_id, step)
    );
  `);
}
