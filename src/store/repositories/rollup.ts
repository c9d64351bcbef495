import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';
import { emptyPlansByStage, type PlansByStage } from './report.js';

// The roll-up's figures for every unit directly under a scope (a district's streets, a city's
// districts) at once: each figure is one grouped query over the whole subtree, keyed by the child
// unit a row falls under, so a call costs the same handful of queries however many units and
// communities there are. The per-unit functions in report.ts count the same things for one set
// of communities; test/reports/rollup.test.ts checks the two agree.

export interface RollupFigures {
  communities: number;
  operating: number;
  inRollout: number;
  plansByStage: PlansByStage;
  /** Active social workers and station leads (training's denominator). */
  workers: number;
  /** Workers who passed the first level, by dimension key. */
  passedFirstLevel: Map<string, number>;
  residentsServed: number;
}

/** Every org unit under a scope, with the child of the scope it sits under (a child counts as its own). */
const branch = (scopeId: string) => sql`WITH RECURSIVE branch AS (
    SELECT id, id AS child FROM org_units WHERE parent_id = ${scopeId}
    UNION ALL
    SELECT o.id, b.child FROM org_units o JOIN branch b ON o.parent_id = b.id
  )`;

/** The roll-up's figures, keyed by the id of each child of the scope that has any. */
export async function rollupFigures(db: Kysely<Database>, scopeId: string): Promise<Map<string, RollupFigures>> {
  const figures = new Map<string, RollupFigures>();
  const of = (child: string): RollupFigures => {
    let entry = figures.get(child);
    if (!entry) {
      entry = { communities: 0, operating: 0, inRollout: 0, plansByStage: emptyPlansByStage(), workers: 0, passedFirstLevel: new Map(), residentsServed: 0 };
      figures.set(child, entry);
    }
    return entry;
  };

  const stations = await sql<{ child: string; communities: string; operating: string; in_rollout: string; not_started: string }>`${branch(scopeId)}
    SELECT b.child,
           count(*) AS communities,
           count(*) FILTER (WHERE s.status = 'operating') AS operating,
           count(*) FILTER (WHERE s.status = 'rollout') AS in_rollout,
           count(*) FILTER (WHERE s.status = 'operating' AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.community_id = c.id)) AS not_started
      FROM branch b
      JOIN communities c ON c.id = b.id
      LEFT JOIN stations s ON s.community_id = c.id
     GROUP BY b.child`.execute(db);
  for (const row of stations.rows) {
    const entry = of(row.child);
    entry.communities = Number(row.communities);
    entry.operating = Number(row.operating);
    entry.inRollout = Number(row.in_rollout);
    entry.plansByStage.notStarted = Number(row.not_started);
  }

  // The latest plan of each community, through plans(community_id, created_at).
  const plans = await sql<{ child: string; status: string; current_stage: 'guide' | 'support' | 'supervise' | null; n: string }>`${branch(scopeId)}
    SELECT b.child, p.status, p.current_stage, count(*) AS n
      FROM branch b
      JOIN communities c ON c.id = b.id
      JOIN LATERAL (SELECT status, current_stage FROM plans WHERE community_id = c.id ORDER BY created_at DESC LIMIT 1) p ON true
     GROUP BY b.child, p.status, p.current_stage`.execute(db);
  for (const row of plans.rows) {
    const counts = of(row.child).plansByStage;
    const n = Number(row.n);
    if (row.status === 'completed' || row.status === 'cancelled') counts[row.status] += n;
    else {
      if (row.status === 'paused') counts.paused += n;
      if (row.current_stage) counts[row.current_stage] += n;
    }
  }

  const workers = await sql<{ child: string; n: string }>`${branch(scopeId)}
    SELECT b.child, count(*) AS n
      FROM branch b
      JOIN workers w ON w.org_unit_id = b.id
     WHERE w.active AND w.position IN ('social_worker', 'station_lead')
     GROUP BY b.child`.execute(db);
  for (const row of workers.rows) of(row.child).workers = Number(row.n);

  const passed = await sql<{ child: string; dimension_key: string; n: string }>`${branch(scopeId)}
    SELECT b.child, wl.dimension_key, count(*) AS n
      FROM branch b
      JOIN workers w ON w.org_unit_id = b.id
      JOIN worker_levels wl ON wl.worker_id = w.id
      JOIN (SELECT dimension_key, min(level) AS level FROM levels GROUP BY dimension_key) first ON first.dimension_key = wl.dimension_key AND wl.level >= first.level
     WHERE w.active AND w.position IN ('social_worker', 'station_lead')
     GROUP BY b.child, wl.dimension_key`.execute(db);
  for (const row of passed.rows) of(row.child).passedFirstLevel.set(row.dimension_key, Number(row.n));

  const served = await sql<{ child: string; residents: string | null }>`${branch(scopeId)}
    SELECT b.child, sum(m.residents_served) AS residents
      FROM branch b
      JOIN communities c ON c.id = b.id
      JOIN service_monthly m ON m.community_id = c.id
     GROUP BY b.child`.execute(db);
  for (const row of served.rows) of(row.child).residentsServed = Number(row.residents ?? 0);

  return figures;
}

/** The training dimensions' keys, in their order. */
export async function dimensionKeys(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('dimensions').select('key').orderBy('sort_order').execute();
  return rows.map((row) => row.key);
}
