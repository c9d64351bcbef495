import { forbidden, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import { childOrgUnits, getOrgUnit, inScope } from '../store/repositories/org-unit.js';
import { emptyPlansByStage, type PlansByStage } from '../store/repositories/report.js';
import { dimensionKeys, rollupFigures, type RollupFigures } from '../store/repositories/rollup.js';
import type { ServiceDeps } from './deps.js';

// The roll-up a district or a city reads: the units directly under a scope (a district's
// streets, a city's districts) side by side. Each figure is one grouped query over the scope's
// subtree (store/repositories/rollup.ts): a call costs the same few queries for 3 units or 300,
// and nothing grows with the records under them but the indexed scans. Aggregates only.

export const ROLLUP_SORT_KEYS = ['name', 'communities', 'stationsOperating', 'communitiesRemaining', 'coverageRatio', 'trainingCompletion', 'residentsServed'] as const;
export type RollupSortKey = (typeof ROLLUP_SORT_KEYS)[number];

export interface RollupRow {
  id: string;
  kind: string;
  name: { zh: string; en: string };
  communities: number;
  stationsOperating: number;
  communitiesRemaining: number;
  stationsInRollout: number;
  coverageRatio: number;
  plansByStage: PlansByStage;
  /** The share of active workers who passed level 1, averaged over the dimensions (0–1). */
  trainingCompletion: number;
  residentsServed: number;
}

export interface Rollup {
  asOf: string;
  scope: { id: string; kind: string; name: { zh: string; en: string } };
  total: number;
  items: RollupRow[];
  totals: Omit<RollupRow, 'id' | 'kind' | 'name'>;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

function rowOf(unit: { id: string; kind: string; name: { zh: string; en: string } }, figures: RollupFigures | undefined, dimensions: string[]): RollupRow {
  const communities = figures?.communities ?? 0;
  const operating = figures?.operating ?? 0;
  const workers = figures?.workers ?? 0;
  // Each dimension's completion (the share who passed its first level), then their mean.
  const rates = dimensions.map((key) => (workers === 0 ? 0 : round3((figures?.passedFirstLevel.get(key) ?? 0) / workers)));
  return {
    ...unit,
    communities,
    stationsOperating: operating,
    communitiesRemaining: communities - operating,
    stationsInRollout: figures?.inRollout ?? 0,
    coverageRatio: communities === 0 ? 0 : round3(operating / communities),
    plansByStage: figures?.plansByStage ?? emptyPlansByStage(),
    trainingCompletion: rates.length === 0 ? 0 : round3(rates.reduce((sum, rate) => sum + rate, 0) / rates.length),
    residentsServed: figures?.residentsServed ?? 0,
  };
}

function sumRows(rows: RollupRow[]): Rollup['totals'] {
  const plans = emptyPlansByStage();
  for (const row of rows) for (const key of Object.keys(plans) as Array<keyof PlansByStage>) plans[key] += row.plansByStage[key];
  const communities = rows.reduce((sum, row) => sum + row.communities, 0);
  const operating = rows.reduce((sum, row) => sum + row.stationsOperating, 0);
  const weighted = rows.reduce((sum, row) => sum + row.trainingCompletion * row.communities, 0);
  return {
    communities,
    stationsOperating: operating,
    communitiesRemaining: communities - operating,
    stationsInRollout: rows.reduce((sum, row) => sum + row.stationsInRollout, 0),
    coverageRatio: communities === 0 ? 0 : round3(operating / communities),
    plansByStage: plans,
    trainingCompletion: communities === 0 ? 0 : round3(weighted / communities),
    residentsServed: rows.reduce((sum, row) => sum + row.residentsServed, 0),
  };
}

/** The units under the caller's scope (or a unit in it), sorted and paged with a stable order (ties by id). */
export async function rollupReport(
  deps: Pick<ServiceDeps, 'store' | 'clock'>, principal: Principal,
  query: { scopeId?: string; sort?: RollupSortKey; order?: 'asc' | 'desc'; limit: number; offset: number },
): Promise<Rollup> {
  const db = deps.store.db;
  const scopeId = query.scopeId ?? principal.scopeId;
  const scope = await getOrgUnit(db, scopeId);
  if (!scope) throw notFound(`org unit ${scopeId}`, { reason: 'org_unit_not_found', values: { scopeId } });
  if (!(await inScope(db, principal, scopeId))) throw forbidden(`${scopeId} is outside your scope`, { reason: 'scope_out_of_scope', values: { scopeId } });
  const figures = await rollupFigures(db, scopeId);
  const dimensions = await dimensionKeys(db);
  const rows = (await childOrgUnits(db, scopeId)).map((unit) => rowOf(unit, figures.get(unit.id), dimensions));
  const sort = query.sort ?? 'name';
  const direction = (query.order ?? (sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  rows.sort((a, b) => {
    const by = sort === 'name' ? a.name.zh.localeCompare(b.name.zh, 'zh-CN') : a[sort] - b[sort];
    return by * direction || a.id.localeCompare(b.id);
  });
  return {
    asOf: shanghaiDate(deps.clock()),
    scope,
    total: rows.length,
    items: rows.slice(query.offset, query.offset + query.limit),
    totals: sumRows(rows),
  };
}
