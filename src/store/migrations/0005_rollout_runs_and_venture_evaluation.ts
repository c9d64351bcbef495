import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Rollout mirror rows are keyed to the workflow run that wrote them (a rollout restarted after a
// terminated one resets its milestones); venture projects keep who proposed them and their
// evaluation.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE rollouts ADD COLUMN IF NOT EXISTS run_id text;
    ALTER TABLE venture_projects ADD COLUMN IF NOT EXISTS proposed_by text;
    ALTER TABLE venture_projects ADD COLUMN IF NOT EXISTS evaluation jsonb;
    CREATE INDEX IF NOT EXISTS service_records_project_idx ON service_records(project_id);
    CREATE INDEX IF NOT EXISTS venture_projects_community_idx ON venture_projects(community_id);
  `);
}
