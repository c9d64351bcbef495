import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Case calls (优秀案例征集评选), mirrored by the caseCall workflow: the call with its rubric, panel
// and deadlines; the stations' cases (text in `content`, files as attachments of owner kind
// `case`); each reviewer's scores of a case; and the call's events (deadline moves, withdrawals,
// reminders and escalations sent, selection, publication, cancellation), each written once per step.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE case_calls (
      id text PRIMARY KEY,
      org_unit_id text NOT NULL REFERENCES org_units(id),
      workflow_id text NOT NULL,
      title_zh text NOT NULL,
      title_en text NOT NULL,
      kinds jsonb NOT NULL,
      station_ids jsonb NOT NULL,
      submission_deadline timestamptz NOT NULL,
      review_deadline timestamptz NOT NULL,
      rubric jsonb NOT NULL,
      panel jsonb NOT NULL,
      select_per_kind integer NOT NULL,
      phase text NOT NULL,
      opened_by text NOT NULL,
      selection jsonb,
      published_at timestamptz,
      cancel_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX case_calls_org_unit_idx ON case_calls(org_unit_id, created_at DESC);
    CREATE TABLE call_cases (
      id text PRIMARY KEY,
      call_id text NOT NULL REFERENCES case_calls(id),
      community_id text NOT NULL REFERENCES org_units(id),
      kind text NOT NULL,
      title text NOT NULL,
      content jsonb NOT NULL,
      status text NOT NULL,
      revision integer NOT NULL,
      saved_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX call_cases_call_idx ON call_cases(call_id, community_id);
    CREATE TABLE case_reviews (
      case_id text NOT NULL REFERENCES call_cases(id),
      reviewer_id text NOT NULL,
      call_id text NOT NULL REFERENCES case_calls(id),
      scores jsonb NOT NULL,
      comment text NOT NULL,
      total numeric NOT NULL,
      scored_at timestamptz NOT NULL,
      PRIMARY KEY (case_id, reviewer_id)
    );
    CREATE INDEX case_reviews_call_idx ON case_reviews(call_id);
    CREATE TABLE case_call_events (
      call_id text NOT NULL REFERENCES case_calls(id),
      step text NOT NULL,
      at timestamptz NOT NULL,
      actor text,
      detail jsonb NOT NULL,
      PRIMARY KEY (call_id, step)
    );
  `);
}
