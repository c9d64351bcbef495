import { forbidden, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import { inScope, scopedCommunityIds, subtreeIds, getOrgUnit } from '../store/repositories/org-unit.js';
import {
  communityIdsInStreet, findStreet, streetIdsOf, overdueTasks, plansByStage, reportLabels, residentsByMonth, stationsOpenedBetween, trainingCompletion,
  ventureProjectsByStatus, type PlansByStage, type TrainingCompletion,
} from '../store/repositories/report.js';
import type { ServiceDeps } from './deps.js';
import { coverageReport } from './station-rollout.js';

// The monthly report (月报) a street's center hands upward: coverage, plans by stage, training,
// residents served by theme, venture projects and the notable overdue items, for one month.
// Aggregates and task titles only, so every role in the street may read it.

export interface MonthlyReport {
  street: { id: string; name: { zh: string; en: string } };
  month: string;
  period: { from: string; to: string };
  asOf: string;
  coverage: {
    communities: number; operating: number; remaining: number; inRollout: number; ratio: number; openedThisMonth: number;
    projectedFullCoverage: string | null; targetFullCoverage: string | null;
  };
  plansByStage: PlansByStage;
  training: TrainingCompletion[];
  residentsServed: {
    month: number;
    yearToDate: number;
    byTheme: Array<{ theme: string; name: { zh: string; en: string }; residentsServed: number; records: number }>;
  };
  ventureProjects: { total: number; byStatus: Record<string, number> };
  overdue: { count: number; items: Array<{ communityId: string; community: { zh: string; en: string }; title: { zh: string; en: string }; dueAt: string }> };
}

const OVERDUE_ITEMS = 10;

function monthBounds(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The street a monthly report is for: the one asked for, or the caller's own (a street or a community's). */
async function reportStreet(deps: Pick<ServiceDeps, 'store'>, principal: Principal, streetId: string | undefined): Promise<string> {
  if (streetId) return streetId;
  const unit = await getOrgUnit(deps.store.db, principal.scopeId);
  if (unit?.kind === 'street') return unit.id;
  if (unit?.kind === 'community') {
    const [street] = await streetIdsOf(deps.store.db, [unit.id]);
    if (street) return street;
  }
  throw invalid([{ path: 'query.streetId', message: 'required: your scope holds more than one street' }], { reason: 'street_required' });
}

export async function monthlyReport(deps: Pick<ServiceDeps, 'store' | 'clock'>, principal: Principal, query: { streetId?: string; month?: string }): Promise<MonthlyReport> {
  const db = deps.store.db;
  const now = deps.clock();
  const today = shanghaiDate(now);
  const month = query.month ?? today.slice(0, 7);
  const streetId = await reportStreet(deps, principal, query.streetId);
  const street = await findStreet(db, streetId);
  if (!street) throw notFound(`street ${streetId}`, { reason: 'street_not_found', values: { streetId } });
  const inStreet = new Set(await communityIdsInStreet(db, streetId));
  const communityIds = (await scopedCommunityIds(db, principal)).filter((id) => inStreet.has(id));
  const wholeStreet = await inScope(db, principal, streetId);
  if (communityIds.length === 0 && !wholeStreet) {
    throw forbidden(`street ${streetId} is outside your scope`, { reason: 'street_out_of_scope', values: { streetId } });
  }
  const period = monthBounds(month);
  // A past month is reported as it stood at its end; the current one as of today.
  const asOf = period.to < today ? period.to : today;
  const asOfInstant = period.to < today ? new Date(`${period.to}T23:59:59+08:00`) : now;
  // Training counts the workers of the whole street for its callers, of their own communities for a station's.
  const units = wholeStreet ? await subtreeIds(db, streetId) : communityIds;
  const coverage = await coverageReport(deps.store, communityIds, today, { personal: false });
  const labels = await reportLabels(db);
  const monthRows = await residentsByMonth(db, communityIds, period.from, period.from);
  const yearRows = await residentsByMonth(db, communityIds, `${month.slice(0, 4)}-01-01`, period.from);
  const overdue = await overdueTasks(db, communityIds, asOfInstant, OVERDUE_ITEMS);
  return {
    street,
    month,
    period,
    asOf,
    coverage: {
      communities: coverage.total, operating: coverage.operating, remaining: coverage.remaining, inRollout: coverage.inRollout, ratio: coverage.ratio,
      openedThisMonth: await stationsOpenedBetween(db, communityIds, period.from, period.to),
      projectedFullCoverage: coverage.projectedFullCoverage, targetFullCoverage: coverage.targetFullCoverage,
    },
    plansByStage: await plansByStage(db, communityIds),
    training: await trainingCompletion(db, units),
    residentsServed: {
      month: monthRows.reduce((sum, row) => sum + row.residentsServed, 0),
      yearToDate: yearRows.reduce((sum, row) => sum + row.residentsServed, 0),
      byTheme: [...labels.themes.entries()].map(([theme, name]) => {
        const row = monthRows.find((r) => r.theme === theme);
        return { theme, name, residentsServed: row?.residentsServed ?? 0, records: row?.records ?? 0 };
      }),
    },
    ventureProjects: await ventureProjectsByStatus(db, communityIds),
    overdue: {
      count: overdue.count,
      items: overdue.oldest.map((task) => ({
        communityId: task.communityId, community: labels.communities.get(task.communityId) ?? { zh: task.communityId, en: task.communityId },
        title: task.title, dueAt: task.dueAt.toISOString(),
      })),
    },
  };
}
