import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { servePglite, type PgliteServer } from '../../src/store/pglite-server.js';

// The embedded store served over the wire protocol, so the API and the worker can be separate
// processes on it: two pools (as two processes would have) interleave transactions without
// seeing each other's uncommitted rows, and a connection that drops mid-transaction is rolled back.

describe('PGlite over the wire protocol', () => {
  let db: PGlite;
  let server: PgliteServer;
  let api: Store;
  let worker: Store;

  beforeAll(async () => {
    db = await PGlite.create();
    server = await servePglite(db);
    api = await openStore({ databaseUrl: server.url, poolSize: 4 });
    worker = await openStore({ databaseUrl: server.url, poolSize: 4 });
    await migrateToLatest(api.db);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await server?.close();
    await db?.close();
  });

  it('runs the migrations and answers both pools', async () => {
    const fromApi = await api.db.selectFrom('org_units').select('id').execute();
    const fromWorker = await worker.db.selectFrom('org_units').select('id').execute();
    expect(fromWorker).toEqual(fromApi);
  });

  it('keeps concurrent transactions from two pools whole', async () => {
    await api.db.schema.createTable('wire_test').ifNotExists().addColumn('n', 'integer').execute();
    const writes = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? api : worker).db.transaction().execute(async (trx) => {
      await trx.insertInto('wire_test' as never).values({ n: index } as never).execute();
      await trx.insertInto('wire_test' as never).values({ n: index + 100 } as never).execute();
      if (index % 5 === 4) throw new Error('rolled back on purpose');
    }).catch(() => undefined));
    await Promise.all(writes);
    const rows = await worker.db.selectFrom('wire_test' as never).select('n' as never).execute() as Array<{ n: number }>;
    const kept = Array.from({ length: 20 }, (_, index) => index).filter((index) => index % 5 !== 4);
    expect(rows.map((row) => row.n).sort((a, b) => a - b)).toEqual([...kept, ...kept.map((index) => index + 100)].sort((a, b) => a - b));
  });

  it('rolls back a transaction whose connection dropped, and serves the next one', async () => {
    const client = new pg.Client({ connectionString: server.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO wire_test (n) VALUES (999)');
    // The other pool waits for its turn while the transaction is open; the drop ends it.
    const waiting = worker.db.selectFrom('wire_test' as never).select('n' as never).execute();
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const rows = await waiting as Array<{ n: number }>;
    expect(rows.map((row) => row.n)).not.toContain(999);
  });
});
