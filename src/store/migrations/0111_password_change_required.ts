import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// A password an admin reset is one the admin has seen: until its user chooses their own, their
// sessions may change the password and sign out, nothing else. Existing users owe no change.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE users ADD COLUMN password_change_required boolean NOT NULL DEFAULT false;
  `);
}
