import { randomBytes } from 'node:crypto';
import { PostgresIntrospector, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.js';

// Tests, benchmarks and the cluster share one PostgreSQL database with a schema each, and drop their
// schema when they end. Kysely's own introspector looked up every schema by name while another file
// dropped one, and a migration failed with "schema … does not exist" (CI, reports/etag).
describe('store introspection on a shared PostgreSQL database', () => {
  let store: TestStore;
  const others: string[] = [];
  let admin: pg.Client;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    for (const schema of others) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    await store.dispose();
  });

  it("lists the current schema's tables alone, not another schema's migration tables", async () => {
    const other = `t_${randomBytes(6).toString('hex')}`;
    others.push(other);
    await admin.query(`CREATE SCHEMA ${other}; CREATE TABLE ${other}.kysely_migration (name text); CREATE TABLE ${other}.stray (id int)`);
    const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
    expect(new Set(tables.map((table) => table.schema)).size).toBe(1);
    expect(tables.map((table) => table.name)).toContain('kysely_migration');
    expect(tables.map((table) => table.name)).not.toContain('stray');
    const withoutInternal = await store.db.introspection.getTables();
    expect(withoutInternal.map((table) => table.name)).not.toContain('kysely_migration');
    // The same metadata Kysely's own introspector gives for the tables they both list.
    const upstream = (await new PostgresIntrospector(store.db as unknown as Kysely<unknown>).getTables()).filter(
      (table) => table.schema === tables[0]!.schema,
    );
    expect(withoutInternal).toEqual(upstream.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  });

  it('keeps listing while other schemas are created and dropped beside it', async () => {
    let stop = false;
    const churn = (async () => {
      while (!stop) {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.a (id int, b text, c text); CREATE TABLE ${schema}.b (id int)`);
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      }
    })();
    try {
      for (let round = 0; round < 150; round += 1) await store.db.introspection.getTables({ withInternalKyselyTables: true });
    } finally {
      stop = true;
      await churn;
    }
  });
});
