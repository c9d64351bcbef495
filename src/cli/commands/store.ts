// `shegong store …`: the one command area that works on a records store directly rather than
// through the API, the way pg_dump does: moving every record to another store, and backing up the
// embedded (PGlite) one. See docs/operations.md, "Backups" and "Moving off the embedded store".
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { openStore, type Store } from '../../store/connect.js';
import { migrateToLatest } from '../../store/migrate.js';
import { exportStore, importStore, TargetNotEmptyError, type ExportSummary } from '../../store/transfer.js';
import { CliError, EXIT, usageError } from '../client.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';

interface StoreOptions {
  databaseUrl?: string;
  dataDir?: string;
}

/** The store the options (or DATABASE_URL / DATA_DIR, as the service reads them) name, migrated. */
async function openNamedStore(ctx: CliContext, options: StoreOptions): Promise<Store> {
  const databaseUrl = options.databaseUrl ?? (ctx.io.env.DATABASE_URL || undefined);
  const dataDir = resolve(options.dataDir ?? ctx.io.env.DATA_DIR ?? 'data');
  if (!databaseUrl) refuseWhileRunning(dataDir);
  try {
    const store = await openStore({ databaseUrl, dataDir: databaseUrl ? undefined : join(dataDir, 'records') });
    await migrateToLatest(store.db);
    return store;
  } catch (error) {
    throw new CliError(EXIT.unavailable, `cannot open the records store: ${(error as Error).message}`);
  }
}

/** PGlite's folder belongs to one process at a time: a running `npm start` must be stopped first. */
function refuseWhileRunning(dataDir: string) {
  if (existsSync(join(dataDir, 'temporal', 'dev-server.pid'))) {
    throw new CliError(EXIT.refused, `npm start appears to be running on ${dataDir} (temporal/dev-server.pid exists): stop it first; the embedded store is one process's at a time`);
  }
}

const storeOptions = (command: Command) => command
  .option('--database-url <url>', 'a PostgreSQL store (default: env DATABASE_URL)')
  .option('--data-dir <dir>', 'the embedded store\'s DATA_DIR when no PostgreSQL URL is given (default: env DATA_DIR or ./data)');

function printSummary(ctx: CliContext, verb: string, file: string, summary: ExportSummary) {
  const rows = Object.entries(summary.tables).map(([name, value]) => ({ table: name, rows: value.rows, sha256: value.sha256.slice(0, 16) }));
  const total = rows.reduce((sum, row) => sum + row.rows, 0);
  ctx.print({ file, ...summary }, () => `${verb} ${total} records in ${rows.length} tables (${file}):\n${table(rows, ['table', 'rows', 'sha256'], ['table', 'rows', 'sha256 (first 16)'])}`);
}

export function registerStoreCommands(program: Command, ctx: CliContext) {
  const store = program.command('store')
    .description('the records store itself, not through the API: export and import every record, back up the embedded store');

  storeOptions(store.command('export')
    .description('write every record to a portable file (JSON Lines: a header, each table\'s rows, counts and checksums)')
    .argument('<file>', 'where to write the export'))
    .action(async (file: string, options: StoreOptions) => {
      const source = await openNamedStore(ctx, options);
      try {
        await mkdir(dirname(resolve(file)), { recursive: true });
        const out = createWriteStream(file);
        const write = (line: string) => new Promise<void>((done, fail) => {
          if (out.write(line)) done();
          else out.once('drain', done).once('error', fail);
        });
        const summary = await exportStore(source.db, write);
        await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
        printSummary(ctx, 'Exported', file, summary);
      } finally {
        await source.close();
      }
    });

  storeOptions(store.command('import')
    .description('load an export into another store (e.g. PostgreSQL), all or nothing; refuses a store that already holds records')
    .argument('<file>', 'an export written by `shegong store export`')
    .option('--replace', 'empty the target store first, replacing every record it holds'))
    .action(async (file: string, options: StoreOptions & { replace?: boolean }) => {
      if (!existsSync(file)) throw usageError(`no such file: ${file}`);
      const target = await openNamedStore(ctx, options);
      try {
        const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
        const summary = await importStore(target.db, lines, { replace: options.replace });
        printSummary(ctx, 'Imported', file, summary);
      } catch (error) {
        if (error instanceof TargetNotEmptyError) throw new CliError(EXIT.refused, error.message);
        if (error instanceof CliError) throw error;
        throw new CliError(EXIT.refused, `import failed, nothing was changed: ${(error as Error).message}`);
      } finally {
        await target.close();
      }
    });

  store.command('backup')
    .description('back up the embedded store (PGlite) to a gzipped tarball of its data folder; for PostgreSQL use pg_dump')
    .argument('<file>', 'where to write the tarball, e.g. backups/records-2026-12-01.tar.gz')
    .option('--data-dir <dir>', 'the DATA_DIR to back up (default: env DATA_DIR or ./data)')
    .action(async (file: string, options: { dataDir?: string }) => {
      if (ctx.io.env.DATABASE_URL) throw usageError('DATABASE_URL is set: the records are in PostgreSQL; back them up with pg_dump (docs/operations.md)');
      const dataDir = resolve(options.dataDir ?? ctx.io.env.DATA_DIR ?? 'data');
      if (!existsSync(join(dataDir, 'records'))) throw usageError(`no embedded store at ${join(dataDir, 'records')}`);
      const source = await openNamedStore(ctx, { dataDir });
      try {
        const blob = await source.dumpDataDir!();
        await mkdir(dirname(resolve(file)), { recursive: true });
        await writeFile(file, Buffer.from(await blob.arrayBuffer()));
        ctx.print({ file, bytes: blob.size }, () => `Backed up ${join(dataDir, 'records')} to ${file} (${blob.size} bytes). Restore: stop Shegong, move ${join(dataDir, 'records')} away, then \`mkdir -p ${join(dataDir, 'records')} && tar -xzf ${file} -C ${join(dataDir, 'records')}\`.`);
      } finally {
        await source.close();
      }
    });
}
