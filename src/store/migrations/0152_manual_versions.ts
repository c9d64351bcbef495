import { type Kysely, sql } from 'kysely';
import { BUILT_IN_CHANGE_NOTE, DEFAULT_PLAN_TEMPLATE } from '../../domain/plan-template.js';
import { runScript } from '../script.js';

// The station work manual as versioned content. Every row of `plan_templates` is a published
// version: who published it, when, with which change note, and which org unit's manual it is (null:
// the project's built-in one, editable by admins of a root only). A manual has at most one draft,
// kept apart in `plan_template_drafts` until it is published as the next version. The built-in
// template (src/domain/plan-template.ts) is version 1; its guidance is the project's own text.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE plan_templates ADD COLUMN org_unit_id text REFERENCES org_units(id);
    ALTER TABLE plan_templates ADD COLUMN provenance text NOT NULL DEFAULT 'edited' CHECK (provenance IN ('project_default', 'edited'));
    ALTER TABLE plan_templates ADD COLUMN published_by text NOT NULL DEFAULT 'shegong';
    ALTER TABLE plan_templates ADD COLUMN published_at timestamptz NOT NULL DEFAULT now();
    ALTER TABLE plan_templates ADD COLUMN change_note text NOT NULL DEFAULT '';
    CREATE INDEX plan_templates_owner_idx ON plan_templates(org_unit_id, id, version DESC);
    CREATE TABLE plan_template_drafts (
      template_id text PRIMARY KEY,
      org_unit_id text REFERENCES org_units(id),
      base_version integer NOT NULL,
      body jsonb NOT NULL,
      revision integer NOT NULL DEFAULT 1,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
  await sql`
    INSERT INTO plan_templates (id, version, name_zh, name_en, body, provenance, published_by, change_note)
    VALUES (${DEFAULT_PLAN_TEMPLATE.id}, 1, ${DEFAULT_PLAN_TEMPLATE.name.zh}, ${DEFAULT_PLAN_TEMPLATE.name.en},
      ${JSON.stringify(DEFAULT_PLAN_TEMPLATE)}::jsonb, 'project_default', 'shegong (built-in)', ${BUILT_IN_CHANGE_NOTE})
    ON CONFLICT (id, version) DO NOTHING`.execute(db);
  await sql`
    UPDATE plan_templates SET provenance = 'project_default', published_by = 'shegong (built-in)', change_note = ${BUILT_IN_CHANGE_NOTE}
    WHERE id = ${DEFAULT_PLAN_TEMPLATE.id} AND version = 1`.execute(db);
}
