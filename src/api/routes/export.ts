import { ALL_ROLES, FileReply, route } from '../route.js';
import {
  caseScoresExportParams, cycleExportParams, formatQuery, serviceRecordExportQuery, monthlyExportQuery, monthlyQuery, monthlyView, rollupExportQuery, rollupQuery, rollupView, scopedExportQuery,
  ventureExportQuery, workerExportParams,
} from '../../schemas/export.js';
import { exportCaseScores } from '../../services/export/case-call.js';
import { exportMonthly } from '../../services/export/monthly.js';
import { exportServiceRecords } from '../../services/export/service-record.js';
import { monthlyReport } from '../../services/monthly-report.js';
import { rollupReport } from '../../services/rollup.js';
import {
  exportCoverage, exportCycleReport, exportRollup, exportStationPlans, exportSummary, exportVentureProjects, exportWorkerLadder,
} from '../../services/export/reports.js';
import type { ExportFile } from '../../services/export/workbook.js';

// Exports of the reports as .xlsx (one sheet per section) or .csv (?format=csv). Each holds what
// its JSON route shows the same caller: viewers get aggregates only; a worker's ladder is
// personal data, closed to viewers and audited; service records name their workers (not to
// viewers), so their reads are audited; case-call scores exist once the review has closed.

const FILES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'] as const;
const file = (exported: ExportFile) => new FileReply(exported.body, exported.contentType, exported.filename);

export const exportRoutes = [
  route({
    method: 'get',
    path: '/api/exports/summary',
    summary: 'The summary report as .xlsx or .csv: figures, residents served by theme and station, plans by stage, training completion, venture projects',
    tag: 'exports',
    roles: ALL_ROLES,
    query: scopedExportQuery,
    files: FILES,
    handler: async ({ deps, principal, query }) => file(await exportSummary(deps, principal, query)),
  }),
  route({
    method: 'get',
    path: '/api/exports/coverage',
    summary: 'Coverage and rollout as .xlsx or .csv: figures, every community, every milestone (owners not for viewers)',
    tag: 'exports',
    roles: ALL_ROLES,
    query: scopedExportQuery,
    files: FILES,
    handler: async ({ deps, principal, query }) => file(await exportCoverage(deps, principal, query)),
  }),
  route({
    method: 'get',
    path: '/api/exports/station-plans',
    summary: "Station plans as .xlsx or .csv: each station's latest plan, its stage and task counts",
    tag: 'exports',
    roles: ALL_ROLES,
    query: scopedExportQuery,
    files: FILES,
    handler: async ({ deps, principal, query }) => file(await exportStationPlans(deps, principal, query)),
  }),
  route({
    method: 'get',
    path: '/api/exports/training-cycles/:id',
    summary: "A training cycle's report as .xlsx or .csv: attendance, pass rate and promotions overall, per dimension and per station",
    tag: 'exports',
    roles: ALL_ROLES,
    params: cycleExportParams,
    query: formatQuery,
    files: FILES,
    handler: async ({ deps, principal, params, query }) => file(await exportCycleReport(deps, principal, params.id, query.format)),
  }),
  route({
    method: 'get',
    path: '/api/exports/workers/:workerId/ladder',
    summary: "A worker's ladder as .xlsx or .csv: level per dimension, assessments, cycles taken part in",
    tag: 'exports',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    personalData: true,
    params: workerExportParams,
    query: formatQuery,
    files: FILES,
    handler: async ({ deps, principal, params, query }) => file(await exportWorkerLadder(deps, principal, params.workerId, query.format)),
  }),
  route({
    method: 'get',
    path: '/api/exports/venture-projects',
    summary: 'Venture projects as .xlsx or .csv, with residents served and a totals row',
    tag: 'exports',
    roles: ALL_ROLES,
    query: ventureExportQuery,
    files: FILES,
    handler: async ({ deps, principal, query }) => file(await exportVentureProjects(deps, principal, query)),
  }),
  route({
    method: 'get',
    path: '/api/exports/service-records',
    summary: 'Service records as .xlsx or .csv, by the list\'s filters (station, kind, theme, project, period), with figures by station and kind and totals (workers named, but not for viewers; never a case file)',
    tag: 'exports',
    roles: ALL_ROLES,
    personalData: true,
    query: serviceRecordExportQuery,
    files: FILES,
    handler: async ({ deps, principal, query }) => file(await exportServiceRecords(deps, principal, query)),
  }),
  route({
    method: 'get',
    path: '/api/exports/case-calls/:callId/scores',
    summary: "A case call's scores as .xlsx or .csv once its review has closed: per case the weighted mean, each criterion's mean, the reviewers' spread and its flag (no reviewer, comment or case text)",
    tag: 'exports',
    roles: ALL_ROLES,
    params: caseScoresExportParams,
    query: formatQuery,
    files: FILES,
    handler: async ({ deps, principal, params, query }) => file(await exportCaseScores(deps, principal, params.callId, query.format)),
  }),
  route({
    method: 'get',
    path: '/api/reports/monthly',
    etag: true,
    summary: "A street's monthly report (月报): coverage, plans by stage, training, residents served by theme, venture projects, notable overdue items",
    tag: 'reports',
    roles: ALL_ROLES,
    query: monthlyQuery,
    response: monthlyView,
    handler: async ({ deps, principal, query }) => monthlyReport(deps, principal, query),
  }),
  route({
    method: 'get',
    path: '/api/exports/monthly',
    summary: "A street's monthly report as .xlsx, .csv or a printable PDF (embedded Chinese font)",
    tag: 'exports',
    roles: ALL_ROLES,
    query: monthlyExportQuery,
    files: [...FILES, 'application/pdf'],
    handler: async ({ deps, principal, query }) => file(await exportMonthly(deps, principal, query)),
  }),
  route({
    method: 'get',
    path: '/api/reports/rollup',
    etag: true,
    summary: "The units under your scope side by side (a district's streets, a city's districts): coverage, stations operating and remaining, plans by stage, training completion, residents served; sortable, paged",
    tag: 'reports',
    roles: ALL_ROLES,
    query: rollupQuery,
    response: rollupView,
    handler: async ({ deps, principal, query }) => rollupReport(deps, principal, query),
  }),
  route({
    method: 'get',
    path: '/api/exports/rollup',
    summary: 'The roll-up as .xlsx or .csv, in the order asked for, with a totals row',
    tag: 'exports',
    roles: ALL_ROLES,
    query: rollupExportQuery,
    files: FILES,
    handler: async ({ deps, principal, query }) => file(await exportRollup(deps, principal, query)),
  }),
];
