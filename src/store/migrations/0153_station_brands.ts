import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// "One station, one brand, one feature" (一站一品牌一特色): a station's brand — its name, the feature
// it is known for, and the venture projects of its own community that carry it. One row per
// community; a change replaces the row and its project links, and the audit entry written in the
// same transaction keeps what it was before (the brand's history is the audit log's). No row is
// inserted here and the default data ships none: the source names the principle, not any
// station's brand. No dashboard poll (ETag) shows a brand, so no read-side trigger watches these.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE station_brands (
      community_id text PRIMARY KEY REFERENCES communities(id),
      name_zh text NOT NULL CHECK (char_length(name_zh) BETWEEN 1 AND 60),
      name_en text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 60),
      feature_zh text NOT NULL CHECK (char_length(feature_zh) BETWEEN 1 AND 500),
      feature_en text NOT NULL CHECK (char_length(feature_en) BETWEEN 1 AND 500),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE station_brand_projects (
      community_id text NOT NULL REFERENCES station_brands(community_id) ON DELETE CASCADE,
      project_id text NOT NULL REFERENCES venture_projects(id),
      position integer NOT NULL CHECK (position >= 0),
      PRIMARY KEY (community_id, project_id)
    );
    CREATE INDEX station_brand_projects_project_idx ON station_brand_projects(project_id);
  `);
}
