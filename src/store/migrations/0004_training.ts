import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// What the training pipeline keeps beyond 0001's cycles, sessions and enrolments: each enrolment's
// plan (the sessions validation gave the worker) and the levels it was made against, so capacity
// and "who takes this session" are one query; who cancelled a cycle; why a session moved.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE enrolments ADD COLUMN plan jsonb NOT NULL DEFAULT '[]';
    ALTER TABLE enrolments ADD COLUMN start_levels jsonb NOT NULL DEFAULT '{}';
    ALTER TABLE enrolments ADD COLUMN finished_at timestamptz;
    CREATE INDEX enrolments_cycle_status_idx ON enrolments(cycle_id, status);

    ALTER TABLE training_cycles ADD COLUMN cancelled_by text;
    CREATE INDEX training_cycles_org_idx ON training_cycles(org_unit_id, created_at DESC);

    ALTER TABLE sessions ADD COLUMN changed_at timestamptz;
    ALTER TABLE sessions ADD COLUMN change_reason text;

    CREATE INDEX attendance_worker_idx ON attendance(worker_id);
    CREATE INDEX assessments_worker_idx ON assessments(worker_id);
  `);
}
