// Moving every record from one store to another (PGlite → PostgreSQL, when a street's embedded
// store is outgrown): `shegong store export` and `shegong store import` (src/cli/commands/store.ts).
//
// The file is JSON Lines: a header naming the format and the migrations the source had, then per
// table a line naming it and one line per row, then a footer with each table's row count and a
// SHA-256 over its rows. Rows are PostgreSQL's own `row_to_json` rendering (timestamps to the
// microsecond, in UTC; numerics exact; jsonb as JSON), in primary-key order, and are loaded back
// with `json_populate_recordset`, so every column type round-trips without a per-table mapping.
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { migrationsInOrder } from './migrate.js';

export const EXPORT_FORMAT = 'shegong-store-export';
export const EXPORT_VERSION = 1;
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);
const BATCH_ROWS = 2_000;

export interface TableSummary {
  rows: number;
  sha256: string;
}

export interface ExportSummary {
  format: typeof EXPORT_FORMAT;
  version: number;
  migrations: string[];
  tables: Record<string, TableSummary>;
}

interface TableInfo {
  name: string;
  primaryKey: string[];
  columns: string[];
  references: string[];
  /** A foreign key to itself (org_units' parents). */
  selfReferencing: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- catalog queries are outside the typed schema
type AnyDb = Kysely<any>;

async function tableInfo(db: AnyDb): Promise<TableInfo[]> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const columns = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
  const keys = await sql<{ table: string; column: string }>`
    select tc.table_name as table, kcu.column_name as column
    from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
    where tc.table_schema = current_schema() and tc.constraint_type = 'PRIMARY KEY'
    order by tc.table_name, kcu.ordinal_position`.execute(db);
  const references = await sql<{ table: string; referenced: string }>`
    select distinct c.conrelid::regclass::text as table, c.confrelid::regclass::text as referenced
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  const bare = (name: string) => name.replace(/^.*\./, '').replace(/"/g, '');
  return tables.rows.filter((table) => !MIGRATION_TABLES.has(table.name)).map((table) => ({
    name: table.name,
    columns: columns.rows.filter((row) => row.table === table.name).map((row) => row.column),
    primaryKey: keys.rows.filter((row) => row.table === table.name).map((row) => row.column),
    references: references.rows.filter((row) => bare(row.table) === table.name && bare(row.referenced) !== table.name).map((row) => bare(row.referenced)),
    selfReferencing: references.rows.some((row) => bare(row.table) === table.name && bare(row.referenced) === table.name),
  }));
}

/** Tables ordered so that every table comes after the tables it references. */
function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const ordered: TableInfo[] = [];
  const done = new Set<string>();
  let remaining = [...tables];
  while (remaining.length > 0) {
    const ready = remaining.filter((table) => table.references.every((name) => done.has(name) || !tables.some((t) => t.name === name)));
    const next = ready.length > 0 ? ready : [remaining[0]!]; // a cycle: take one and let the database judge
    for (const table of next) {
      ordered.push(table);
      done.add(table.name);
    }
    remaining = remaining.filter((table) => !done.has(table.name));
  }
  return ordered;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

/**
 * Writes every record of the store through `write` (one line at a time, each ending in a newline)
 * and returns the summary also written as the footer. Runs in one repeatable-read transaction, so
 * the file is a consistent snapshot even while the service runs.
 */
export async function exportStore(db: Kysely<Database>, write: (line: string) => Promise<void> | void): Promise<ExportSummary> {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (tx) => {
    await sql`set local time zone 'UTC'`.execute(tx);
    const migrations = await appliedMigrations(tx);
    const summary: ExportSummary = { format: EXPORT_FORMAT, version: EXPORT_VERSION, migrations, tables: {} };
    await write(`${JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, migrations, exportedAt: new Date().toISOString() })}\n`);
    for (const table of dependencyOrder(await tableInfo(tx))) {
      await write(`${JSON.stringify({ table: table.name, columns: table.columns })}\n`);
      const order = (table.primaryKey.length > 0 ? table.primaryKey : table.columns).map(quote).join(', ');
      const hash = createHash('sha256');
      let count = 0;
      let offset = 0;
      for (;;) {
        const { rows } = await sql<{ j: string }>`select row_to_json(t)::text as j from ${sql.table(table.name)} t
          order by ${sql.raw(order)} limit ${BATCH_ROWS} offset ${offset}`.execute(tx);
        for (const row of rows) {
          hash.update(row.j).update('\n');
          await write(`{"row":${row.j}}\n`);
        }
        count += rows.length;
        offset += rows.length;
        if (rows.length < BATCH_ROWS) break;
      }
      summary.tables[table.name] = { rows: count, sha256: hash.digest('hex') };
    }
    await write(`${JSON.stringify({ end: true, tables: summary.tables })}\n`);
    return summary;
  });
}

/** Each table's row count and checksum, computed the way an export computes them. */
export async function summarizeStore(db: Kysely<Database>): Promise<ExportSummary> {
  return exportStore(db, () => undefined);
}

/** Thrown when the target already holds records and the caller did not say to replace them. */
export class TargetNotEmptyError extends Error {}

export interface ImportOptions {
  /** Replace whatever the target holds (every table emptied first). */
  replace?: boolean;
}

/**
 * The rows a freshly migrated store holds before anyone has written a record — what the migrations
 * themselves insert (today the read side's '*' version counter). Found by running every migration
 * into a scratch schema inside the caller's transaction and rolling that back, so the list is the
 * migrations' own and never kept by hand. Each table's rows as `row_to_json` text, in key order.
 */
export async function migrationSeededRows(tx: AnyDb): Promise<Map<string, string[]>> {
  const scratch = `shegong_fresh_${randomBytes(6).toString('hex')}`;
  const { rows: [setting] } = await sql<{ path: string }>`select current_setting('search_path') as path`.execute(tx);
  await sql`savepoint migration_baseline`.execute(tx);
  try {
    await sql.raw(`create schema ${scratch}`).execute(tx);
    await sql.raw(`set local search_path to ${scratch}`).execute(tx);
    for (const [, migration] of migrationsInOrder()) await migration.up(tx);
    const seeded = new Map<string, string[]>();
    for (const table of await tableInfo(tx)) {
      const rows = await tableRows(tx, table);
      if (rows.length > 0) seeded.set(table.name, rows);
    }
    return seeded;
  } finally {
    await sql`rollback to savepoint migration_baseline`.execute(tx);
    await sql`release savepoint migration_baseline`.execute(tx);
    await sql`select set_config('search_path', ${setting!.path}, true)`.execute(tx);
  }
}

async function tableRows(tx: AnyDb, table: TableInfo, limit?: number): Promise<string[]> {
  const order = (table.primaryKey.length > 0 ? table.primaryKey : table.columns).map(quote).join(', ');
  const { rows } = await sql<{ j: string }>`select row_to_json(t)::text as j from ${sql.table(table.name)} t
    order by ${sql.raw(order)} ${limit === undefined ? sql`` : sql`limit ${limit}`}`.execute(tx);
  return rows.map((row) => row.j);
}

/**
 * The tables of the target holding records someone wrote: rows beyond (or other than) those its
 * migrations seed. A freshly migrated store holds none, so it counts as empty.
 */
async function tablesHoldingRecords(tx: AnyDb, tables: TableInfo[]): Promise<string[]> {
  const seeded = await migrationSeededRows(tx);
  const holding: string[] = [];
  for (const table of tables) {
    const expected = seeded.get(table.name) ?? [];
    // Read at most one row more than the migrations seed: enough to tell, however large the table.
    const rows = await tableRows(tx, table, expected.length + 1);
    if (rows.length !== expected.length || rows.some((row, index) => row !== expected[index])) holding.push(table.name);
  }
  return holding;
}

/**
 * Loads an export into a migrated store, in one transaction: either every record arrives or none.
 * Refuses a target that holds records unless `replace` — rows the migrations themselves seed are
 * not records, so a freshly migrated store is empty; refuses a file from a store at another
 * migration level. Rows are loaded as the file has them, with the tables' own triggers off (as
 * `pg_dump --disable-triggers` does), so the read side (version counters, monthly aggregates)
 * arrives as the source had it rather than being counted twice. Checks each table's count and
 * checksum against the footer, then moves id sequences past the imported ids.
 */
export async function importStore(db: Kysely<Database>, lines: AsyncIterable<string>, options: ImportOptions = {}): Promise<ExportSummary> {
  return db.transaction().execute(async (tx) => {
    await sql`set local time zone 'UTC'`.execute(tx);
    const tables = await tableInfo(tx);
    const known = new Map(tables.map((table) => [table.name, table]));
    const holding = await tablesHoldingRecords(tx, tables);
    if (holding.length > 0 && !options.replace) {
      throw new TargetNotEmptyError(`the target store already holds records (in ${holding.join(', ')}); import into an empty store (freshly migrated), or replace them with --replace`);
    }
    // Triggers off for this transaction's writes (undone with it on failure); the migrations'
    // seeded rows go too, the file carrying the source's own.
    for (const table of tables) await sql.raw(`alter table ${quote(table.name)} disable trigger user`).execute(tx);
    await sql.raw(`truncate ${tables.map((table) => quote(table.name)).join(', ')} cascade`).execute(tx);

    type Header = { format?: string; version?: number; migrations?: string[] };
    let header: Header | undefined;
    let footer: { tables?: Record<string, TableSummary> } | undefined;
    let current: { name: string; batch: string[]; hash: ReturnType<typeof createHash>; rows: number } | undefined;
    const summary: ExportSummary = { format: EXPORT_FORMAT, version: EXPORT_VERSION, migrations: [], tables: {} };
    const flush = async () => {
      if (!current || current.batch.length === 0) return;
      await sql`insert into ${sql.table(current.name)} select * from json_populate_recordset(null::${sql.table(current.name)}, ${`[${current.batch.join(',')}]`}::json)`.execute(tx);
      current.batch = [];
    };
    const finishTable = async () => {
      if (!current) return;
      await flush();
      summary.tables[current.name] = { rows: current.rows, sha256: current.hash.digest('hex') };
      current = undefined;
    };
    let lineNo = 0;
    for await (const raw of lines) {
      lineNo += 1;
      const line = raw.trim();
      if (!line) continue;
      if (!header) {
        const parsed = JSON.parse(line) as Header;
        header = parsed;
        if (parsed.format !== EXPORT_FORMAT) throw new Error(`line 1: not a Shegong store export (format ${JSON.stringify(parsed.format)})`);
        if (parsed.version !== EXPORT_VERSION) throw new Error(`line 1: export version ${parsed.version} is not ${EXPORT_VERSION}`);
        const applied = await appliedMigrations(tx);
        const missing = (parsed.migrations ?? []).filter((name: string) => !applied.includes(name));
        if (missing.length > 0) throw new Error(`the export comes from a newer store (migrations ${missing.join(', ')}); upgrade Shegong first`);
        const lacking = applied.filter((name) => !(parsed.migrations ?? []).includes(name));
        if (lacking.length > 0) throw new Error(`the export comes from an older store (it lacks migrations ${lacking.join(', ')}); export it again with this version of Shegong, which migrates the source first`);
        summary.migrations = parsed.migrations ?? [];
        continue;
      }
      if (line.startsWith('{"row":')) {
        if (!current) throw new Error(`line ${lineNo}: a row before any table`);
        const row = line.slice('{"row":'.length, -1);
        current.hash.update(row).update('\n');
        current.rows += 1;
        current.batch.push(row);
        // A table that references itself (org_units' parents) goes in one statement, so the
        // foreign key is checked once every row is in.
        if (current.batch.length >= BATCH_ROWS && !known.get(current.name)!.selfReferencing) await flush();
        continue;
      }
      const entry = JSON.parse(line) as { table?: string; end?: boolean; tables?: Record<string, TableSummary> };
      await finishTable();
      if (entry.end) {
        footer = entry;
        break;
      }
      if (!entry.table || !known.has(entry.table)) throw new Error(`line ${lineNo}: table ${JSON.stringify(entry.table)} does not exist in the target store`);
      current = { name: entry.table, batch: [], hash: createHash('sha256'), rows: 0 };
    }
    if (!footer?.tables) throw new Error('the export file is incomplete (no closing summary line): was it cut short?');
    for (const [name, expected] of Object.entries(footer.tables)) {
      const got = summary.tables[name];
      if (!got || got.rows !== expected.rows || got.sha256 !== expected.sha256) {
        throw new Error(`table ${name}: the file's rows do not match its own summary (${got?.rows ?? 0} rows read, ${expected.rows} listed)`);
      }
    }
    // Serial ids (audit_log) continue after the imported ones.
    const serials = await sql<{ table: string; column: string }>`select table_name as table, column_name as column
      from information_schema.columns where table_schema = current_schema() and column_default like 'nextval(%'`.execute(tx);
    for (const table of tables) await sql.raw(`alter table ${quote(table.name)} enable trigger user`).execute(tx);
    for (const serial of serials.rows) {
      if (MIGRATION_TABLES.has(serial.table)) continue;
      await sql`select setval(pg_get_serial_sequence(${quote(serial.table)}, ${serial.column}), coalesce(max(${sql.ref(serial.column)})::bigint, 0) + 1, false)
        from ${sql.table(serial.table)}`.execute(tx);
    }
    return summary;
  });
}
