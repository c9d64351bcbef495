import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database.js';
import { CurrentSchemaPostgresDialect } from './introspector.js';

export type Backend = 'pglite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  backend: Backend;
  /** Where the data lives, for logs and /healthz (no credentials). */
  location: string;
  /** The PostgreSQL pool's connections (for /metrics); PGlite has none. */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
  /** PGlite only: its whole data folder as a gzipped tarball (`shegong store backup`). */
  dumpDataDir?(): Promise<Blob>;
  /** The embedded database itself, when the store is PGlite (to serve it to other processes). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** A PostgreSQL URL; without it the store is PGlite. */
  databaseUrl?: string;
  /** PGlite data folder; omitted means in memory. */
  dataDir?: string;
  /** PGlite only: start from this data folder, as `dumpDataDir` wrote it (a gzipped tarball). */
  fromDump?: Blob;
  /** PostgreSQL schema to use (created if missing); tests use one per run. */
  schema?: string;
  poolSize?: number;
}

// Dates stay 'YYYY-MM-DD' strings (no time-zone shift through a JS Date); numerics become numbers
// (scores and budgets are small); bigint ids stay strings.
const DATE_OID = 1082;
const NUMERIC_OID = 1700;

function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === DATE_OID) return (value: string) => value;
      if (oid === NUMERIC_OID) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options.dataDir, options.fromDump);
}

async function openPostgres(databaseUrl: string, options: StoreOptions): Promise<Store> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`invalid schema name: ${schema}`);
  }
  if (schema) {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    types: pgTypes(),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection the server closes (a restart, a failover) is reported here and dropped from
  // the pool; the next query opens a new one. Without a listener the event would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  const url = new URL(databaseUrl);
  return {
    db,
    backend: 'postgres',
    location: `postgres://${url.host}${url.pathname}${schema ? `#${schema}` : ''}`,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: options.poolSize ?? 10 }),
    close: () => db.destroy(),
  };
}

async function openPglite(dataDir?: string, fromDump?: Blob): Promise<Store> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(fromDump ? { loadDataDir: fromDump } : {}),
    parsers: {
      [pgliteTypes.DATE]: (value: string) => value,
      [pgliteTypes.NUMERIC]: (value: string) => Number(value),
    },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return {
    db,
    backend: 'pglite',
    location: dataDir ? `pglite:${dataDir}` : 'pglite:memory',
    dumpDataDir: () => client.dumpDataDir('gzip'),
    pglite: client,
    close: async () => {
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}

/** Drops a schema made for a test run. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}
