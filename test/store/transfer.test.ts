import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { shanghaiDate } from '../../src/domain/time.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { getLatestPlan } from '../../src/store/repositories/station-plan.js';
import { exportStore, importStore, migrationSeededRows, summarizeStore, TargetNotEmptyError } from '../../src/store/transfer.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { pgliteTemplateFile } from '../helpers/store-template.js';
import { compressed, startPlan } from '../station-plan/support.js';
import { startTrainingHarness, terminateAll, timeline, WANMINGYUAN } from '../training-cycle/support.js';

// `shegong store export` / `import`: every record moved to another store, row for row. A freshly
// migrated target is empty even though its migrations seed rows of their own (the read side's
// version counter); a target that holds records is refused unless told to replace them.

async function* linesOf(text: string) {
  for (const line of text.split('\n')) yield line;
}

async function exportText(store: Store) {
  let text = '';
  const summary = await exportStore(store.db, (line) => { text += line; });
  return { text, summary };
}

/** The export without its header (which carries the moment it was written): every row of every table. */
const rowsOf = (text: string) => text.split('\n').slice(1).join('\n');

describe('moving the default data between stores', () => {
  let source: TestStore;
  const targets: TestStore[] = [];

  beforeAll(async () => {
    source = await createTestStore('pglite', { seed: true, today: '2026-11-28' });
  }, 120_000);
  afterAll(async () => {
    for (const target of targets) await target.dispose();
    await source?.dispose();
  });

  it('finds the rows the migrations themselves seed, and counts a freshly migrated store as empty', async () => {
    const target = await createTestStore('postgres');
    targets.push(target);
    const seeded = await target.db.transaction().execute((tx) => migrationSeededRows(tx));
    expect([...seeded.keys()]).toContain('scope_versions');
    expect(seeded.get('scope_versions')).toEqual(['{"scope_id":"*","version":1}']);
    // The scratch schema the migrations ran in is gone with its savepoint.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata where schema_name like 'shegong_fresh_%'`.execute(target.db);
    expect(rows[0]!.n).toBe(0);

    const { text, summary } = await exportText(source);
    expect(summary.tables.service_monthly!.rows).toBeGreaterThan(0);
    expect(summary.tables.scope_versions!.rows).toBeGreaterThan(0);
    const imported = await importStore(target.db, linesOf(text));
    expect(imported.tables).toEqual(summary.tables);
    // Row for row: the target exports exactly what the source did — the read side's monthly
    // aggregates and version counters as the source had them, not recounted by the triggers.
    expect(rowsOf((await exportText(target)).text)).toBe(rowsOf(text));
    // The triggers are back on after the import: a new record moves the monthly aggregate.
    const record = await target.db.selectFrom('service_records').selectAll().limit(1).executeTakeFirstOrThrow();
    await target.db.updateTable('service_records').set({ residents_served: record.residents_served + 5 }).where('id', '=', record.id).execute();
    const monthly = await target.db.selectFrom('service_monthly').select((eb) => eb.fn.sum<string>('residents_served').as('n')).executeTakeFirstOrThrow();
    const records = await target.db.selectFrom('service_records').select((eb) => eb.fn.sum<string>('residents_served').as('n')).executeTakeFirstOrThrow();
    expect(Number(monthly.n)).toBe(Number(records.n));
  }, 120_000);

  it('moves the records back from PostgreSQL to a fresh embedded store, row for row', async () => {
    const postgres = await createTestStore('postgres');
    targets.push(postgres);
    const { text } = await exportText(source);
    await importStore(postgres.db, linesOf(text));
    const back = await createTestStore('pglite');
    targets.push(back);
    const fromPostgres = await exportText(postgres);
    await importStore(back.db, linesOf(fromPostgres.text));
    expect(rowsOf((await exportText(back)).text)).toBe(rowsOf(text));
  }, 120_000);

  it('refuses a store that holds records, naming the tables, and replaces them only when told', async () => {
    const target = await createTestStore('pglite', { seed: true, today: '2026-11-28' });
    targets.push(target);
    await target.db.deleteFrom('service_records').execute();
    const { text } = await exportText(source);
    const refused = importStore(target.db, linesOf(text));
    await expect(refused).rejects.toBeInstanceOf(TargetNotEmptyError);
    await expect(refused).rejects.toThrow(/already holds records \(in .*communities.*\).*--replace/);
    expect((await summarizeStore(target.db)).tables.service_records!.rows).toBe(0);
    // A changed seeded row is a record too: the read side moved on.
    const fresh = await createTestStore('pglite');
    targets.push(fresh);
    await fresh.db.updateTable('scope_versions').set({ version: 7 }).execute();
    await expect(importStore(fresh.db, linesOf(text))).rejects.toThrow(/already holds records \(in scope_versions\)/);

    await importStore(target.db, linesOf(text), { replace: true });
    expect(rowsOf((await exportText(target)).text)).toBe(rowsOf(text));
  }, 120_000);

  it('refuses a file cut short or from another migration level, changing nothing', async () => {
    const target = await createTestStore('pglite');
    targets.push(target);
    const before = (await exportText(target)).text;
    const { text } = await exportText(source);
    const cut = text.split('\n').slice(0, -3).join('\n');
    await expect(importStore(target.db, linesOf(cut))).rejects.toThrow(/incomplete|cut short/);
    const [header, ...rest] = text.split('\n');
    const older = JSON.parse(header!) as { migrations: string[] };
    older.migrations = older.migrations.slice(0, -1);
    await expect(importStore(target.db, linesOf([JSON.stringify(older), ...rest].join('\n')))).rejects.toThrow(/older store/);
    expect(rowsOf((await exportText(target)).text)).toBe(rowsOf(before));
  }, 120_000);

  it('exports, imports and backs up from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shegong-transfer-'));
    try {
      const sourceDir = join(dir, 'source');
      // The run's seeded template, unpacked as npm start's data folder would hold it.
      mkdirSync(join(sourceDir, 'records'), { recursive: true });
      execFileSync('tar', ['-xzf', await pgliteTemplateFile(inject('storeTemplateDir'), { seed: true, today: '2026-11-28' }), '-C', join(sourceDir, 'records')]);
      const seeded = await openStore({ dataDir: join(sourceDir, 'records') });
      const expected = await summarizeStore(seeded.db);
      await seeded.close();

      const cli = async (args: string[]) => {
        let stdout = '';
        let stderr = '';
        const code = await runCli(args, { stdout: (out) => { stdout += out; }, stderr: (err) => { stderr += err; }, env: {} });
        return { code, stdout, stderr };
      };
      const file = join(dir, 'records.jsonl');
      const exported = await cli(['--json', 'store', 'export', file, '--data-dir', sourceDir]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(JSON.parse(exported.stdout).tables).toEqual(expected.tables);
      expect(readFileSync(file, 'utf8').split('\n')[0]).toContain('"format":"shegong-store-export"');

      // A fresh data folder: the command migrates it, and its migrations' own rows are no records.
      const copy = join(dir, 'copy');
      const imported = await cli(['store', 'import', file, '--data-dir', copy]);
      expect(imported.code, imported.stderr).toBe(0);
      const refused = await cli(['store', 'import', file, '--data-dir', copy]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/already holds records/);
      expect(refused.stderr).toMatch(/--replace/);
      const replaced = await cli(['store', 'import', file, '--data-dir', copy, '--replace']);
      expect(replaced.code, replaced.stderr).toBe(0);

      // The embedded store refuses to be opened while npm start runs on it.
      mkdirSync(join(copy, 'temporal'), { recursive: true });
      writeFileSync(join(copy, 'temporal', 'dev-server.pid'), '1');
      expect((await cli(['store', 'export', join(dir, 'x.jsonl'), '--data-dir', copy])).stderr).toMatch(/stop it first/);
      rmSync(join(copy, 'temporal'), { recursive: true });

      const backup = join(dir, 'backup.tar.gz');
      const backedUp = await cli(['store', 'backup', backup, '--data-dir', copy]);
      expect(backedUp.code, backedUp.stderr).toBe(0);
      const restored = join(dir, 'restored');
      mkdirSync(join(restored, 'records'), { recursive: true });
      execFileSync('tar', ['-xzf', backup, '-C', join(restored, 'records')]);
      const reopened = await openStore({ dataDir: join(restored, 'records') });
      try {
        expect((await summarizeStore(reopened.db)).tables).toEqual(expected.tables);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('moving records the workflows wrote', () => {
  let harness: Harness;
  let target: TestStore;
  const workflows: string[] = [];
  const cycleId = `cyc-transfer-${Date.now().toString(36)}`;

  beforeAll(async () => {
    harness = await startTrainingHarness('store-transfer');
    target = await createTestStore('postgres');
  }, 300_000);
  afterAll(async () => {
    if (harness) await terminateAll(harness.client, workflows);
    await harness?.close();
    await target?.dispose();
  });

  it('round-trips the default data plus a running plan, a cycle and a new service record from PGlite to PostgreSQL, row for row', async () => {
    const plan = await startPlan(harness, WANMINGYUAN, compressed(3_600_000, harness.taskQueue));
    workflows.push(plan.workflowId);
    const t = timeline();
    const launched = await harness.api!.call('POST', '/api/training-cycles', {
      token: harness.tokens.supervisor,
      body: {
        id: cycleId, name: 'transfer', cohort: { workerIds: ['w-hongmaogou-sw1', 'w-hongmaogou-sw2'] },
        sessions: [{ dimension: 'party_policy', level: 1, startsAt: t.iso(86_400), endsAt: t.iso(90_000), place: 'p', trainer: 't', capacity: 5 }],
        assessment: { passMark: 60, retakeWindowSeconds: 60 },
      },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    workflows.push(`training-cycle:${cycleId}`);
    const recorded = await harness.api!.call('POST', '/api/service-records', {
      token: harness.tokens.station_lead,
      body: { id: 'sr-transfer-1', communityId: WANMINGYUAN, servedOn: shanghaiDate(new Date()), kind: 'group', theme: 'elderly', title: { zh: '读报小组' }, residentsServed: 9 },
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    await eventually('the plan and the cycle mirrored', async () => {
      expect((await getLatestPlan(harness.store.db, WANMINGYUAN))?.status).toBe('running');
      const tasks = await harness.store.db.selectFrom('plan_tasks').select('task_id').where('plan_id', '=', plan.planId).execute();
      const enrolments = await harness.store.db.selectFrom('enrolments').select('worker_id').where('cycle_id', '=', cycleId).execute();
      return tasks.length > 0 && enrolments.length === 2;
    }, { timeoutMs: 120_000 });

    const { text, summary } = await exportText(harness.store);
    expect(summary.tables.training_cycles!.rows).toBeGreaterThan(0);
    expect(summary.tables.plans!.rows).toBeGreaterThan(0);
    expect(summary.tables.plan_tasks!.rows).toBeGreaterThan(0);
    expect(text).toContain(cycleId);
    expect(text).toContain('sr-transfer-1');

    const imported = await importStore(target.db, linesOf(text));
    expect(imported.tables).toEqual(summary.tables);
    // Read back from PostgreSQL the way an export reads: the same rows, byte for byte.
    expect(rowsOf((await exportText(target)).text)).toBe(rowsOf(text));

    // Serial ids continue after the imported ones.
    const maxAudit = await target.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    const inserted = await target.db.insertInto('audit_log').values({
      actor: 'transfer test', action: 'test', entity: 'test', entity_id: 'x', before: null, after: null, request_id: null, actor_id: null, scope_id: null,
    }).returning('id').executeTakeFirstOrThrow();
    expect(BigInt(inserted.id)).toBeGreaterThan(BigInt(maxAudit?.max ?? 0));

    // Now it holds records: refused without --replace, replaced with it.
    await expect(importStore(target.db, linesOf(text))).rejects.toBeInstanceOf(TargetNotEmptyError);
    await importStore(target.db, linesOf(text), { replace: true });
    expect(rowsOf((await exportText(target)).text)).toBe(rowsOf(text));
  }, 300_000);
});
