import { type Kysely, sql } from 'kysely';

/**
 * Runs a script of DDL statements one at a time: PGlite's extended protocol takes one statement
 * per query. Statements end with a semicolon at the end of a line; none of ours has one inside.
 */
export async function runScript(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}
