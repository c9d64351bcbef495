import { type Kysely, sql } from 'kysely';
import type { Milestone } from '../../domain/types.js';
import type { Database } from '../database.js';
import { recordAudit, type AuditEntry } from './audit.js';

// The records-store side of station rollouts: the workflow writes through activities that call
// these (idempotent on business keys), the API and the dashboards read.

/** Runs `fn` in the caller's transaction, or in a new one. */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export interface MilestoneRowInput {
  milestone: Milestone;
  targetDate: string;
  owner: string | null;
}

export interface RolloutMirrorInput {
  communityId: string;
  workflowId: string;
  /** The workflow's first run id: a row from another run is reset, the same run's is kept. */
  runId: string;
  targetFullCoverage: string | null;
  milestones: MilestoneRowInput[];
}

/**
 * Writes a rollout's rows when its workflow starts. Idempotent: the same run finds its rows and
 * changes nothing; a new run of the same business id (after a terminated one) resets them. The
 * community gets a station row in status `rollout` unless it has one. An audit entry, when given,
 * is written in the same transaction whether or not the workflow got there first.
 */
export async function mirrorRolloutStarted(db: Kysely<Database>, input: RolloutMirrorInput, audit?: AuditEntry): Promise<{ written: boolean }> {
  return inTransaction(db, async (trx) => {
    if (audit) await recordAudit(trx, audit);
    const existing = await trx.selectFrom('rollouts').select(['run_id']).where('community_id', '=', input.communityId).forUpdate().executeTakeFirst();
    if (existing && existing.run_id === input.runId) return { written: false };
    await trx.insertInto('rollouts')
      .values({ community_id: input.communityId, workflow_id: input.workflowId, run_id: input.runId, status: 'running', target_full_coverage: input.targetFullCoverage })
      .onConflict((oc) => oc.column('community_id').doUpdateSet({
        workflow_id: input.workflowId, run_id: input.runId, status: 'running', target_full_coverage: input.targetFullCoverage, started_at: new Date(), opened_at: null,
        cancelled_at: null, cancelled_by: null, cancel_reason: null,
      }))
      .execute();
    await trx.deleteFrom('rollout_milestones').where('community_id', '=', input.communityId).execute();
    await trx.insertInto('rollout_milestones')
      .values(input.milestones.map((m) => ({
        community_id: input.communityId, milestone: m.milestone, target_date: m.targetDate, owner: m.owner, status: 'pending' as const, replans: JSON.stringify([]),
      })))
      .execute();
    const community = await trx.selectFrom('communities').select(['name_zh', 'name_en']).where('id', '=', input.communityId).executeTakeFirst();
    await trx.insertInto('stations')
      .values({
        id: `station-${input.communityId}`, community_id: input.communityId,
        name_zh: `${community?.name_zh ?? input.communityId}社会工作服务站`, name_en: `${community?.name_en ?? input.communityId} social-work station`,
        status: 'rollout', opened_on: null,
      })
      .onConflict((oc) => oc.column('community_id').doNothing())
      .execute();
    return { written: true };
  });
}

export async function communityName(db: Kysely<Database>, communityId: string): Promise<{ zh: string; en: string } | null> {
  const row = await db.selectFrom('communities').select(['name_zh', 'name_en']).where('id', '=', communityId).executeTakeFirst();
  return row ? { zh: row.name_zh, en: row.name_en } : null;
}

/** Marks a milestone done; a second call (a retried activity) changes nothing. */
export async function markMilestoneDone(db: Kysely<Database>, input: { communityId: string; milestone: Milestone; completedAt: Date; evidence: unknown }): Promise<void> {
  await db.updateTable('rollout_milestones')
    .set({ status: 'done', completed_at: input.completedAt, evidence: JSON.stringify(input.evidence) })
    .where('community_id', '=', input.communityId)
    .where('milestone', '=', input.milestone)
    .where('status', '=', 'pending')
    .execute();
}

export interface ReplanEntry {
  from: string;
  to: string;
  reason: string;
  by: string;
  /** ISO instant; with the milestone, the replan's identity (a retry finds it recorded). */
  at: string;
}

/** Moves a milestone's target and appends the replan, once per replan. */
export async function recordReplan(db: Kysely<Database>, input: { communityId: string; milestone: Milestone; replan: ReplanEntry }): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('rollout_milestones').select(['replans'])
      .where('community_id', '=', input.communityId).where('milestone', '=', input.milestone).forUpdate().executeTakeFirst();
    if (!row) return;
    const replans = (row.replans ?? []) as ReplanEntry[];
    if (replans.some((entry) => entry.at === input.replan.at)) return;
    await trx.updateTable('rollout_milestones')
      .set({ target_date: input.replan.to, replans: JSON.stringify([...replans, input.replan]) })
      .where('community_id', '=', input.communityId).where('milestone', '=', input.milestone)
      .execute();
  });
}

/** The station opens: operating from `openedOn`, and the rollout is marked opened. Idempotent. */
export async function markStationOpened(db: Kysely<Database>, input: { communityId: string; openedOn: string; openedAt: Date }): Promise<void> {
  await inTransaction(db, async (trx) => {
    const community = await trx.selectFrom('communities').select(['name_zh', 'name_en']).where('id', '=', input.communityId).executeTakeFirst();
    await trx.insertInto('stations')
      .values({
        id: `station-${input.communityId}`, community_id: input.communityId,
        name_zh: `${community?.name_zh ?? input.communityId}社会工作服务站`, name_en: `${community?.name_en ?? input.communityId} social-work station`,
        status: 'operating', opened_on: input.openedOn,
      })
      .onConflict((oc) => oc.column('community_id').doUpdateSet({ status: 'operating', opened_on: input.openedOn, updated_at: new Date() }).where('stations.status', '<>', 'operating'))
      .execute();
    await trx.updateTable('rollouts').set({ status: 'opened', opened_at: input.openedAt })
      .where('community_id', '=', input.communityId).where('status', '=', 'running').execute();
  });
}

/** The rollout is cancelled, with the reason and who cancelled it; only a running one changes. */
export async function markRolloutCancelled(db: Kysely<Database>, input: { communityId: string; reason: string; by: string; at: Date }): Promise<void> {
  await db.updateTable('rollouts')
    .set({ status: 'cancelled', cancelled_at: input.at, cancelled_by: input.by, cancel_reason: input.reason })
    .where('community_id', '=', input.communityId).where('status', '=', 'running')
    .execute();
}

/** The rollout of a community (any status), or undefined when it never had one. */
export async function getRolloutStatus(db: Kysely<Database>, communityId: string): Promise<RolloutRow['status'] | undefined> {
  const row = await db.selectFrom('rollouts').select('status').where('community_id', '=', communityId).executeTakeFirst();
  return row?.status;
}

/** Who owns a milestone of a community's rollout; undefined when the rollout has no such row. */
export async function milestoneOwner(db: Kysely<Database>, communityId: string, milestone: Milestone): Promise<{ owner: string | null } | undefined> {
  return db.selectFrom('rollout_milestones').select('owner')
    .where('community_id', '=', communityId).where('milestone', '=', milestone).executeTakeFirst();
}

export interface RolloutCandidateRow {
  communityId: string;
  station: 'rollout' | 'operating' | 'closed' | null;
  rollout: RolloutRow['status'] | null;
}

/** The given communities with their station's and rollout's status, by id: who a street rollout may start. */
export async function rolloutCandidates(db: Kysely<Database>, communityIds: string[]): Promise<RolloutCandidateRow[]> {
  if (communityIds.length === 0) return [];
  const rows = await db.selectFrom('communities as c')
    .leftJoin('stations as s', 's.community_id', 'c.id').leftJoin('rollouts as r', 'r.community_id', 'c.id')
    .select(['c.id', 's.status as station', 'r.status as rollout']).where('c.id', 'in', communityIds).orderBy('c.id').execute();
  return rows.map((row) => ({ communityId: row.id, station: row.station ?? null, rollout: row.rollout ?? null }));
}

/** Active social workers assigned to a community: staffing needs at least one. */
export async function countSocialWorkers(db: Kysely<Database>, communityId: string): Promise<number> {
  const row = await db.selectFrom('workers').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('community_id', '=', communityId).where('position', '=', 'social_worker').where('active', '=', true)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Active center supervisors whose unit is an ancestor of the community (its street, district …). */
export async function centerSupervisorsFor(db: Kysely<Database>, communityId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    WITH RECURSIVE up AS (
      SELECT id, parent_id FROM org_units WHERE id = ${communityId}
      UNION ALL
      SELECT o.id, o.parent_id FROM org_units o JOIN up ON o.id = up.parent_id
    )
    SELECT w.id FROM workers w JOIN up ON w.org_unit_id = up.id
    WHERE w.position = 'center_supervisor' AND w.active
    ORDER BY w.id`.execute(db);
  return result.rows.map((row) => row.id);
}

export async function stationLeadsOf(db: Kysely<Database>, communityId: string): Promise<string[]> {
  const rows = await db.selectFrom('workers').select('id')
    .where('community_id', '=', communityId).where('position', '=', 'station_lead').where('active', '=', true)
    .orderBy('id').execute();
  return rows.map((row) => row.id);
}

export interface MilestoneRow {
  milestone: Milestone;
  targetDate: string;
  owner: string | null;
  status: 'pending' | 'done';
  completedAt: Date | null;
  replans: ReplanEntry[];
}

export interface RolloutRow {
  communityId: string;
  workflowId: string;
  status: 'running' | 'opened' | 'cancelled';
  targetFullCoverage: string | null;
  startedAt: Date;
  openedAt: Date | null;
  cancellation: { reason: string; by: string | null; at: Date } | null;
  milestones: MilestoneRow[];
}

/** Rollouts of the given communities with their milestones. */
export async function listRollouts(db: Kysely<Database>, communityIds: string[]): Promise<RolloutRow[]> {
  if (communityIds.length === 0) return [];
  const rollouts = await db.selectFrom('rollouts').selectAll().where('community_id', 'in', communityIds).orderBy('community_id').execute();
  if (rollouts.length === 0) return [];
  const milestones = await db.selectFrom('rollout_milestones').selectAll()
    .where('community_id', 'in', rollouts.map((r) => r.community_id)).execute();
  return rollouts.map((r) => ({
    communityId: r.community_id,
    workflowId: r.workflow_id,
    status: r.status,
    targetFullCoverage: r.target_full_coverage,
    startedAt: r.started_at,
    openedAt: r.opened_at,
    cancellation: r.status === 'cancelled' && r.cancelled_at ? { reason: r.cancel_reason ?? '', by: r.cancelled_by, at: r.cancelled_at } : null,
    milestones: milestones.filter((m) => m.community_id === r.community_id).map((m) => ({
      milestone: m.milestone, targetDate: m.target_date, owner: m.owner, status: m.status, completedAt: m.completed_at,
      replans: (m.replans ?? []) as ReplanEntry[],
    })),
  }));
}

export interface CommunityStationRow {
  communityId: string;
  streetId: string;
  name: { zh: string; en: string };
  isPlaceholder: boolean;
  stationStatus: 'rollout' | 'operating' | 'closed' | null;
  openedOn: string | null;
}

/** Every given community with its station's status. */
export async function communityStations(db: Kysely<Database>, communityIds: string[]): Promise<CommunityStationRow[]> {
  if (communityIds.length === 0) return [];
  const rows = await db.selectFrom('communities as c').leftJoin('stations as s', 's.community_id', 'c.id')
    .select(['c.id', 'c.street_id', 'c.name_zh', 'c.name_en', 'c.is_placeholder', 's.status', 's.opened_on'])
    .where('c.id', 'in', communityIds).orderBy('c.id').execute();
  return rows.map((row) => ({
    communityId: row.id, streetId: row.street_id, name: { zh: row.name_zh, en: row.name_en }, isPlaceholder: row.is_placeholder,
    stationStatus: row.status ?? null, openedOn: row.opened_on ?? null,
  }));
}
