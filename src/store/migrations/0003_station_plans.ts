import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// What the station plan mirrors beyond 0001's plans / plan_stages / plan_tasks: the workflow id and
// a revision (a stale write never overwrites a newer one), pause and cancel records, the guidance
// each task showed when the plan started, send-backs, supervision visits and the plan's events.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE plans ADD COLUMN workflow_id text;
    ALTER TABLE plans ADD COLUMN revision integer NOT NULL DEFAULT 0;
    ALTER TABLE plans ADD COLUMN started_by text;
    ALTER TABLE plans ADD COLUMN station_lead_id text;
    ALTER TABLE plans ADD COLUMN supervisor_id text;
    ALTER TABLE plans ADD COLUMN paused_at timestamptz;
    ALTER TABLE plans ADD COLUMN paused_total_ms double precision NOT NULL DEFAULT 0;
    ALTER TABLE plans ADD COLUMN cancelled_at timestamptz;
    ALTER TABLE plans ADD COLUMN cancelled_by text;
    ALTER TABLE plans ADD COLUMN cancel_reason text;
    ALTER TABLE plans ADD COLUMN completed_at timestamptz;
    CREATE INDEX plans_status_idx ON plans(status, community_id);

    ALTER TABLE plan_stages ADD COLUMN sign_off_requested_at timestamptz;
    ALTER TABLE plan_stages ADD COLUMN send_backs jsonb NOT NULL DEFAULT '[]';

    ALTER TABLE plan_tasks ADD COLUMN source text NOT NULL DEFAULT 'template' CHECK (source IN ('template', 'follow_up'));
    ALTER TABLE plan_tasks ADD COLUMN guidance jsonb;
    ALTER TABLE plan_tasks ADD COLUMN reopened integer NOT NULL DEFAULT 0;
    ALTER TABLE plan_tasks ADD COLUMN sort_order integer NOT NULL DEFAULT 0;

    CREATE TABLE plan_visits (
      plan_id text NOT NULL REFERENCES plans(id),
      visit_no integer NOT NULL CHECK (visit_no >= 1),
      due_at timestamptz,
      status text NOT NULL CHECK (status IN ('pending', 'scheduled', 'recorded', 'missed', 'cancelled')),
      recorded_at timestamptz,
      recorded_by text,
      notes text,
      follow_up_task_ids jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (plan_id, visit_no)
    );

    CREATE TABLE plan_events (
      plan_id text NOT NULL REFERENCES plans(id),
      seq integer NOT NULL,
      at timestamptz NOT NULL,
      type text NOT NULL,
      actor text,
      detail jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (plan_id, seq)
    );
  `);
}
