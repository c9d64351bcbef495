import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// A call's own spread threshold: a case whose reviewers' totals differ by more than this is flagged
// in the results and the score export. Calls opened before the column existed used 20.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE case_calls ADD COLUMN spread_threshold numeric NOT NULL DEFAULT 20;
  `);
}
