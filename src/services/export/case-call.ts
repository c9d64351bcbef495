import { CASE_KINDS } from '../../domain/case-call.js';
import type { Principal } from '../../domain/principal.js';
import { caseScoresFor } from '../case-call.js';
import type { ServiceDeps } from '../deps.js';
import { exportFile, type ExportFile, type Section } from './workbook.js';
import type { ExportFormat } from './reports.js';
import { SERVICE_KIND_ZH } from './service-record.js';

// A case call's scores as a file: per case its weighted mean, each criterion's mean, the spread
// between reviewers and its flag, and its place in the selection — once the review has closed,
// for the cases the caller sees. No reviewer, single score, comment or case text is in it.

export async function exportCaseScores(deps: ServiceDeps, principal: Principal, callId: string, format: ExportFormat): Promise<ExportFile> {
  const scores = await caseScoresFor(deps, principal, callId);
  const criteria = scores.call.rubric.criteria;
  const section: Section = {
    name: '案例评分',
    columns: [
      { key: 'selected', header: '入选顺序', format: 'int', width: 10 }, { key: 'title', header: '案例名称', width: 30 }, { key: 'community', header: '社区' },
      { key: 'kind', header: '案例类型', width: 12 }, { key: 'reviews', header: '评审人数', format: 'int', width: 10 },
      { key: 'mean', header: '加权平均分（百分制）', format: 'decimal', width: 20 },
      ...criteria.map((criterion) => ({ key: `criterion:${criterion.key}`, header: `${criterion.name.zh}（${criterion.min}–${criterion.max}，权重${criterion.weight}）`, format: 'decimal' as const, width: 22 })),
      { key: 'spread', header: '评分极差', format: 'decimal', width: 12 }, { key: 'flagged', header: `分歧较大（极差>${scores.spreadThreshold}）`, width: 20 },
      { key: 'caseId', header: '案例编号', width: 24 },
    ],
    // Grouped by kind (the selection is per kind), best first.
    rows: [...scores.items].sort((a, b) => CASE_KINDS.indexOf(a.kind) - CASE_KINDS.indexOf(b.kind) || (b.mean ?? -1) - (a.mean ?? -1) || a.caseId.localeCompare(b.caseId)).map((item) => ({
      selected: item.selected, title: item.title, community: item.communityName.zh, kind: SERVICE_KIND_ZH[item.kind] ?? item.kind, reviews: item.reviews,
      mean: item.mean, ...Object.fromEntries(criteria.map((criterion) => [`criterion:${criterion.key}`, item.criteria[criterion.key] ?? null])),
      spread: item.spread, flagged: item.spreadFlagged ? '是' : '否', caseId: item.caseId,
    })),
  };
  const rubric: Section = {
    name: '评分标准',
    columns: [{ key: 'criterion', header: '评分项', width: 20 }, { key: 'weight', header: '权重', format: 'int' }, { key: 'min', header: '最低分', format: 'int' }, { key: 'max', header: '最高分', format: 'int' }],
    rows: criteria.map((criterion) => ({ criterion: criterion.name.zh, weight: criterion.weight, min: criterion.min, max: criterion.max })),
    totals: ['weight'],
  };
  return exportFile([section, rubric], format, { title: `案例评分 ${scores.call.title.zh}`, basename: `case-scores-${scores.call.id}`, generatedAt: deps.clock() });
}
