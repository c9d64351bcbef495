import { forbidden } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import { inScope, scopedCommunityIds, subtreeIds } from '../store/repositories/org-unit.js';
import {
  communityIdsInStreet, countCenters, plansByStage, residentsServed, stationCounts, streetIdsOf, trainingCompletion, ventureProjectsByStatus,
  type PlansByStage, type ResidentsServed, type TrainingCompletion,
} from '../store/repositories/report.js';
import { postsFilled, type PostsFilled } from '../store/repositories/post.js';
import type { ServiceDeps } from './deps.js';
import { linkageIndexOf } from './five-party.js';

// The summary report: the figures the source report gives, for the caller's scope. Aggregates
// only, so every role may read it.

export interface SummaryReport {
  asOf: string;
  scopeId: string;
  centers: number;
  communities: number;
  stationsOperating: number;
  communitiesRemaining: number;
  stationsInRollout: number;
  residentsServed: ResidentsServed;
  ventureProjects: { total: number; byStatus: Record<string, number> };
  plansByStage: PlansByStage;
  trainingCompletion: TrainingCompletion[];
  /** Posts (岗位建设) required and filled today, per station and in all. */
  posts: PostsFilled;
  /** Five-party linkage index over the last 90 days, per station and street (aggregates, no names). */
  linkageIndex: Awaited<ReturnType<typeof linkageIndexOf>>;
}

/** The summary of the principal's scope, or of one street in it. */
export async function summaryReport(deps: Pick<ServiceDeps, 'store' | 'clock'>, principal: Principal, streetId?: string): Promise<SummaryReport> {
  const { db } = deps.store;
  let communityIds = await scopedCommunityIds(db, principal);
  let units = await subtreeIds(db, principal.scopeId);
  if (streetId) {
    if (!(await inScope(db, principal, streetId))) throw forbidden(`street ${streetId} is outside your scope`, { reason: 'street_out_of_scope', values: { streetId } });
    const inStreet = new Set(await communityIdsInStreet(db, streetId));
    communityIds = communityIds.filter((id) => inStreet.has(id));
    units = await subtreeIds(db, streetId);
  }
  // The centers serving these communities: their streets' (a community-scoped caller sees its own).
  const streets = await streetIdsOf(db, communityIds);
  const counts = await stationCounts(db, communityIds);
  return {
    asOf: shanghaiDate(deps.clock()),
    scopeId: streetId ?? principal.scopeId,
    centers: await countCenters(db, streets),
    communities: counts.communities,
    stationsOperating: counts.operating,
    communitiesRemaining: counts.communities - counts.operating,
    stationsInRollout: counts.inRollout,
    residentsServed: await residentsServed(db, communityIds),
    ventureProjects: await ventureProjectsByStatus(db, communityIds),
    plansByStage: await plansByStage(db, communityIds),
    trainingCompletion: await trainingCompletion(db, units),
    posts: await postsFilled(db, communityIds, shanghaiDate(deps.clock())),
    linkageIndex: await linkageIndexOf(deps, communityIds, { streetResources: true }),
  };
}
