import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// The first schema: every aggregate DESIGN.md names. Forward-only; later changes are new files.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE org_units (
      id text PRIMARY KEY,
      parent_id text REFERENCES org_units(id),
      kind text NOT NULL CHECK (kind IN ('city', 'district', 'street', 'community')),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX org_units_parent_idx ON org_units(parent_id);

    CREATE TABLE centers (
      id text PRIMARY KEY,
      street_id text NOT NULL REFERENCES org_units(id),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE communities (
      id text PRIMARY KEY REFERENCES org_units(id),
      street_id text NOT NULL REFERENCES org_units(id),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      is_placeholder boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX communities_street_idx ON communities(street_id);

    CREATE TABLE stations (
      id text PRIMARY KEY,
      community_id text NOT NULL UNIQUE REFERENCES communities(id),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      status text NOT NULL CHECK (status IN ('rollout', 'operating', 'closed')),
      opened_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE workers (
      id text PRIMARY KEY,
      org_unit_id text NOT NULL REFERENCES org_units(id),
      community_id text REFERENCES communities(id),
      name text NOT NULL,
      position text NOT NULL CHECK (position IN ('social_worker', 'station_lead', 'center_supervisor', 'leadership', 'trainer', 'admin')),
      email text,
      phone text,
      locale text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
      channels text[] NOT NULL DEFAULT '{inbox}',
      wecom_webhook_url text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX workers_community_idx ON workers(community_id);
    CREATE INDEX workers_org_unit_idx ON workers(org_unit_id);

    CREATE TABLE dimensions (
      key text PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      sort_order integer NOT NULL
    );
    CREATE TABLE levels (
      dimension_key text NOT NULL REFERENCES dimensions(key),
      level integer NOT NULL CHECK (level >= 1),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      PRIMARY KEY (dimension_key, level)
    );
    CREATE TABLE worker_levels (
      worker_id text NOT NULL REFERENCES workers(id),
      dimension_key text NOT NULL REFERENCES dimensions(key),
      level integer NOT NULL CHECK (level >= 0),
      passed_at timestamptz NOT NULL DEFAULT now(),
      cycle_id text,
      PRIMARY KEY (worker_id, dimension_key)
    );

    CREATE TABLE themes (
      key text PRIMARY KEY,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      sort_order integer NOT NULL
    );

    CREATE TABLE training_cycles (
      id text PRIMARY KEY,
      org_unit_id text NOT NULL REFERENCES org_units(id),
      name text NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'completed', 'cancelled')),
      definition jsonb NOT NULL,
      report jsonb,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      cancel_reason text
    );
    CREATE TABLE sessions (
      id text PRIMARY KEY,
      cycle_id text NOT NULL REFERENCES training_cycles(id),
      dimension_key text NOT NULL REFERENCES dimensions(key),
      level integer NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      place text NOT NULL,
      trainer text NOT NULL,
      capacity integer NOT NULL CHECK (capacity > 0),
      status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'moved', 'cancelled', 'held')),
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX sessions_cycle_idx ON sessions(cycle_id);
    CREATE TABLE enrolments (
      cycle_id text NOT NULL REFERENCES training_cycles(id),
      worker_id text NOT NULL REFERENCES workers(id),
      status text NOT NULL CHECK (status IN ('enrolled', 'withdrawn', 'completed', 'cancelled')),
      coaching_flag text,
      enrolled_at timestamptz NOT NULL DEFAULT now(),
      withdrawn_at timestamptz,
      PRIMARY KEY (cycle_id, worker_id)
    );
    CREATE INDEX enrolments_worker_idx ON enrolments(worker_id);
    CREATE TABLE attendance (
      session_id text NOT NULL REFERENCES sessions(id),
      worker_id text NOT NULL REFERENCES workers(id),
      status text NOT NULL CHECK (status IN ('present', 'late', 'excused', 'absent')),
      recorded_by text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, worker_id)
    );
    CREATE TABLE assessments (
      cycle_id text NOT NULL REFERENCES training_cycles(id),
      worker_id text NOT NULL REFERENCES workers(id),
      dimension_key text NOT NULL REFERENCES dimensions(key),
      level integer NOT NULL,
      attempt integer NOT NULL CHECK (attempt IN (1, 2)),
      score numeric NOT NULL,
      passed boolean NOT NULL,
      assessor text NOT NULL,
      assessed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (cycle_id, worker_id, dimension_key, level, attempt)
    );

    CREATE TABLE plan_templates (
      id text NOT NULL,
      version integer NOT NULL,
      name_zh text NOT NULL,
      name_en text NOT NULL,
      body jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (id, version)
    );
    CREATE TABLE plans (
      id text PRIMARY KEY,
      community_id text NOT NULL REFERENCES communities(id),
      run_id text,
      template_id text NOT NULL,
      template_version integer NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'paused', 'completed', 'cancelled')),
      current_stage text CHECK (current_stage IN ('guide', 'support', 'supervise')),
      started_on date NOT NULL,
      evaluation jsonb,
      report jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX plans_community_idx ON plans(community_id);
    CREATE TABLE plan_stages (
      plan_id text NOT NULL REFERENCES plans(id),
      stage text NOT NULL CHECK (stage IN ('guide', 'support', 'supervise')),
      status text NOT NULL CHECK (status IN ('pending', 'open', 'awaiting_sign_off', 'signed_off', 'cancelled')),
      started_at timestamptz,
      signed_off_at timestamptz,
      signed_off_by text,
      comments text,
      PRIMARY KEY (plan_id, stage)
    );
    CREATE TABLE plan_tasks (
      plan_id text NOT NULL REFERENCES plans(id),
      task_id text NOT NULL,
      stage text NOT NULL CHECK (stage IN ('guide', 'support', 'supervise')),
      main_task text,
      title_zh text NOT NULL,
      title_en text NOT NULL,
      required boolean NOT NULL,
      due_at timestamptz,
      status text NOT NULL CHECK (status IN ('pending', 'open', 'done', 'cancelled')),
      completed_at timestamptz,
      completed_by text,
      evidence jsonb,
      PRIMARY KEY (plan_id, task_id)
    );
    CREATE INDEX plan_tasks_due_idx ON plan_tasks(status, due_at);

    CREATE TABLE rollouts (
      community_id text PRIMARY KEY REFERENCES communities(id),
      workflow_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'opened', 'cancelled')),
      target_full_coverage date,
      started_at timestamptz NOT NULL DEFAULT now(),
      opened_at timestamptz
    );
    CREATE TABLE rollout_milestones (
      community_id text NOT NULL REFERENCES communities(id),
      milestone text NOT NULL CHECK (milestone IN ('site', 'staffing', 'fit_out', 'opening')),
      target_date date NOT NULL,
      owner text,
      status text NOT NULL CHECK (status IN ('pending', 'done')),
      completed_at timestamptz,
      evidence jsonb,
      replans jsonb NOT NULL DEFAULT '[]',
      PRIMARY KEY (community_id, milestone)
    );

    CREATE TABLE venture_projects (
      id text PRIMARY KEY,
      community_id text NOT NULL REFERENCES communities(id),
      theme_key text NOT NULL REFERENCES themes(key),
      title_zh text NOT NULL,
      title_en text NOT NULL,
      status text NOT NULL CHECK (status IN ('proposed', 'approved', 'running', 'evaluated', 'rejected')),
      starts_on date,
      ends_on date,
      budget_yuan numeric,
      approved_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE service_records (
      id text PRIMARY KEY,
      project_id text NOT NULL REFERENCES venture_projects(id),
      served_on date NOT NULL,
      residents_served integer NOT NULL CHECK (residents_served >= 0),
      note text,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE notifications (
      id text PRIMARY KEY,
      idempotency_key text NOT NULL UNIQUE,
      recipient_id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('inbox', 'email', 'wecom')),
      kind text NOT NULL,
      locale text NOT NULL,
      subject text NOT NULL,
      body_text text NOT NULL,
      body_html text,
      payload jsonb NOT NULL DEFAULT '{}',
      workflow_id text,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      due_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      read_at timestamptz
    );
    CREATE INDEX notifications_recipient_idx ON notifications(recipient_id, created_at DESC);
    CREATE INDEX notifications_status_idx ON notifications(status);

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb,
      request_id text
    );
    CREATE INDEX audit_log_entity_idx ON audit_log(entity, entity_id);
    CREATE INDEX audit_log_at_idx ON audit_log(at DESC);

    CREATE TABLE api_tokens (
      id text PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'station_lead', 'social_worker', 'viewer')),
      scope_id text NOT NULL REFERENCES org_units(id),
      worker_id text REFERENCES workers(id),
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    );

    CREATE TABLE meta (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}
