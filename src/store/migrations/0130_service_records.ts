import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Service records (专业服务) become a station's own activity records: casework, group work or
// community work, with a theme, the workers who did it, residents served (and how many new),
// volunteer hours, evidence and an optional venture project. Records written before this belonged
// to a project; they take its station and theme and count as community work. `provenance` marks
// rows of the default data whose split is illustrative, not from the source. A casework record
// may have one case file holding a resident's personal data, kept in a table of its own so no
// list, report or workflow ever reads it by accident.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE service_records ALTER COLUMN project_id DROP NOT NULL;
    ALTER TABLE service_records ADD COLUMN community_id text REFERENCES communities(id);
    ALTER TABLE service_records ADD COLUMN kind text NOT NULL DEFAULT 'community' CHECK (kind IN ('casework', 'group', 'community'));
    ALTER TABLE service_records ADD COLUMN theme_key text REFERENCES themes(key);
    ALTER TABLE service_records ADD COLUMN title_zh text;
    ALTER TABLE service_records ADD COLUMN title_en text;
    ALTER TABLE service_records ADD COLUMN worker_ids jsonb NOT NULL DEFAULT '[]';
    ALTER TABLE service_records ADD COLUMN new_residents integer NOT NULL DEFAULT 0 CHECK (new_residents >= 0);
    ALTER TABLE service_records ADD COLUMN volunteer_hours numeric NOT NULL DEFAULT 0 CHECK (volunteer_hours >= 0);
    ALTER TABLE service_records ADD COLUMN evidence jsonb;
    ALTER TABLE service_records ADD COLUMN provenance text;
    ALTER TABLE service_records ADD COLUMN recorded_by text;
    UPDATE service_records r SET community_id = p.community_id, theme_key = p.theme_key, title_zh = p.title_zh, title_en = p.title_en
      FROM venture_projects p WHERE p.id = r.project_id;
    ALTER TABLE service_records ALTER COLUMN community_id SET NOT NULL;
    ALTER TABLE service_records ALTER COLUMN theme_key SET NOT NULL;
    ALTER TABLE service_records ALTER COLUMN title_zh SET NOT NULL;
    ALTER TABLE service_records ALTER COLUMN title_en SET NOT NULL;
    CREATE INDEX service_records_community_served_idx ON service_records(community_id, served_on);
    ALTER TABLE venture_projects ADD COLUMN provenance jsonb;
    CREATE TABLE case_files (
      service_record_id text PRIMARY KEY REFERENCES service_records(id),
      community_id text NOT NULL REFERENCES communities(id),
      resident_name text NOT NULL,
      gender text,
      birth_year integer,
      phone text,
      address text,
      needs text,
      plan text,
      notes text,
      updated_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}
