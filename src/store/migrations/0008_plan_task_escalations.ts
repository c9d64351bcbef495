import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// The overdue list (GET /api/stations/overdue): each task's escalation rounds, mirrored by the
// stationPlan workflow as it escalates, and an index that walks the open tasks in the list's
// order — due time, then plan, then task — so a page is read from the index, never by loading
// every task.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE plan_tasks ADD COLUMN escalation_rounds integer NOT NULL DEFAULT 0;
    CREATE INDEX plan_tasks_open_due_idx ON plan_tasks(due_at, plan_id, task_id) WHERE status = 'open';
  `);
}
