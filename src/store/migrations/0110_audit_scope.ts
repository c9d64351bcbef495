import { type Kysely } from 'kysely';
import { runScript } from '../script.js';

// Who acted, as ids: the token or user (`actor_id`) and the org unit their role is scoped to
// (`scope_id`). An audit entry belongs to its actor's scope, and an admin reads the entries of
// actors inside their own subtree only. Entries written before this had only a name: those of
// dashboard users (unique usernames) and of tokens with a unique name get that scope; the rest
// stay unscoped, which only admins at the root of the tree read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE audit_log ADD COLUMN actor_id text;
    ALTER TABLE audit_log ADD COLUMN scope_id text;
    CREATE INDEX audit_log_scope_idx ON audit_log(scope_id, id DESC);
    UPDATE audit_log a SET scope_id = u.scope_id, actor_id = 'user:' || u.id FROM users u WHERE a.scope_id IS NULL AND u.username = a.actor;
    UPDATE audit_log a SET scope_id = t.scope_id, actor_id = t.id
      FROM (SELECT min(id) AS id, name, min(scope_id) AS scope_id FROM api_tokens GROUP BY name HAVING count(*) = 1) t
      WHERE a.scope_id IS NULL AND t.name = a.actor;
  `);
}
