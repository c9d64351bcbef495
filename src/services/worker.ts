import { outboundPolicy, webhookUrlProblem } from '../notifications/outbound.js';
import { forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { recordAudit } from '../store/repositories/audit.js';
import { listCommunities } from '../store/repositories/community.js';
import { existingOrgUnitIds, inScope, subtreeIds } from '../store/repositories/org-unit.js';
import { getWorker, listWorkers, lockWorkers, upsertWorkers, type WorkerInput, type WorkerView } from '../store/repositories/worker.js';
import type { Store } from '../store/connect.js';
import type { ImportResult } from './community.js';
import type { ServiceDeps } from './deps.js';

export interface WorkerFilter {
  communityId?: string;
  position?: WorkerView['position'];
  q?: string;
  limit: number;
  offset: number;
}

/** Workers in the caller's scope (a station lead's scope is their station). */
export async function listWorkersInScope(deps: ServiceDeps, principal: Principal, filter: WorkerFilter): Promise<WorkerView[]> {
  const orgUnitIds = await subtreeIds(deps.store.db, principal.scopeId);
  return listWorkers(deps.store.db, { orgUnitIds, ...filter });
}

/** One worker, if the caller may see them (see assertCanSeeWorker). */
export async function getWorkerVisibleTo(deps: ServiceDeps, principal: Principal, workerId: string): Promise<WorkerView> {
  const worker = await getWorker(deps.store.db, workerId);
  if (!worker) throw workerNotFound(workerId);
  await assertCanSeeWorker(deps, principal, worker);
  return worker;
}

const workerNotFound = (workerId: string) => notFound(`worker ${workerId}`, { reason: 'worker_not_found', values: { workerId } });

/**
 * Social workers see only themselves; station leads their station; supervisors and admins their
 * scope. A worker the caller may not see is as good as missing.
 */
export async function assertCanSeeWorker(deps: ServiceDeps, principal: Principal, worker: { id: string; orgUnitId: string; communityId: string | null }): Promise<void> {
  if (principal.role === 'social_worker') {
    if (principal.workerId !== worker.id) throw workerNotFound(worker.id);
    return;
  }
  if (!(await inScope(deps.store.db, principal, worker.communityId ?? worker.orgUnitId))) throw workerNotFound(worker.id);
}

/** Whether a worker lies inside the caller's scope: their org unit and, when they have one, their community. */
export async function workerInScope(db: Store['db'], principal: Principal, worker: { orgUnitId: string; communityId: string | null }): Promise<boolean> {
  return (await inScope(db, principal, worker.orgUnitId)) && (worker.communityId === null || (await inScope(db, principal, worker.communityId)));
}

/**
 * Creates or updates workers (rows already validated), all or nothing, auditing each row's before
 * and after. Both the row written and the row it replaces must lie in the caller's scope, so an
 * admin can neither overwrite another community's worker nor move one into or out of their own.
 */
export async function importWorkers(deps: ServiceDeps, principal: Principal, lines: Array<{ line: number; row: WorkerInput }>, requestId: string): Promise<ImportResult> {
  const rows = lines.map(({ row }) => row);
  const orgUnits = new Set(await existingOrgUnitIds(deps.store.db, rows.map((row) => row.orgUnitId)));
  const unknownUnits = lines.filter(({ row }) => !orgUnits.has(row.orgUnitId));
  if (unknownUnits.length > 0) {
    throw invalid(
      unknownUnits.map(({ row, line }) => ({ path: `line ${line}.orgUnitId`, line, field: 'orgUnitId', message: `unknown org unit ${row.orgUnitId}`, code: 'org_unit_unknown', values: { orgUnitId: row.orgUnitId } })),
      { reason: 'unknown_org_unit', values: { orgUnitIds: [...new Set(unknownUnits.map(({ row }) => row.orgUnitId))] } },
    );
  }
  const communityIds = [...new Set(rows.map((row) => row.communityId).filter((id): id is string => id !== null))];
  const known = new Set((await listCommunities(deps.store.db, { ids: communityIds })).map((c) => c.id));
  // A webhook is a place the worker process will send requests to: https on the allow-list only.
  const policy = outboundPolicy(deps.config.WECOM_ALLOWED_HOSTS);
  const badHooks = lines.flatMap(({ row, line }) => {
    const problem = row.wecomWebhookUrl ? webhookUrlProblem(row.wecomWebhookUrl, policy) : undefined;
    return problem ? [{ path: `line ${line}.wecomWebhookUrl`, line, field: 'wecomWebhookUrl', message: problem }] : [];
  });
  if (badHooks.length > 0) throw invalid(badHooks, { reason: 'webhook_not_allowed', values: { lines: badHooks.map((problem) => problem.line) } });
  const unknown = lines.filter(({ row }) => row.communityId !== null && !known.has(row.communityId));
  if (unknown.length > 0) {
    throw invalid(
      unknown.map(({ row, line }) => ({ path: `line ${line}.communityId`, line, field: 'communityId', message: `unknown community ${row.communityId}`, code: 'community_unknown', values: { communityId: row.communityId } })),
      { reason: 'unknown_community', values: { communityIds: unknown.map(({ row }) => row.communityId) } },
    );
  }
  const changes = await deps.store.db.transaction().execute(async (trx) => {
    // One read of the caller's subtree answers every row's question, however long the import.
    const scope = new Set(await subtreeIds(trx, principal.scopeId));
    const outsideUnits = lines.filter(({ row }) => !scope.has(row.orgUnitId));
    if (outsideUnits.length > 0) {
      const orgUnitIds = [...new Set(outsideUnits.map(({ row }) => row.orgUnitId))];
      throw forbidden(`org units outside your scope: ${orgUnitIds.join(', ')}`, { reason: 'org_unit_outside_scope', values: { orgUnitIds, lines: outsideUnits.map(({ line }) => line) } });
    }
    const outside = communityIds.filter((id) => !scope.has(id));
    if (outside.length > 0) {
      throw forbidden(`communities outside your scope: ${outside.join(', ')}`, { reason: 'org_unit_outside_scope', values: { orgUnitIds: outside } });
    }
    // The rows being replaced, locked until the change commits, so a concurrent move cannot slip between check and write.
    const existing = await lockWorkers(trx, rows.map((row) => row.id));
    const foreign = existing.filter((worker) => !scope.has(worker.orgUnitId) || (worker.communityId !== null && !scope.has(worker.communityId))).map((worker) => worker.id);
    if (foreign.length > 0) {
      throw forbidden(`workers outside your scope: ${foreign.join(', ')}`, {
        reason: 'worker_outside_scope', values: { workerIds: foreign, lines: lines.filter(({ row }) => foreign.includes(row.id)).map(({ line }) => line) },
      });
    }
    const result = await upsertWorkers(trx, rows);
    for (const change of result) {
      await recordAudit(trx, { actor: principal.name, action: change.before ? 'update' : 'create', entity: 'worker', entityId: change.id, before: change.before, after: change.after, requestId });
    }
    return result;
  });
  return { imported: changes.length, ids: changes.map((change) => change.id) };
}
