import { invalid, notFound, type FieldProblem } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { getCommunity } from '../store/repositories/community.js';
import { inScope } from '../store/repositories/org-unit.js';
import { getStationBrand, projectCommunitiesOf, saveStationBrand, type StationBrandView } from '../store/repositories/station-brand.js';
import type { ServiceDeps } from './deps.js';

// "One station, one brand, one feature" (一站一品牌一特色): a station records its brand — a name,
// the feature it is known for, and the venture projects of its own community that carry it.
// Anyone whose scope holds the station reads it; its station lead, supervisors and admins over it
// record it. A station outside the caller's scope does not exist for them (404), for reading and
// writing alike. Every change is audited with what it was before.

type BrandDeps = Pick<ServiceDeps, 'store' | 'clock'>;

export interface BrandInput {
  name: { zh: string; en?: string };
  feature: { zh: string; en?: string };
  projectIds?: string[];
}

const communityNotFound = (communityId: string) => notFound(`community ${communityId}`, { reason: 'community_not_found', values: { communityId } });

/** The community, when it exists and the caller's scope holds it; not found otherwise. */
async function communityInScope(deps: BrandDeps, principal: Principal, communityId: string): Promise<void> {
  const community = await getCommunity(deps.store.db, communityId);
  if (!community || !(await inScope(deps.store.db, principal, communityId))) throw communityNotFound(communityId);
}

/** Viewers see the brand, not who wrote it. */
function forRole(brand: StationBrandView, principal: Principal) {
  if (principal.role !== 'viewer') return brand;
  const { updatedBy: _by, ...rest } = brand;
  return rest;
}

export async function readStationBrand(deps: BrandDeps, principal: Principal, communityId: string) {
  await communityInScope(deps, principal, communityId);
  const brand = await getStationBrand(deps.store.db, communityId);
  if (!brand) throw notFound(`brand of station ${communityId}`, { reason: 'brand_not_found', values: { communityId } });
  return forRole(brand, principal);
}

/**
 * Records the station's brand or replaces it whole. Each linked project must be a venture project
 * of this community: one the caller cannot see is named unknown, one of another station in their
 * scope is named as such; both under `body.projectIds`.
 */
export async function putStationBrand(deps: BrandDeps, principal: Principal, communityId: string, input: BrandInput, requestId?: string) {
  const { db } = deps.store;
  // The brand is keyed by its community: the row that exists and the row written are the same
  // station's, so one check covers both.
  await communityInScope(deps, principal, communityId);
  const projectIds = [...new Set(input.projectIds ?? [])];
  const owners = await projectCommunitiesOf(db, projectIds);
  const problems: FieldProblem[] = [];
  for (const projectId of projectIds) {
    const owner = owners.get(projectId);
    if (owner === communityId) continue;
    if (owner !== undefined && await inScope(db, principal, owner)) {
      problems.push({ path: 'body.projectIds', message: `venture project ${projectId} belongs to another station (${owner})`, code: 'project_other_station', values: { projectId, communityId: owner } });
    } else {
      problems.push({ path: 'body.projectIds', message: `no venture project ${projectId} at this station`, code: 'project_unknown', values: { projectId } });
    }
  }
  if (problems.length > 0) throw invalid(problems, { reason: 'brand_invalid', values: { communityId } });
  const name = { zh: input.name.zh, en: input.name.en ?? input.name.zh };
  const feature = { zh: input.feature.zh, en: input.feature.en ?? input.feature.zh };
  const { created, changed } = await saveStationBrand(db, { communityId, name, feature, projectIds, by: principal.name, at: deps.clock() }, {
    actor: principal.name, entity: 'station_brand', entityId: communityId, requestId,
  });
  const brand = await getStationBrand(db, communityId);
  return { ...forRole(brand!, principal), created, changed };
}
