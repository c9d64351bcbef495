import { type Kysely, sql } from 'kysely';
import { runScript } from '../script.js';

// Five-party linkage (五社联动): communities and social workers exist already; this adds the other
// three parties as registries of their own.
//
// - `social_organisations`: owned by an org unit (a street registers most; a station may register
//   a community-based one), with the stations it works with in `social_organisation_stations`.
// - `volunteers`: one station each. `name` and `phone` are personal data: only the routes marked
//   personalData read them (audited), and no list, report or audit entry carries them.
// - `volunteer_hours`: hours a volunteer gave, to a service record or a named activity, on a day:
//   the per-month totals and the linkage index are summed from these in SQL.
// - `charitable_resources`: money, goods, a venue or a service from a donor or fund, for a station
//   or a street (`org_unit_id`), optionally a venture project and the social organisation that gave it.
//
// `is_example` marks default-data rows that are examples, not facts. Every table bumps the read
// side's version (0190) like the other figures of the summary.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE social_organisations (
      id text PRIMARY KEY,
      org_unit_id text NOT NULL REFERENCES org_units(id),
      name_zh text NOT NULL,
      name_en text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('social_group', 'social_service_agency', 'foundation', 'community_based')),
      registration_number text,
      contact text,
      services jsonb NOT NULL DEFAULT '[]',
      theme_keys jsonb NOT NULL DEFAULT '[]',
      note text,
      is_example boolean NOT NULL DEFAULT false,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX social_organisations_unit_idx ON social_organisations(org_unit_id);
    CREATE TABLE social_organisation_stations (
      organisation_id text NOT NULL REFERENCES social_organisations(id) ON DELETE CASCADE,
      community_id text NOT NULL REFERENCES communities(id),
      PRIMARY KEY (organisation_id, community_id)
    );
    CREATE INDEX social_organisation_stations_community_idx ON social_organisation_stations(community_id);
    CREATE TABLE volunteers (
      id text PRIMARY KEY,
      community_id text NOT NULL REFERENCES communities(id),
      name text NOT NULL,
      phone text,
      skills jsonb NOT NULL DEFAULT '[]',
      active boolean NOT NULL DEFAULT true,
      is_example boolean NOT NULL DEFAULT false,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX volunteers_community_idx ON volunteers(community_id);
    CREATE TABLE volunteer_hours (
      id text PRIMARY KEY,
      volunteer_id text NOT NULL REFERENCES volunteers(id),
      community_id text NOT NULL REFERENCES communities(id),
      service_record_id text REFERENCES service_records(id),
      activity text,
      served_on date NOT NULL,
      hours numeric NOT NULL CHECK (hours > 0 AND hours <= 24),
      is_example boolean NOT NULL DEFAULT false,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (service_record_id IS NOT NULL OR activity IS NOT NULL)
    );
    CREATE INDEX volunteer_hours_community_served_idx ON volunteer_hours(community_id, served_on);
    CREATE INDEX volunteer_hours_volunteer_served_idx ON volunteer_hours(volunteer_id, served_on);
    CREATE INDEX volunteer_hours_record_idx ON volunteer_hours(service_record_id) WHERE service_record_id IS NOT NULL;
    CREATE TABLE charitable_resources (
      id text PRIMARY KEY,
      org_unit_id text NOT NULL REFERENCES org_units(id),
      project_id text REFERENCES venture_projects(id),
      organisation_id text REFERENCES social_organisations(id),
      donor text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('money', 'goods', 'venue', 'service')),
      amount numeric NOT NULL CHECK (amount >= 0),
      unit text NOT NULL,
      restrictions text,
      received_on date NOT NULL,
      note text,
      is_example boolean NOT NULL DEFAULT false,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX charitable_resources_unit_received_idx ON charitable_resources(org_unit_id, received_on);
    CREATE INDEX charitable_resources_project_idx ON charitable_resources(project_id) WHERE project_id IS NOT NULL;
  `);
  // The read side's functions come with 0190, which a fresh database runs after this one: these
  // triggers call them through functions of their own, which PL/pgSQL resolves when a row is
  // written (every migration has run by then), not when they are created.
  await sql.raw(`CREATE FUNCTION five_party_read_side_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF coalesce(current_setting('shegong.read_side_bumped', true), '') = '*' THEN RETURN NULL; END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM read_side_bump(read_side_street_of_row(TG_ARGV[0], NEW)); END IF;
        IF TG_OP <> 'INSERT' THEN PERFORM read_side_bump(read_side_street_of_row(TG_ARGV[0], OLD)); END IF;
        RETURN NULL;
      END$fn$`).execute(db);
  await sql.raw(`CREATE FUNCTION five_party_read_side_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE scope_versions SET version = version + 1 WHERE scope_id = '*';
        RETURN NULL;
      END$fn$`).execute(db);
  const watched: Array<[table: string, path: string]> = [
    ['social_organisations', 'unit'], ['social_organisation_stations', 'community'], ['volunteers', 'community'],
    ['volunteer_hours', 'community'], ['charitable_resources', 'unit'],
  ];
  for (const [table, path] of watched) {
    await sql.raw(`CREATE CONSTRAINT TRIGGER read_side_${table} AFTER INSERT OR UPDATE OR DELETE ON ${table}
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION five_party_read_side_changed('${path}')`).execute(db);
    await sql.raw(`CREATE TRIGGER read_side_${table}_truncated AFTER TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION five_party_read_side_truncated()`).execute(db);
  }
}
