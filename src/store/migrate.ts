import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_notification_outbox.js';
import * as m0003 from './migrations/0003_station_plans.js';
import * as m0004 from './migrations/0004_training.js';
import * as m0005 from './migrations/0005_rollout_runs_and_venture_evaluation.js';
import * as m0007 from './migrations/0007_users.js';
import * as m0008 from './migrations/0008_plan_task_escalations.js';
import * as m0110 from './migrations/0110_audit_scope.js';
import * as m0111 from './migrations/0111_password_change_required.js';
import * as m0170 from './migrations/0170_rollout_cancellation.js';
import * as m0171 from './migrations/0171_calendar_feeds.js';
import * as m0190 from './migrations/0190_read_side.js';
import * as m0150 from './migrations/0150_attachments.js';
import * as m0151 from './migrations/0151_case_calls.js';
import * as m0152 from './migrations/0152_manual_versions.js';
import * as m0153 from './migrations/0153_station_brands.js';
import * as m0154 from './migrations/0154_case_call_spread_threshold.js';
import * as m0130 from './migrations/0130_service_records.js';
import * as m0191 from './migrations/0191_service_monthly_by_record.js';
import * as m0120 from './migrations/0120_worker_heartbeats.js';
import * as m0131 from './migrations/0131_posts.js';
import * as m0140 from './migrations/0140_five_party.js';
import * as m0142 from './migrations/0142_resource_requests.js';

// Listed here rather than read from disk, so the same list works under tsx, a bundle or a build.
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_notification_outbox': m0002,
  '0003_station_plans': m0003,
  '0004_training': m0004,
  '0005_rollout_runs_and_venture_evaluation': m0005,
  '0007_users': m0007,
  '0008_plan_task_escalations': m0008,
  '0110_audit_scope': m0110,
  '0111_password_change_required': m0111,
  '0170_rollout_cancellation': m0170,
  '0171_calendar_feeds': m0171,
  '0190_read_side': m0190,
  '0150_attachments': m0150,
  '0151_case_calls': m0151,
  '0152_manual_versions': m0152,
  '0153_station_brands': m0153,
  '0154_case_call_spread_threshold': m0154,
  '0130_service_records': m0130,
  '0191_service_monthly_by_record': m0191,
  '0120_worker_heartbeats': m0120,
  '0131_posts': m0131,
  '0140_five_party': m0140,
  '0142_resource_requests': m0142,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Every migration, in the order a fresh store runs them (by name, as Kysely's Migrator does). */
export function migrationsInOrder(): Array<[name: string, migration: Migration]> {
  return Object.entries(migrations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Runs every pending migration, in name order; throws on the first failure. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  // Areas add migrations independently; each is self-contained, so their order of arrival may differ.
  // Kysely looks for its migration tables in every schema unless told which one; with several
  // schemas in one PostgreSQL database (tests, benchmarks) another schema's tables would count.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true, migrationTableSchema: rows[0]?.schema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}
