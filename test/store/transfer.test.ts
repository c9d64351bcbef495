import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { openStore } from '../../src/store/connect.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { getLatestPlan } from '../../src/store/repositories/station-plan.js';
import { loadDefaultData } from '../../src/store/seed/default-data.js';
import { exportStore, importStore, summarizeStore, TargetNotEmptyError } from '../../src/store/transfer.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { compressed, startPlan } from '../station-plan/support.js';
import { startTrainingHarness, terminateAll, timeline, WANMINGYUAN } from '../training-cycle/support.js';

async function* linesOf(text: string) {
  for (const line of text.split('\n')) yield line;
}

async function exportText(store: TestStore | Harness['store']) {
  let text = '';
  const summary = await exportStore(store.db, (line) => { text += line; });
  return { text, summary };
}

describe('moving every record to another store', () => {
  let harness: Harness;
  let target: TestStore;
  let dir: string;
  const workflows: string[] = [];
  const cycleId = `cyc-transfer-${Date.now().toString(36)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shegong-transfer-'));
    harness = await startTrainingHarness('store-transfer');
    target = await createTestStore('postgres');
  }, 300_000);
  afterAll(async () => {
    if (harness) await terminateAll(harness.client, workflows);
    await harness?.close();
    await target?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips the default data plus a running plan and cycle from PGlite to PostgreSQL, count for count and checksum for checksum', async () => {
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
    await eventually('the plan mirrored with its tasks', async () => {
      expect((await getLatestPlan(harness.store.db, WANMINGYUAN))?.status).toBe('running');
      const tasks = await harness.store.db.selectFrom('plan_tasks').select('task_id').where('plan_id', '=', plan.planId).execute();
      return tasks.length > 0;
    }, { timeoutMs: 120_000 });

    const { text, summary } = await exportText(harness.store);
    expect(summary.tables.training_cycles!.rows).toBeGreaterThan(0);
    expect(summary.tables.plans!.rows).toBeGreaterThan(0);
    expect(summary.tables.org_units!.rows).toBeGreaterThan(0);
    expect(text).toContain(cycleId);

    const imported = await importStore(target.db, linesOf(text));
    expect(imported.tables).toEqual(summary.tables);
    // Read back from PostgreSQL the way an export reads: the same rows, byte for byte.
    const again = await summarizeStore(target.db);
    expect(again.tables).toEqual(summary.tables);
    const cycle = await target.db.selectFrom('training_cycles').select(['id', 'status']).where('id', '=', cycleId).executeTakeFirst();
    expect(cycle?.id).toBe(cycleId);

    // Serial ids continue after the imported ones.
    const maxAudit = await target.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    const inserted = await target.db.insertInto('audit_log').values({
      actor: 'transfer test', action: 'test', entity: 'test', entity_id: 'x', before: null, after: null, request_id: null, actor_id: null, scope_id: null,
    }).returning('id').executeTakeFirstOrThrow();
    expect(BigInt(inserted.id)).toBeGreaterThan(BigInt(maxAudit?.max ?? 0));
  }, 300_000);

  it('refuses a store that already holds records, and replaces them only when told', async () => {
    const { text } = await exportText(harness.store);
    await expect(importStore(target.db, linesOf(text))).rejects.toBeInstanceOf(TargetNotEmptyError);
    const replaced = await importStore(target.db, linesOf(text), { replace: true });
    expect((await summarizeStore(target.db)).tables).toEqual(replaced.tables);
  });

  it('refuses a file cut short, changing nothing', async () => {
    const before = await summarizeStore(target.db);
    const { text } = await exportText(harness.store);
    const cut = text.split('\n').slice(0, -3).join('\n');
    await expect(importStore(target.db, linesOf(cut), { replace: true })).rejects.toThrow(/incomplete|cut short/);
    expect((await summarizeStore(target.db)).tables).toEqual(before.tables);
  });

  it('exports, imports and backs up from the command line', async () => {
    const source = join(dir, 'source');
    const seeded = await openStore({ dataDir: join(source, 'records') });
    await migrateToLatest(seeded.db);
    await loadDefaultData(seeded.db, '2026-11-28');
    const expected = await summarizeStore(seeded.db);
    await seeded.close();

    const cli = async (args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(args, { stdout: (out) => { stdout += out; }, stderr: (err) => { stderr += err; }, env: {} });
      return { code, stdout, stderr };
    };
    const file = join(dir, 'records.jsonl');
    const exported = await cli(['--json', 'store', 'export', file, '--data-dir', source]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout).tables).toEqual(expected.tables);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toContain('"format":"shegong-store-export"');

    const copy = join(dir, 'copy');
    expect((await cli(['store', 'import', file, '--data-dir', copy])).code).toBe(0);
    const refused = await cli(['store', 'import', file, '--data-dir', copy]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds records/);
    expect((await cli(['store', 'import', file, '--data-dir', copy, '--replace'])).code).toBe(0);

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
  }, 300_000);
});
