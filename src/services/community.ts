import { forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { recordAudit } from '../store/repositories/audit.js';
import { getCommunity, listCommunities, upsertCommunities, type CommunityInput, type CommunityView } from '../store/repositories/community.js';
import { inScope, lockOrgUnits, orgUnitExists, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import type { ServiceDeps } from './deps.js';

/** The communities in the caller's scope, with their station status. */
export async function listCommunitiesInScope(
  deps: ServiceDeps, principal: Principal, filter: { streetId?: string; q?: string; limit?: number; offset?: number },
): Promise<CommunityView[]> {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  return listCommunities(deps.store.db, { ids, ...filter });
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
      throw invalid([{ path: 'body.streetId', message: `unknown org unit ${id}`, code: 'org_unit_unknown', values: { orgUnitId: id } }], { reason: 'unknown_org_unit', values: { orgUnitId: id } });
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

/**
 * Creates or updates communities (rows already validated), all or nothing, auditing each row's
 * before and after. Both the community as it is (its place in the org tree) and as written (its
 * street) must lie in the caller's scope, so an admin can neither rename another street's community
 * nor move one out of, or into, their own subtree; an id that names another kind of org unit (a
 * street, a district) is refused.
 */
export async function importCommunities(deps: ServiceDeps, principal: Principal, rows: CommunityInput[], requestId: string): Promise<ImportResult> {
  await assertOrgUnitsInScope(deps, principal, rows.map((row) => row.streetId));
  const changes = await deps.store.db.transaction().execute(async (trx) => {
    // The org units being replaced, locked until the change commits, so a concurrent move cannot slip between check and write.
    const existing = await lockOrgUnits(trx, rows.map((row) => row.id));
    const line = (id: string) => rows.findIndex((row) => row.id === id) + 1;
    const notCommunities = existing.filter((unit) => unit.kind !== 'community');
    if (notCommunities.length > 0) {
      throw invalid(
        notCommunities.map((unit) => ({ path: `line ${line(unit.id)}.id`, line: line(unit.id), field: 'id', message: `${unit.id} is a ${unit.kind}, not a community`, code: 'not_a_community', values: { id: unit.id, kind: unit.kind } })),
        { reason: 'not_a_community', values: { orgUnitIds: notCommunities.map((unit) => unit.id) } },
      );
    }
    const scope = new Set(await subtreeIds(trx, principal.scopeId));
    const foreign = existing.filter((unit) => !scope.has(unit.id)).map((unit) => unit.id);
    if (foreign.length > 0) {
      throw forbidden(`communities outside your scope: ${foreign.join(', ')}`, {
        reason: 'community_outside_scope', values: { communityIds: foreign, lines: foreign.map(line) },
      });
    }
    const result = await upsertCommunities(trx, rows);
    for (const change of result) {
      await recordAudit(trx, { actor: principal.name, action: change.before ? 'update' : 'create', entity: 'community', entityId: change.id, before: change.before, after: change.after, requestId });
    }
    return result;
  });
  return { imported: changes.length, ids: changes.map((change) => change.id) };
}
