import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

// The read side (issue 16): figures that do not grow with history, kept current in the same
// transaction as the write that changes them.
//
// - `scope_versions`: one counter per street, plus '*' for changes that belong to no one street
//   (the org tree, the catalogs, a transaction that touched two streets). A constraint trigger on
//   every table the dashboard reads bumps the counter of the changed row's street when the
//   writing transaction commits, at most twice per transaction (its one street, then '*'), so
//   two writers never take these locks in opposite orders. A scope's version is the sum of its
//   streets' counters and '*': it grows whenever anything the scope can see changed, and the API
//   answers a poll with 304 Not Modified while it stays the same.
// - `service_monthly`: residents served and records per venture project and month, kept by a
//   trigger on service_records; residents served is read from it instead of every record.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `CREATE TABLE scope_versions (
          scope_id text PRIMARY KEY,
          version bigint NOT NULL DEFAULT 0
        )`,
    `INSERT INTO scope_versions (scope_id, version) VALUES ('*', 1)`,
    `CREATE FUNCTION read_side_street_of_unit(unit text) RETURNS text LANGUAGE plpgsql STABLE AS $fn$
        DECLARE street text;
        BEGIN
          IF unit IS NULL THEN RETURN NULL; END IF;
          SELECT street_id INTO street FROM communities WHERE id = unit;
          IF street IS NOT NULL THEN RETURN street; END IF;
          SELECT id INTO street FROM org_units WHERE id = unit AND kind = 'street';
          RETURN street;
        END$fn$`,
    `CREATE FUNCTION read_side_bump(street text) RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE done text := coalesce(current_setting('shegong.read_side_bumped', true), '');
        BEGIN
          IF done = '*' OR done = street THEN RETURN; END IF;
          IF street IS NULL OR done <> '' THEN
            UPDATE scope_versions SET version = version + 1 WHERE scope_id = '*';
            PERFORM set_config('shegong.read_side_bumped', '*', true);
          ELSE
            INSERT INTO scope_versions AS v (scope_id, version) VALUES (street, 1)
              ON CONFLICT (scope_id) DO UPDATE SET version = v.version + 1;
            PERFORM set_config('shegong.read_side_bumped', street, true);
          END IF;
        END$fn$`,
    // How a row reaches its street is the trigger's argument (TG_ARGV[0]).
    `CREATE FUNCTION read_side_street_of_row(path text, r record) RETURNS text LANGUAGE plpgsql STABLE AS $fn$
        DECLARE street text;
        BEGIN
          IF path = 'street' THEN RETURN r.street_id;
          ELSIF path = 'community' THEN RETURN read_side_street_of_unit(r.community_id);
          ELSIF path = 'unit' THEN RETURN read_side_street_of_unit(r.org_unit_id);
          ELSIF path = 'plan' THEN
            SELECT c.street_id INTO street FROM plans p JOIN communities c ON c.id = p.community_id WHERE p.id = r.plan_id;
          ELSIF path = 'project' THEN
            SELECT c.street_id INTO street FROM venture_projects p JOIN communities c ON c.id = p.community_id WHERE p.id = r.project_id;
          ELSIF path = 'worker' THEN
            SELECT read_side_street_of_unit(w.org_unit_id) INTO street FROM workers w WHERE w.id = r.worker_id;
          ELSIF path = 'recipient' THEN
            SELECT read_side_street_of_unit(w.org_unit_id) INTO street FROM workers w WHERE w.id = r.recipient_id;
          ELSIF path = 'cycle' THEN
            SELECT read_side_street_of_unit(t.org_unit_id) INTO street FROM training_cycles t WHERE t.id = r.cycle_id;
          END IF;
          RETURN street;
        END$fn$`,
    `CREATE FUNCTION read_side_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF coalesce(current_setting('shegong.read_side_bumped', true), '') = '*' THEN RETURN NULL; END IF;
          IF TG_ARGV[0] = 'root' THEN
            PERFORM read_side_bump(NULL);
            RETURN NULL;
          END IF;
          IF TG_OP <> 'DELETE' THEN PERFORM read_side_bump(read_side_street_of_row(TG_ARGV[0], NEW)); END IF;
          IF TG_OP <> 'INSERT' THEN PERFORM read_side_bump(read_side_street_of_row(TG_ARGV[0], OLD)); END IF;
          RETURN NULL;
        END$fn$`,
    `CREATE FUNCTION read_side_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          UPDATE scope_versions SET version = version + 1 WHERE scope_id = '*';
          RETURN NULL;
        END$fn$`,
    `CREATE TABLE service_monthly (
          project_id text NOT NULL REFERENCES venture_projects(id),
          month date NOT NULL,
          residents_served bigint NOT NULL DEFAULT 0,
          records integer NOT NULL DEFAULT 0,
          PRIMARY KEY (project_id, month)
        )`,
    `INSERT INTO service_monthly (project_id, month, residents_served, records)
          SELECT project_id, date_trunc('month', served_on)::date, sum(residents_served), count(*) FROM service_records GROUP BY 1, 2`,
    `CREATE FUNCTION service_monthly_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            UPDATE service_monthly SET residents_served = residents_served - OLD.residents_served, records = records - 1
              WHERE project_id = OLD.project_id AND month = date_trunc('month', OLD.served_on)::date;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            INSERT INTO service_monthly AS m (project_id, month, residents_served, records)
              VALUES (NEW.project_id, date_trunc('month', NEW.served_on)::date, NEW.residents_served, 1)
              ON CONFLICT (project_id, month) DO UPDATE SET residents_served = m.residents_served + EXCLUDED.residents_served, records = m.records + 1;
          END IF;
          RETURN NULL;
        END$fn$`,
    `CREATE TRIGGER service_monthly_sync AFTER INSERT OR UPDATE OR DELETE ON service_records
          FOR EACH ROW EXECUTE FUNCTION service_monthly_changed()`,
    `CREATE TRIGGER service_monthly_truncated AFTER TRUNCATE ON service_records
          FOR EACH STATEMENT EXECUTE FUNCTION read_side_truncated()`,
    // Indexed reads for the aggregates computed in SQL.
    `CREATE INDEX plans_community_created_idx ON plans(community_id, created_at DESC)`,
    `CREATE INDEX worker_levels_dimension_idx ON worker_levels(dimension_key, level, worker_id)`,
    `CREATE INDEX service_records_served_on_idx ON service_records(served_on, project_id)`,
    `CREATE INDEX stations_opened_idx ON stations(opened_on) WHERE status = 'operating'`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
  const watched: Array<[table: string, path: string]> = [
    ['org_units', 'root'], ['dimensions', 'root'], ['levels', 'root'], ['themes', 'root'], ['plan_templates', 'root'],
    ['communities', 'street'], ['centers', 'street'],
    ['stations', 'community'], ['plans', 'community'], ['rollouts', 'community'], ['rollout_milestones', 'community'], ['venture_projects', 'community'],
    ['plan_stages', 'plan'], ['plan_tasks', 'plan'], ['plan_visits', 'plan'], ['plan_events', 'plan'],
    ['service_records', 'project'],
    ['workers', 'unit'], ['training_cycles', 'unit'],
    ['worker_levels', 'worker'], ['enrolments', 'worker'], ['attendance', 'worker'], ['assessments', 'worker'],
    ['sessions', 'cycle'],
    ['notifications', 'recipient'],
  ];
  await runScript(db, watched.map(([table, path]) => `
    CREATE CONSTRAINT TRIGGER read_side_${table} AFTER INSERT OR UPDATE OR DELETE ON ${table}
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION read_side_changed('${path}');
    CREATE TRIGGER read_side_${table}_truncated AFTER TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION read_side_truncated();
  `).join('\n'));
}
