import type { Principal } from '../../domain/principal.js';
import { reportLabels } from '../../store/repositories/report.js';
import { computeReport, getCycleRow, type RateFigures } from '../../store/repositories/training-cycle.js';
import type { ServiceDeps } from '../deps.js';
import { listStationPlans } from '../station-plan.js';
import { rolloutCoverage, type CoverageReport } from '../station-rollout.js';
import { cycleDetail, workerLadderView } from '../training-cycle.js';
import { listVentureProjectsFor } from '../venture-project.js';
import { summaryReport, type SummaryReport } from '../report.js';
import { rollupReport, type RollupSortKey } from '../rollup.js';
import { exportFile, type ExportFile, type Section } from './workbook.js';

// The exports people hand upward, built from the same service answers the JSON routes give (so a
// role sees in a file exactly what it sees on screen: viewers aggregates only), laid out as
// sections for .xlsx and .csv.

export type ExportFormat = 'xlsx' | 'csv';
type Deps = Pick<ServiceDeps, 'store' | 'clock' | 'temporal' | 'config' | 'logger'>;

const STAGE_ZH: Record<string, string> = { guide: '指导', support: '支持', supervise: '督导', completed: '已完成', cancelled: '已取消', paused: '暂停', notStarted: '未启动' };
const STATUS_ZH: Record<string, string> = {
  proposed: '已申报', approved: '已立项', running: '实施中', evaluated: '已评估', rejected: '未通过',
  operating: '运营中', rollout: '建设中', closed: '已关闭', none: '未建站', completed: '已完成', cancelled: '已取消', paused: '暂停',
  on_track: '正常', at_risk: '有风险', late: '滞后', opened: '已开站', pending: '未完成', done: '已完成',
};
const MILESTONE_ZH: Record<string, string> = { site: '选址', staffing: '人员配备', fit_out: '装修', opening: '开站' };
const zh = (map: Record<string, string>, key: string | null | undefined) => (key ? map[key] ?? key : null);
const stamp = (date: string) => date.replace(/-/g, '');

export function summarySections(summary: SummaryReport): Section[] {
  return [
    {
      name: '概况',
      columns: [{ key: 'item', header: '指标', width: 28 }, { key: 'value', header: '数值', format: 'int' }],
      rows: [
        { item: '统计日期', value: summary.asOf },
        { item: '街道社会工作服务中心', value: summary.centers },
        { item: '社区总数', value: summary.communities },
        { item: '已运营社工站', value: summary.stationsOperating },
        { item: '待覆盖社区', value: summary.communitiesRemaining },
        { item: '建设中社工站', value: summary.stationsInRollout },
        { item: '服务居民人次', value: summary.residentsServed.total },
        { item: '公益创投项目', value: summary.ventureProjects.total },
      ],
    },
    {
      name: '按主题服务人次',
      columns: [{ key: 'theme', header: '主题' }, { key: 'projects', header: '项目数', format: 'int' }, { key: 'residents', header: '服务人次', format: 'int' }],
      rows: summary.residentsServed.byTheme.map((t) => ({ theme: t.name.zh, projects: t.projects, residents: t.residentsServed })),
      totals: ['projects', 'residents'],
    },
    {
      name: '按站点服务人次',
      columns: [{ key: 'community', header: '社区' }, { key: 'projects', header: '项目数', format: 'int' }, { key: 'residents', header: '服务人次', format: 'int' }],
      rows: summary.residentsServed.byStation.map((s) => ({ community: s.name.zh, projects: s.projects, residents: s.residentsServed })),
      totals: ['projects', 'residents'],
    },
    {
      name: '计划阶段',
      columns: [{ key: 'stage', header: '阶段' }, { key: 'stations', header: '站点数', format: 'int' }],
      rows: Object.entries(summary.plansByStage).map(([stage, stations]) => ({ stage: zh(STAGE_ZH, stage), stations })),
    },
    trainingSection(summary),
    {
      name: '公益创投',
      columns: [{ key: 'status', header: '状态' }, { key: 'projects', header: '项目数', format: 'int' }],
      rows: Object.entries(summary.ventureProjects.byStatus).map(([status, projects]) => ({ status: zh(STATUS_ZH, status), projects })),
      totals: ['projects'],
    },
  ];
}

export function trainingSection(summary: Pick<SummaryReport, 'trainingCompletion'>): Section {
  const levels = [...new Set(summary.trainingCompletion.flatMap((d) => d.passedByLevel.map((l) => l.level)))].sort((a, b) => a - b);
  return {
    name: '培训完成情况',
    columns: [
      { key: 'dimension', header: '能力维度', width: 30 }, { key: 'workers', header: '社工人数', format: 'int' },
      ...levels.map((level) => ({ key: `level${level}`, header: `通过第${level}级`, format: 'int' as const })),
      { key: 'rate', header: '完成率', format: 'percent' },
    ],
    rows: summary.trainingCompletion.map((d) => ({
      dimension: d.name.zh, workers: d.workers, rate: d.completionRate,
      ...Object.fromEntries(d.passedByLevel.map((l) => [`level${l.level}`, l.workers])),
    })),
  };
}

export function coverageSections(coverage: CoverageReport, personal: boolean): Section[] {
  return [
    {
      name: '覆盖概况',
      columns: [{ key: 'item', header: '指标', width: 28 }, { key: 'value', header: '数值', width: 16 }],
      rows: [
        { item: '统计日期', value: coverage.asOf },
        { item: '社区总数', value: coverage.total },
        { item: '已运营', value: coverage.operating },
        { item: '待覆盖', value: coverage.remaining },
        { item: '建设中', value: coverage.inRollout },
        { item: '未列入计划', value: coverage.notPlanned },
        { item: '覆盖率', value: coverage.ratio },
        { item: '预计全覆盖日期', value: coverage.projectedFullCoverage },
        { item: '目标全覆盖日期', value: coverage.targetFullCoverage },
      ],
    },
    {
      name: '社区',
      columns: [
        { key: 'community', header: '社区' }, { key: 'station', header: '社工站' }, { key: 'openedOn', header: '开站日期', format: 'date' },
        { key: 'rollout', header: '建设状态' }, { key: 'health', header: '进度' }, { key: 'projectedOpening', header: '预计开站', format: 'date' },
      ],
      rows: coverage.communities.map((c) => ({
        community: c.name.zh, station: zh(STATUS_ZH, c.station), openedOn: c.openedOn,
        rollout: zh(STATUS_ZH, c.rollout?.status), health: zh(STATUS_ZH, c.rollout?.health), projectedOpening: c.rollout?.projectedOpening ?? null,
      })),
    },
    {
      name: '里程碑',
      columns: [
        { key: 'community', header: '社区' }, { key: 'milestone', header: '里程碑', width: 12 }, { key: 'targetDate', header: '目标日期', format: 'date' },
        { key: 'status', header: '状态', width: 10 }, { key: 'completedAt', header: '完成日期', format: 'date' }, { key: 'replans', header: '调整次数', format: 'int' },
        ...(personal ? [{ key: 'owner', header: '负责人' }] : []),
      ],
      rows: coverage.communities.flatMap((c) => (c.rollout?.milestones ?? []).map((m) => ({
        community: c.name.zh, milestone: zh(MILESTONE_ZH, m.milestone), targetDate: m.targetDate, status: zh(STATUS_ZH, m.status),
        completedAt: m.completedAt, replans: m.replans, ...(personal ? { owner: m.owner ?? null } : {}),
      }))),
    },
  ];
}

export async function exportSummary(deps: Deps, principal: Principal, query: { streetId?: string; format: ExportFormat }): Promise<ExportFile> {
  const summary = await summaryReport(deps, principal, query.streetId);
  return exportFile(summarySections(summary), query.format, { title: '社会工作汇总报表', basename: `summary-${summary.scopeId}-${stamp(summary.asOf)}`, generatedAt: deps.clock() });
}

export async function exportCoverage(deps: Deps, principal: Principal, query: { streetId?: string; format: ExportFormat }): Promise<ExportFile> {
  const coverage = await rolloutCoverage(deps, principal, query.streetId);
  const scope = query.streetId ?? principal.scopeId;
  return exportFile(coverageSections(coverage, principal.role !== 'viewer'), query.format, { title: '社工站覆盖与建设', basename: `coverage-${scope}-${stamp(coverage.asOf)}`, generatedAt: deps.clock() });
}

export async function exportStationPlans(deps: Deps, principal: Principal, query: { streetId?: string; format: ExportFormat }): Promise<ExportFile> {
  const { items } = await listStationPlans(deps, principal, { streetId: query.streetId });
  const section: Section = {
    name: '站点计划',
    columns: [
      { key: 'community', header: '社区' }, { key: 'status', header: '计划状态', width: 12 }, { key: 'stage', header: '当前阶段', width: 12 },
      { key: 'startedOn', header: '启动日期', format: 'date' }, { key: 'total', header: '任务总数', format: 'int' }, { key: 'done', header: '已完成', format: 'int' },
      { key: 'open', header: '进行中', format: 'int' }, { key: 'overdue', header: '逾期', format: 'int' }, { key: 'nextDueAt', header: '下一截止', format: 'date' },
      { key: 'awaiting', header: '待签批', width: 10 },
    ],
    rows: items.map((p) => ({
      community: p.communityName.zh, status: zh(STATUS_ZH, p.status) ?? zh(STAGE_ZH, p.status), stage: zh(STAGE_ZH, p.currentStage), startedOn: p.startedOn,
      total: p.tasks.total, done: p.tasks.done, open: p.tasks.open, overdue: p.tasks.overdue, nextDueAt: p.nextDueAt, awaiting: p.awaitingSignOff ? '是' : '否',
    })),
    totals: ['total', 'done', 'open', 'overdue'],
  };
  const scope = query.streetId ?? principal.scopeId;
  return exportFile([section], query.format, { title: '站点计划报表', basename: `station-plans-${scope}-${stamp(new Date(deps.clock()).toISOString().slice(0, 10))}`, generatedAt: deps.clock() });
}

const rateRow = (label: Record<string, string | null>, f: RateFigures) => ({
  ...label, present: f.attendance.present, late: f.attendance.late, excused: f.attendance.excused, absent: f.attendance.absent,
  attendanceRate: f.attendance.rate, assessed: f.assessed, passed: f.passed, passRate: f.passRate, promotions: f.promotions,
});
const RATE_COLUMNS: Section['columns'] = [
  { key: 'present', header: '出勤', format: 'int' }, { key: 'late', header: '迟到', format: 'int' }, { key: 'excused', header: '请假', format: 'int' },
  { key: 'absent', header: '缺勤', format: 'int' }, { key: 'attendanceRate', header: '出勤率', format: 'percent' }, { key: 'assessed', header: '考核人次', format: 'int' },
  { key: 'passed', header: '通过人次', format: 'int' }, { key: 'passRate', header: '通过率', format: 'percent' }, { key: 'promotions', header: '晋级人次', format: 'int' },
];

/** A cycle's report (the stored one once it ended, figures so far while it runs): aggregates only. */
export async function exportCycleReport(deps: Deps, principal: Principal, cycleId: string, format: ExportFormat): Promise<ExportFile> {
  const detail = await cycleDetail(deps as ServiceDeps, principal, cycleId);
  const row = (await getCycleRow(deps.store.db, cycleId))!;
  const report = detail.report ?? await computeReport(deps.store.db, cycleId, row.status === 'cancelled' ? 'cancelled' : 'completed', deps.clock());
  const labels = await reportLabels(deps.store.db);
  const dimensionName = (key: string) => labels.dimensions.get(key)?.zh ?? key;
  const communityName = (id: string | null) => (id === null ? '街道' : labels.communities.get(id)?.zh ?? id);
  const sections: Section[] = [
    {
      name: '总体',
      columns: [{ key: 'item', header: '指标', width: 24 }, { key: 'value', header: '数值', width: 30 }],
      rows: [
        { item: '培训周期', value: detail.name }, { item: '状态', value: zh(STATUS_ZH, detail.status) ?? detail.status },
        { item: '报名', value: report.participants.enrolled }, { item: '完成', value: report.participants.completed },
        { item: '退出', value: report.participants.withdrawn }, { item: '辅导标记', value: report.participants.coachingFlags },
        { item: '补考', value: report.retakes }, { item: '出勤率', value: report.attendance.rate }, { item: '通过率', value: report.passRate },
        { item: '晋级人次', value: report.promotions },
      ],
    },
    { name: '按维度', columns: [{ key: 'dimension', header: '能力维度', width: 30 }, ...RATE_COLUMNS], rows: report.byDimension.map((d) => rateRow({ dimension: dimensionName(d.dimension) }, d)), totals: ['assessed', 'passed', 'promotions'] },
    {
      name: '按站点',
      columns: [{ key: 'community', header: '社区' }, { key: 'workers', header: '社工人数', format: 'int' }, ...RATE_COLUMNS],
      rows: report.byStation.map((s) => ({ ...rateRow({ community: communityName(s.communityId) }, s), workers: s.workers })),
      totals: ['workers', 'assessed', 'passed', 'promotions'],
    },
  ];
  return exportFile(sections, format, { title: `培训周期报告 ${detail.name}`, basename: `training-cycle-${cycleId}`, generatedAt: deps.clock() });
}

/** A worker's ladder: personal data (the route is audited and closed to viewers). */
export async function exportWorkerLadder(deps: Deps, principal: Principal, workerId: string, format: ExportFormat): Promise<ExportFile> {
  const ladder = await workerLadderView(deps as ServiceDeps, principal, workerId);
  const sections: Section[] = [
    {
      name: '阶梯',
      columns: [{ key: 'dimension', header: '能力维度', width: 30 }, { key: 'level', header: '当前级别', format: 'int' }, { key: 'passedAt', header: '通过日期', format: 'date' }, { key: 'nextLevel', header: '下一级别', format: 'int' }],
      rows: ladder.dimensions.map((d) => ({ dimension: d.name.zh, level: d.level, passedAt: d.passedAt, nextLevel: d.nextLevel })),
    },
    {
      name: '考核记录',
      columns: [
        { key: 'dimension', header: '能力维度', width: 30 }, { key: 'level', header: '级别', format: 'int' }, { key: 'attempt', header: '次数', format: 'int' },
        { key: 'score', header: '分数', format: 'decimal' }, { key: 'passed', header: '是否通过', width: 10 }, { key: 'assessedAt', header: '考核日期', format: 'date' },
      ],
      rows: ladder.dimensions.flatMap((d) => d.assessments.map((a) => ({ dimension: d.name.zh, level: a.level, attempt: a.attempt, score: a.score, passed: a.passed ? '是' : '否', assessedAt: a.assessedAt }))),
    },
    {
      name: '参训记录',
      columns: [{ key: 'cycle', header: '培训周期', width: 30 }, { key: 'status', header: '状态', width: 12 }, { key: 'enrolledAt', header: '报名日期', format: 'date' }, { key: 'finishedAt', header: '结束日期', format: 'date' }],
      rows: ladder.enrolments.map((e) => ({ cycle: e.cycleName, status: zh(STATUS_ZH, e.status) ?? e.status, enrolledAt: e.enrolledAt, finishedAt: e.finishedAt })),
    },
  ];
  return exportFile(sections, format, { title: '社工成长阶梯', basename: `ladder-${workerId}`, generatedAt: deps.clock() });
}

export async function exportVentureProjects(deps: Deps, principal: Principal, query: { communityId?: string; theme?: string; format: ExportFormat }): Promise<ExportFile> {
  const { items } = await listVentureProjectsFor(deps as ServiceDeps, principal, { communityId: query.communityId, theme: query.theme });
  const labels = await reportLabels(deps.store.db);
  const section: Section = {
    name: '公益创投项目',
    columns: [
      { key: 'title', header: '项目名称', width: 30 }, { key: 'community', header: '社区' }, { key: 'theme', header: '主题', width: 14 },
      { key: 'status', header: '状态', width: 10 }, { key: 'startsOn', header: '开始日期', format: 'date' }, { key: 'endsOn', header: '结束日期', format: 'date' },
      { key: 'budget', header: '预算（元）', format: 'decimal' }, { key: 'records', header: '服务记录', format: 'int' }, { key: 'residents', header: '服务人次', format: 'int' },
    ],
    rows: items.map((p) => ({
      title: p.title.zh, community: p.communityName.zh, theme: labels.themes.get(p.theme)?.zh ?? p.theme, status: zh(STATUS_ZH, p.status),
      startsOn: p.startsOn, endsOn: p.endsOn, budget: p.budgetYuan, records: p.serviceRecords, residents: p.residentsServed,
    })),
    totals: ['budget', 'records', 'residents'],
  };
  return exportFile([section], query.format, { title: '公益创投项目', basename: `venture-projects-${principal.scopeId}`, generatedAt: deps.clock() });
}


export async function exportRollup(
  deps: Deps, principal: Principal, query: { scopeId?: string; sort?: RollupSortKey; order?: 'asc' | 'desc'; format: ExportFormat },
): Promise<ExportFile> {
  const rollup = await rollupReport(deps, principal, { ...query, limit: 10_000, offset: 0 });
  const kind = rollup.items[0]?.kind;
  const unitHeader = kind === 'district' ? '区' : kind === 'street' ? '街道' : kind === 'community' ? '社区' : '单位';
  const section: Section = {
    name: `${rollup.scope.name.zh}`.slice(0, 31) || '汇总',
    columns: [
      { key: 'name', header: unitHeader }, { key: 'communities', header: '社区数', format: 'int' }, { key: 'operating', header: '已运营社工站', format: 'int' },
      { key: 'remaining', header: '待覆盖社区', format: 'int' }, { key: 'inRollout', header: '建设中', format: 'int' }, { key: 'ratio', header: '覆盖率', format: 'percent' },
      { key: 'guide', header: '指导阶段', format: 'int' }, { key: 'support', header: '支持阶段', format: 'int' }, { key: 'supervise', header: '督导阶段', format: 'int' },
      { key: 'completed', header: '计划完成', format: 'int' }, { key: 'training', header: '培训完成率', format: 'percent' }, { key: 'residents', header: '服务人次', format: 'int' },
    ],
    rows: rollup.items.map((row) => ({
      name: row.name.zh, communities: row.communities, operating: row.stationsOperating, remaining: row.communitiesRemaining, inRollout: row.stationsInRollout,
      ratio: row.coverageRatio, guide: row.plansByStage.guide, support: row.plansByStage.support, supervise: row.plansByStage.supervise,
      completed: row.plansByStage.completed, training: row.trainingCompletion, residents: row.residentsServed,
    })),
    totals: ['communities', 'operating', 'remaining', 'inRollout', 'guide', 'support', 'supervise', 'completed', 'residents'],
  };
  return exportFile([section], query.format, { title: `${rollup.scope.name.zh}汇总对比`, basename: `rollup-${rollup.scope.id}-${stamp(rollup.asOf)}`, generatedAt: deps.clock() });
}
