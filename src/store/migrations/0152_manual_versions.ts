import { type Kysely, sql } from 'kysely';
import { BUILT_IN_CHANGE_NOTE, DEFAULT_PLAN_TEMPLATE } from '../../domain/plan-template.js';
import { ORG } from '../../seed/zhanlanlu.js';
import { runScript } from '../script.js';

// The station work manual as versioned content. Every row of `plan_templates` is a published
// version: who published it, when, with which change note, and which org unit's manual it is (null:
// the project's built-in one, editable by admins of a root only). A manual has at most one draft,
// kept apart in `plan_template_drafts` until it is published as the next version. The built-in
// template (src/domain/plan-template.ts), loaded by the default data, is version 1: a store that
// has it gets it marked as the project's own text here; the default data loads it so marked. No
// row is inserted here, so a freshly migrated store stays empty for `shegong store import`.
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
    UPDATE plan_templates SET provenance = 'project_default', published_by = 'shegong (built-in)', change_note = ${BUILT_IN_CHANGE_NOTE}
    WHERE id = ${DEFAULT_PLAN_TEMPLATE.id} AND version = 1`.execute(db);
  // Versions loaded before keep the time they were loaded as their publication time.
  await sql`UPDATE plan_templates SET published_at = created_at`.execute(db);
  // The built-in template is the Zhanlanlu manual where the default data was loaded.
  await sql`
    UPDATE plan_templates SET org_unit_id = ${ORG.street.id}
    WHERE id = ${DEFAULT_PLAN_TEMPLATE.id} AND org_unit_id IS NULL AND EXISTS (SELECT 1 FROM org_units WHERE id = ${ORG.street.id})`.execute(db);
}
