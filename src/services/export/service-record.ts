import type { Principal } from '../../domain/principal.js';
import { reportLabels } from '../../store/repositories/report.js';
import type { ServiceDeps } from '../deps.js';
import { serviceRecordsForExport, type ServiceRecordFilterQuery } from '../service-record.js';
import { exportFile, type ExportFile, type Section } from './workbook.js';
import type { ExportFormat } from './reports.js';

// Service records (专业服务) as a file handed upward: the records the filters select in the
// caller's scope, as the list shows them (viewers: counts, no names), and their figures by station
// and kind. Case files (a resident's personal data) are never in it.

type Deps = Pick<ServiceDeps, 'store' | 'clock'>;

export const SERVICE_KIND_ZH: Record<string, string> = { casework: '个案工作', group: '小组工作', community: '社区工作' };

export async function exportServiceRecords(deps: Deps, principal: Principal, query: ServiceRecordFilterQuery & { format: ExportFormat }): Promise<ExportFile> {
  const { items } = await serviceRecordsForExport(deps, principal, query);
  const labels = await reportLabels(deps.store.db);
  const theme = (key: string) => labels.themes.get(key)?.zh ?? key;
  const names = principal.role !== 'viewer';
  const records: Section = {
    name: '服务记录',
    columns: [
      { key: 'servedOn', header: '服务日期', format: 'date' }, { key: 'community', header: '社区' }, { key: 'kind', header: '服务类型', width: 12 },
      { key: 'theme', header: '主题', width: 14 }, { key: 'title', header: '服务名称', width: 30 }, { key: 'residents', header: '服务人次', format: 'int' },
      { key: 'newResidents', header: '新服务居民', format: 'int' }, { key: 'volunteerHours', header: '志愿服务时长（小时）', format: 'decimal', width: 18 },
      { key: 'project', header: '公益创投项目', width: 26 },
      ...(names ? [{ key: 'workers', header: '社工', width: 24 }] : []),
      { key: 'id', header: '记录编号', width: 28 },
    ],
    rows: items.map((record) => ({
      servedOn: record.servedOn, community: record.communityName.zh, kind: SERVICE_KIND_ZH[record.kind] ?? record.kind, theme: theme(record.theme),
      title: record.title.zh, residents: record.residentsServed, newResidents: record.newResidents, volunteerHours: record.volunteerHours,
      project: record.projectTitle, id: record.id, ...(names ? { workers: (record.workerNames ?? []).join('、') } : {}),
    })),
    totals: ['residents', 'newResidents', 'volunteerHours'],
  };
  const groups = new Map<string, { community: string; kind: string; records: number; residents: number; newResidents: number; volunteerHours: number }>();
  for (const record of items) {
    const key = `${record.communityId}|${record.kind}`;
    const group = groups.get(key) ?? { community: record.communityName.zh, kind: SERVICE_KIND_ZH[record.kind] ?? record.kind, records: 0, residents: 0, newResidents: 0, volunteerHours: 0 };
    group.records += 1;
    group.residents += record.residentsServed;
    group.newResidents += record.newResidents;
    group.volunteerHours += record.volunteerHours;
    groups.set(key, group);
  }
  const byStation: Section = {
    name: '按站点与类型',
    columns: [
      { key: 'community', header: '社区' }, { key: 'kind', header: '服务类型', width: 12 }, { key: 'records', header: '服务记录', format: 'int' },
      { key: 'residents', header: '服务人次', format: 'int' }, { key: 'newResidents', header: '新服务居民', format: 'int' },
      { key: 'volunteerHours', header: '志愿服务时长（小时）', format: 'decimal', width: 18 },
    ],
    rows: [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, group]) => ({ ...group, volunteerHours: Math.round(group.volunteerHours * 100) / 100 })),
    totals: ['records', 'residents', 'newResidents', 'volunteerHours'],
  };
  const filters: Section = {
    name: '筛选条件',
    columns: [{ key: 'item', header: '条件', width: 16 }, { key: 'value', header: '取值', width: 30 }],
    rows: [
      { item: '社区', value: query.communityId ? labels.communities.get(query.communityId)?.zh ?? query.communityId : '全部（权限范围内）' },
      { item: '服务类型', value: query.kind ? SERVICE_KIND_ZH[query.kind] ?? query.kind : '全部' },
      { item: '主题', value: query.theme ? theme(query.theme) : '全部' },
      { item: '公益创投项目', value: query.projectId ?? '全部' },
      { item: '开始日期', value: query.from ?? '不限' },
      { item: '结束日期', value: query.to ?? '不限' },
    ],
  };
  const period = query.from || query.to ? `-${(query.from ?? '').replace(/-/g, '')}-${(query.to ?? '').replace(/-/g, '')}` : '';
  return exportFile([records, byStation, filters], query.format, { title: '服务记录', basename: `service-records-${query.communityId ?? principal.scopeId}${period}`, generatedAt: deps.clock() });
}
