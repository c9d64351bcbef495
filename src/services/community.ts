import { forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { recordAudit } from '../store/repositories/audit.js';
import { getCommunity, listCommunities, upsertCommunities, type CommunityInput, type CommunityView } from '../store/repositories/community.js';
import { inScope, orgUnitExists, scopedCommunityIds } from '../store/repositories/org-unit.js';
import type { ServiceDeps } from './deps.js';

/** The communities in the caller's scope, with their station status. */
export async function listCommunitiesInScope(deps: ServiceDeps, principal: Principal, filter: { streetId?: string }): Promise<CommunityView[]> {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  return listCommunities(deps.store.db, { ids, streetId: filter.streetId });
}

/** One community; one outside the caller's scope is as good as missing. */
export async function getCommunityInScope(deps: ServiceDeps, principal: Principal, communityId: string): Promise<CommunityView> {
  const community = await getCommunity(deps.store.db, communityId);
  if (!community || !(await inScope(deps.store.db, principal, community.id))) {
    throw notFound(`community ${communityId}`, { reason: 'community_not_found', values: { communityId } });
  }
  return community;
}

/** Refuses an import that names an org unit that does not exist or lies outside the caller's scope. */
export async function assertOrgUnitsInScope(deps: ServiceDeps, principal: Principal, orgUnitIds: string[]): Promise<void> {
  for (const id of new Set(orgUnitIds)) {
    if (!(await orgUnitExists(deps.store.db, id))) {
      throw invalid([{ path: 'body.streetId', message: `unknown org unit ${id}` }], { reason: 'unknown_org_unit', values: { orgUnitId: id } });
    }
    if (!(await inScope(deps.store.db, principal, id))) {
      throw forbidden(`org unit ${id} is outside your scope`, { reason: 'org_unit_outside_scope', values: { orgUnitId: id } });
    }
  }
}

export interface ImportResult {
  imported: number;
  ids: string[];
}

/** Creates or updates communities (rows already validated), all or nothing, auditing each row's before and after. */
export async function importCommunities(deps: ServiceDeps, principal: Principal, rows: CommunityInput[], requestId: string): Promise<ImportResult> {
  await assertOrgUnitsInScope(deps, principal, rows.map((row) => row.streetId));
  const changes = await deps.store.db.transaction().execute(async (trx) => {
    const result = await upsertCommunities(trx, rows);
    for (const change of result) {
      await recordAudit(trx, { actor: principal.name, action: change.before ? 'update' : 'create', entity: 'community', entityId: change.id, before: change.before, after: change.after, requestId });
    }
    return result;
  });
  return { imported: changes.length, ids: changes.map((change) => change.id) };
}
